package main

import (
	"context"

	"github.com/efortin/vllm-chill/.dagger/internal/dagger"

	"github.com/efortin/vllm-chill/internal/pipeline"
)

// CoverageAll runs the unit tests and the integration suite, then merges their
// coverage. Returns unit-coverage.out, integration-coverage.out,
// combined-coverage.out, combined-coverage.html, summary.txt, raw/ (GOCOVERDIR
// data), the JUnit reports and logs/. It returns the directory even when a
// part failed, so a failed run can still be exported: summary.txt's `result:`
// line says PASS or FAIL and logs/ says why.
//
// +cache="session"
func (m *VllmChill) CoverageAll(
	ctx context.Context,
	// Only run tests matching this regular expression (go test -run).
	// +optional
	run string,
) (*dagger.Directory, error) {
	unit, integ := m.bothParts(ctx, run)
	return m.merge(ctx, run, unit, integ)
}

// merge runs the coverage tool's merge step over the parts' reports. It returns
// the directory whatever the parts and the merge did: the tool's summary.txt
// and logs/<part>.log record every failure, and the caller exports them.
func (m *VllmChill) merge(ctx context.Context, run string, parts ...*partResult) (*dagger.Directory, error) {
	ctr, err := m.goContainer(ctx)
	if err != nil {
		return mergeReports(append(parts, failedPart(pipeline.PartMerge, err))...), nil
	}
	ctr = ctr.WithDirectory(reportsDir, mergeReports(parts...))
	res := runPart(ctx, ctr, pipeline.PartMerge, pipeline.TestEnv("", run, pipeline.NewNonce()))
	if res.failure != nil {
		// The merge never ran: return the parts' own reports with its log.
		return mergeReports(append(parts, res)...), nil
	}
	return res.reports, nil
}
