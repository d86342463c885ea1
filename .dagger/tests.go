package main

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/efortin/vllm-chill/.dagger/internal/dagger"

	"github.com/efortin/vllm-chill/internal/pipeline"
)

// reportsDir is where the coverage tool writes inside test containers.
const reportsDir = "/reports"

// goContainer is the Go image with the source at /src and module-prefixed cache
// volumes for downloaded modules and compiled packages, so a second run with
// unchanged sources downloads and compiles nothing.
func (m *VllmChill) goContainer() *dagger.Container {
	return dag.Container().From(m.GoImage).
		WithMountedCache("/go/pkg/mod", dag.CacheVolume(pipeline.CacheName("go-mod"))).
		WithEnvVariable("GOMODCACHE", "/go/pkg/mod").
		WithMountedCache("/root/.cache/go-build", dag.CacheVolume(pipeline.CacheName("go-build"))).
		WithEnvVariable("GOCACHE", "/root/.cache/go-build").
		WithDirectory("/src", m.Source).
		WithWorkdir("/src").
		// Created up front so the reports can be read even if the tool never starts.
		WithDirectory(reportsDir, dag.Directory())
}

// partResult is what one part of the coverage tool left behind.
type partResult struct {
	part     pipeline.Part
	exitCode int
	output   string
	// Reports holds the tool's files plus logs/<part>.log.
	Reports *dagger.Directory
}

// err is nil when the part passed, else an error carrying its output.
func (r *partResult) err() error {
	if r.exitCode == 0 {
		return nil
	}
	return fmt.Errorf("%s tests failed (exit code %d):\n%s", r.part, r.exitCode, r.output)
}

// failedPart records a part that could not run at all (e.g. k3s never came up),
// so later steps and the exported logs still account for it.
func failedPart(part pipeline.Part, err error) *partResult {
	out := err.Error() + "\n"
	return &partResult{
		part: part, exitCode: -1, output: out,
		Reports: dag.Directory().WithNewFile(pipeline.PartLogPath(part), pipeline.PartLog(part, -1, out)),
	}
}

// runPart runs one part of the coverage tool in ctr. A failing test run is not
// an error here: the exec is allowed to fail (Expect: ANY) so its reports are
// kept, and the exit code decides afterwards.
func runPart(ctx context.Context, ctr *dagger.Container, part pipeline.Part, env []pipeline.EnvVar) *partResult {
	for _, e := range env {
		ctr = ctr.WithEnvVariable(e.Name, e.Value)
	}
	ctr = ctr.WithExec(pipeline.CoverageArgs(part, reportsDir), dagger.ContainerWithExecOpts{Expect: dagger.ReturnTypeAny})
	code, err := ctr.ExitCode(ctx)
	if err != nil {
		return failedPart(part, fmt.Errorf("run %s tests: %w", part, err))
	}
	out, err := ctr.CombinedOutput(ctx)
	if err != nil {
		return failedPart(part, fmt.Errorf("read %s test output: %w", part, err))
	}
	return &partResult{
		part: part, exitCode: code, output: out,
		Reports: ctr.Directory(reportsDir).WithNewFile(pipeline.PartLogPath(part), pipeline.PartLog(part, code, out)),
	}
}

// unitPart runs the unit tests; they need no cluster.
func (m *VllmChill) unitPart(ctx context.Context, run string) *partResult {
	return runPart(ctx, m.goContainer(), pipeline.PartUnit, pipeline.TestEnv("", "", run))
}

// integrationPart runs the integration suite against a fresh cluster of image.
// slot tells clusters of one run apart (matrix entries); "" for a single cluster.
func (m *VllmChill) integrationPart(ctx context.Context, run, image, slot string) *partResult {
	cl, err := m.startCluster(ctx, image, slot)
	if err != nil {
		return failedPart(pipeline.PartIntegration, err)
	}
	defer cl.stop(ctx)
	ctr, err := cl.attach(ctx, m.goContainer())
	if err != nil {
		return failedPart(pipeline.PartIntegration, err)
	}
	env := pipeline.TestEnv(kubeconfigInContainer, pipeline.KubeContext, run)
	return runPart(ctx, ctr, pipeline.PartIntegration, env)
}

// bothParts runs the unit tests and the integration suite concurrently: Dagger
// evaluates lazily, so only separate goroutines make the two run side by side.
func (m *VllmChill) bothParts(ctx context.Context, run string) (unit, integ *partResult) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); unit = m.unitPart(ctx, run) }()
	go func() { defer wg.Done(); integ = m.integrationPart(ctx, run, m.K3sImage, "") }()
	wg.Wait()
	return unit, integ
}

// mergeReports overlays the parts' report directories; their files have
// part-specific names, so nothing is overwritten.
func mergeReports(parts ...*partResult) *dagger.Directory {
	dir := dag.Directory()
	for _, p := range parts {
		dir = dir.WithDirectory(".", p.Reports)
	}
	return dir
}

// joinErrs joins the non-nil errors, nil when there are none.
func joinErrs(errs ...error) error { return errors.Join(errs...) }
