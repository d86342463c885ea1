package main

import (
	"context"

	"github.com/efortin/vllm-chill/.dagger/internal/dagger"

	"github.com/efortin/vllm-chill/internal/pipeline"
)

// merge runs the coverage tool's merge step over the parts' reports. It returns
// the directory whatever the parts and the merge did: the tool's summary.txt and
// logs/<part>.log record every failure, and the caller exports them. Only an
// engine-side failure to read the directory is an error.
func (m *VllmChill) merge(ctx context.Context, run string, parts ...*partResult) (*dagger.Directory, error) {
	ctr := m.goContainer().WithDirectory(reportsDir, mergeReports(parts...))
	res := runPart(ctx, ctr, pipeline.PartMerge, pipeline.TestEnv("", "", run))
	if res.exitCode == -1 {
		// The merge never ran: return the parts' own reports with its log.
		return mergeReports(append(parts, res)...), nil
	}
	if _, err := res.Reports.Sync(ctx); err != nil {
		return nil, err
	}
	return res.Reports, nil
}
