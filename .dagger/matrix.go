package main

import (
	"context"
	"sync"

	"github.com/efortin/vllm-chill/.dagger/internal/dagger"

	"github.com/efortin/vllm-chill/internal/pipeline"
)

// TestMatrix runs the integration suite against one fresh k3s cluster per
// Kubernetes version, in parallel. Returns one report directory per version
// (named after the image tag); fails naming every version whose tests failed,
// and each failed test.
//
// +cache="session"
func (m *VllmChill) TestMatrix(
	ctx context.Context,
	// Kubernetes patch releases (v1.37.2, v1.37.2+k3s1) or full k3s image references.
	// +default=["v1.37.2"]
	versions []string,
	// Only run tests matching this regular expression (go test -run).
	// +optional
	run string,
	// Return the reports even when a test failed, instead of failing; then
	// `dagger call verdict --reports DIR` fails on them.
	// +optional
	allowFailure bool,
) (*dagger.Directory, error) {
	entries, err := pipeline.ExpandMatrix(versions)
	if err != nil {
		return nil, err
	}
	results := make([]*partResult, len(entries))
	var wg sync.WaitGroup
	for i, e := range entries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = m.integrationPart(ctx, run, e.Image)
		}()
	}
	wg.Wait()
	dir := dag.Directory()
	outcomes := make([]pipeline.Outcome, len(entries))
	for i, e := range entries {
		dir = dir.WithDirectory(e.Name, results[i].reports)
		outcomes[i] = results[i].outcome(ctx, "integration "+e.Name, e.Name)
	}
	return dir, pipeline.Decide(pipeline.FnTestMatrix, outcomes, allowFailure)
}
