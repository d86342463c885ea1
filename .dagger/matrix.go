package main

import (
	"context"
	"fmt"
	"sync"

	"github.com/efortin/vllm-chill/.dagger/internal/dagger"

	"github.com/efortin/vllm-chill/internal/pipeline"
)

// matrix runs the integration suite once per entry, all at the same time, each
// against its own cluster, and gathers the reports under <entry name>/.
func (m *VllmChill) matrix(ctx context.Context, run string, entries []pipeline.MatrixEntry) (*dagger.Directory, error) {
	results := make([]*partResult, len(entries))
	var wg sync.WaitGroup
	for i, e := range entries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = m.integrationPart(ctx, run, e.Image, e.Name)
		}()
	}
	wg.Wait()
	dir := dag.Directory()
	var errs []error
	for i, e := range entries {
		dir = dir.WithDirectory(e.Name, results[i].Reports)
		if err := results[i].err(); err != nil {
			errs = append(errs, fmt.Errorf("kubernetes %s (%s): %w", e.Version, e.Image, err))
		}
	}
	return dir, joinErrs(errs...)
}
