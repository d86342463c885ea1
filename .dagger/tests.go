package main

import (
	"context"
	"sync"

	"github.com/efortin/vllm-chill/.dagger/internal/dagger"

	"github.com/efortin/vllm-chill/internal/pipeline"
)

// reportsDir is where the coverage tool writes inside test containers.
const reportsDir = "/reports"

// TestUnit runs the unit tests with coverage. Returns unit-junit.xml,
// unit-coverage.out, raw/unit (GOCOVERDIR data) and logs/unit.log; fails,
// naming the failed tests with their first lines, when a test fails.
//
// +check
// +cache="session"
func (m *VllmChill) TestUnit(
	ctx context.Context,
	// Only run tests matching this regular expression (go test -run).
	// +optional
	run string,
	// Return the reports even when a test failed, instead of failing; then
	// `dagger call verdict --reports DIR` fails on them.
	// +optional
	allowFailure bool,
) (*dagger.Directory, error) {
	res := m.unitPart(ctx, run)
	return res.reports, decide(ctx, pipeline.FnTestUnit, allowFailure, res)
}

// TestIntegration runs the integration suite against a fresh k3s cluster.
// Returns integration-junit.xml and logs/integration.log; fails naming the
// failed tests when a test fails, or the step when the cluster never answered.
//
// +check
// +cache="session"
func (m *VllmChill) TestIntegration(
	ctx context.Context,
	// Only run tests matching this regular expression (go test -run).
	// +optional
	run string,
	// k3s image; defaults to the constructor's --cluster-image.
	// +optional
	image string,
	// Return the reports even when a test failed, instead of failing; then
	// `dagger call verdict --reports DIR` fails on them.
	// +optional
	allowFailure bool,
) (*dagger.Directory, error) {
	res := m.integrationPart(ctx, run, m.image(image))
	reports := res.reports.Filter(dagger.DirectoryFilterOpts{Include: []string{"*-junit.xml", "logs/**"}})
	return reports, decide(ctx, pipeline.FnTestIntegration, allowFailure, res)
}

// TestIntegrationCoverage runs the integration suite against a fresh k3s
// cluster with coverage. Returns integration-coverage.out, raw/integration
// (GOCOVERDIR data), integration-junit.xml and logs/integration.log; fails
// naming the failed tests when a test fails.
//
// +cache="session"
func (m *VllmChill) TestIntegrationCoverage(
	ctx context.Context,
	// Only run tests matching this regular expression (go test -run).
	// +optional
	run string,
	// k3s image; defaults to the constructor's --cluster-image.
	// +optional
	image string,
	// Return the reports even when a test failed, instead of failing; then
	// `dagger call verdict --reports DIR` fails on them.
	// +optional
	allowFailure bool,
) (*dagger.Directory, error) {
	res := m.integrationPart(ctx, run, m.image(image))
	return res.reports, decide(ctx, pipeline.FnTestIntegrationCoverage, allowFailure, res)
}

// TestAll runs the unit tests and the integration suite in parallel. Returns
// both parts' reports (as test-unit and test-integration-coverage do); fails
// naming every part that failed and its failed tests.
//
// +cache="session"
func (m *VllmChill) TestAll(
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
	return mergeReports(unit, integ), decide(ctx, pipeline.FnTestAll, allowFailure, unit, integ)
}

// partResult is what one part of the coverage tool left behind.
type partResult struct {
	part     pipeline.Part
	exitCode int
	output   string
	// failure is set when the part could not run at all (a step before the
	// tests failed); it names that step.
	failure error
	// reports holds the tool's files plus logs/<part>.log.
	reports *dagger.Directory
}

// outcome is how the part ended, with its JUnit report (none when the part
// never wrote one), for pipeline.Decide.
func (r *partResult) outcome(ctx context.Context, name, dir string) pipeline.Outcome {
	o := pipeline.Outcome{Name: name, Dir: dir, Part: r.part, ExitCode: r.exitCode, Output: r.output}
	if r.failure != nil {
		o.Failure = r.failure.Error()
		return o
	}
	if junit, err := r.reports.File(pipeline.JUnitPath(r.part)).Contents(ctx); err == nil {
		o.JUnit = []byte(junit)
	}
	return o
}

// decide applies the module's one rule (pipeline.Decide) to the parts of a
// run of function fn: nil when all passed or allowFailure, else an error
// naming the failed parts and tests.
func decide(ctx context.Context, fn string, allowFailure bool, parts ...*partResult) error {
	outcomes := make([]pipeline.Outcome, len(parts))
	for i, p := range parts {
		outcomes[i] = p.outcome(ctx, string(p.part), "")
	}
	return pipeline.Decide(fn, outcomes, allowFailure)
}

// failedPart records a part that could not run at all, so later steps and
// the exported logs still account for it.
func failedPart(part pipeline.Part, err error) *partResult {
	return &partResult{
		part: part, exitCode: -1, failure: err,
		reports: dag.Directory().WithNewFile(pipeline.PartLogPath(part), pipeline.PartLog(part, -1, err.Error()+"\n")),
	}
}

// runPart runs one part of the coverage tool in ctr. A failing test run is not
// an error here: the exec may fail (Expect: ANY) so its reports are kept, and
// the exit code decides afterwards. The nonce in env makes it run again on
// every call instead of replaying a cached result, failed or not.
func runPart(ctx context.Context, ctr *dagger.Container, part pipeline.Part, env []pipeline.EnvVar) *partResult {
	for _, e := range env {
		ctr = ctr.WithEnvVariable(e.Name, e.Value)
	}
	ctr = ctr.WithExec(pipeline.CoverageArgs(part, reportsDir), dagger.ContainerWithExecOpts{Expect: dagger.ReturnTypeAny})
	code, err := ctr.ExitCode(ctx)
	if err != nil {
		return failedPart(part, stepErr("run the "+string(part)+" part", err))
	}
	out, err := ctr.CombinedOutput(ctx)
	if err != nil {
		return failedPart(part, stepErr("read the "+string(part)+" part's output", err))
	}
	return &partResult{
		part: part, exitCode: code, output: out,
		reports: ctr.Directory(reportsDir).WithNewFile(pipeline.PartLogPath(part), pipeline.PartLog(part, code, out)),
	}
}

// unitPart runs the unit tests; they need no cluster.
func (m *VllmChill) unitPart(ctx context.Context, run string) *partResult {
	ctr, err := m.goContainer(ctx)
	if err != nil {
		return failedPart(pipeline.PartUnit, err)
	}
	return runPart(ctx, ctr, pipeline.PartUnit, pipeline.TestEnv("", run, pipeline.NewNonce()))
}

// integrationPart runs the integration suite against a fresh cluster of image.
func (m *VllmChill) integrationPart(ctx context.Context, run, image string) *partResult {
	ctr, err := m.goContainer(ctx)
	if err != nil {
		return failedPart(pipeline.PartIntegration, err)
	}
	cl, err := m.startCluster(ctx, image)
	if err != nil {
		return failedPart(pipeline.PartIntegration, err)
	}
	defer cl.stop(ctx)
	if ctr, err = cl.attach(ctx, ctr); err != nil {
		return failedPart(pipeline.PartIntegration, err)
	}
	env := pipeline.TestEnv(kubeconfigInContainer, run, pipeline.NewNonce())
	return runPart(ctx, ctr, pipeline.PartIntegration, env)
}

// bothParts runs the unit tests and the integration suite concurrently: Dagger
// evaluates lazily, so only separate goroutines make the two run side by side.
func (m *VllmChill) bothParts(ctx context.Context, run string) (unit, integ *partResult) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); unit = m.unitPart(ctx, run) }()
	go func() { defer wg.Done(); integ = m.integrationPart(ctx, run, m.ClusterImage) }()
	wg.Wait()
	return unit, integ
}

// mergeReports overlays the parts' report directories; their files have
// part-specific names, so nothing is overwritten.
func mergeReports(parts ...*partResult) *dagger.Directory {
	dir := dag.Directory()
	for _, p := range parts {
		dir = dir.WithDirectory(".", p.reports)
	}
	return dir
}
