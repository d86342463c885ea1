package main

import (
	"context"

	"github.com/efortin/vllm-chill/.dagger/internal/dagger"

	"github.com/efortin/vllm-chill/internal/pipeline"
)

// CoverageAll runs the unit tests and the integration suite, then merges their
// coverage. Returns unit-coverage.out, integration-coverage.out,
// combined-coverage.out, combined-coverage.html, summary.txt, raw/ (GOCOVERDIR
// data), the JUnit reports and logs/. Fails, naming the failed parts and
// tests, when a part failed; with --allow-failure it returns the reports of a
// failed run too (summary.txt's `result:` line and logs/ say what failed), and
// `dagger call verdict --reports DIR` then fails on them.
//
// +cache="session"
func (m *VllmChill) CoverageAll(
	ctx context.Context,
	// Only run tests matching this regular expression (go test -run).
	// +optional
	run string,
	// Return the reports even when a test failed, instead of failing; then
	// `dagger call verdict --reports DIR` fails on them.
	// +optional
	allowFailure bool,
) (*dagger.Directory, error) {
	unit, integ := m.bothParts(ctx, run)
	merged, merge := m.merge(ctx, run, unit, integ)
	return merged, decide(ctx, pipeline.FnCoverageAll, allowFailure, unit, integ, merge)
}

// merge runs the coverage tool's merge step over the parts' reports. It
// returns the directory whatever the parts and the merge did (the tool's
// summary.txt and logs/<part>.log record every failure) and the merge's own
// result.
func (m *VllmChill) merge(ctx context.Context, run string, parts ...*partResult) (*dagger.Directory, *partResult) {
	ctr, err := m.goContainer(ctx)
	if err != nil {
		res := failedPart(pipeline.PartMerge, err)
		return mergeReports(append(parts, res)...), res
	}
	ctr = ctr.WithDirectory(reportsDir, mergeReports(parts...))
	res := runPart(ctx, ctr, pipeline.PartMerge, pipeline.TestEnv("", run, pipeline.NewNonce()))
	if res.failure != nil {
		// The merge never ran: return the parts' own reports with its log.
		return mergeReports(append(parts, res)...), res
	}
	return res.reports, res
}

// Verdict fails when reports exported from a test function run with
// --allow-failure come from a red run, with the same message the function
// would have failed with; it passes on a green run's reports. Its input is
// the exported directory (logs/<part>.log and <part>-junit.xml suffice).
func (m *VllmChill) Verdict(
	ctx context.Context,
	// Directory a test function's reports were exported to, e.g. coverage.
	reports *dagger.Directory,
) error {
	paths, err := reports.Glob(ctx, "**/*.log")
	if err != nil {
		return stepErr("list the logs of the reports", err)
	}
	junits, err := reports.Glob(ctx, "**/*-junit.xml")
	if err != nil {
		return stepErr("list the JUnit reports", err)
	}
	files := map[string][]byte{}
	for _, p := range append(paths, junits...) {
		text, err := reports.File(p).Contents(ctx)
		if err != nil {
			return stepErr("read "+p+" of the reports", err)
		}
		files[p] = []byte(text)
	}
	outcomes, err := pipeline.OutcomesFromReports(files)
	if err != nil {
		return err
	}
	return pipeline.Decide(pipeline.FnVerdict, outcomes, false)
}
