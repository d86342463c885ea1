// Package coverage runs the unit and integration test parts with binary
// coverage (GOCOVERDIR data, atomic mode, -coverpkg over the whole module),
// then merges them with `go tool covdata` into text profiles, an HTML report
// and a summary. Every path (local, k3d, Dagger) calls it through
// cmd/vllm-coverage, so coverage is produced the same way everywhere.
//
// Nothing here assumes a host layout: directories come from Options and the
// go binary from PATH, so the same code runs inside a container.
package coverage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/efortin/vllm-chill/internal/contract"
	"github.com/efortin/vllm-chill/internal/heartbeat"
	"github.com/efortin/vllm-chill/internal/interrupt"
	"github.com/efortin/vllm-chill/internal/proc"
)

// Options says where the module is and where the reports go. The zero value
// of every field but Out is usable.
type Options struct {
	// Out receives every report; raw data goes to Out/raw. Required; made absolute.
	Out string
	// Dir is the module root the go commands run in. Default ".".
	Dir string
	// Module is the import path whose packages are instrumented
	// (-coverpkg=Module/...). Default: `go list -m` in Dir.
	Module string
	// Go is the go command. Default "go", looked up in PATH.
	Go string
	// Gotestsum is the command prefix that runs gotestsum. Default
	// `Go tool gotestsum` (the tool directive of the module in Dir).
	Gotestsum []string
	// Run, when set, is passed as go test -run (only matching tests run).
	// Default $VLLM_TEST_RUN, the filter the Dagger module passes down.
	Run string
	// IntegrationPackages, when set, replaces the package patterns of the
	// integration part (default Integration.Packages: the suite, package ./test).
	// The local path adds the packages whose tests need a real control plane;
	// inside Dagger only the suite runs, against k3s.
	IntegrationPackages []string
	// Stdout and Stderr receive the test output and progress. Default os.Stdout/os.Stderr.
	Stdout, Stderr io.Writer
	// Parallel runs the parts of `all` side by side, each line of their
	// output prefixed with the part's name. The integration part mostly
	// waits on processes, so on a small machine the two overlap well.
	Parallel bool
}

// Part is one test run whose coverage is kept apart until the merge.
type Part struct {
	Name     string   // unit or integration; names the files of the part
	Tags     string   // build tags passed to go test
	Packages []string // package patterns, relative to the module root
	// RequireEnv lists variables the part cannot run without; a missing one
	// fails the part before go test starts, naming the variable.
	RequireEnv []string
}

// The two parts of the combined report.
var (
	Unit = Part{Name: "unit", Packages: []string{"./..."}}
	// The suite is the one package ./test, not ./test/...: test/faults (which
	// starts control planes and go-task runs of its own) lives below it.
	Integration = Part{Name: "integration", Tags: "integration", Packages: []string{"./test"},
		RequireEnv: []string{contract.EnvKubeconfig, contract.EnvKubeContext}}
	Parts = []Part{Unit, Integration}
)

// Result is what a part left behind; it is written to Out/<part>-result.json
// so that a later `merge` knows whether the part passed.
type Result struct {
	Part     string  `json:"part"`
	Passed   bool    `json:"passed"`
	ExitCode int     `json:"exitCode"`
	Message  string  `json:"message,omitempty"`
	Seconds  float64 `json:"seconds"`
	Command  string  `json:"command,omitempty"`
}

func (o *Options) defaults(ctx context.Context) error {
	if o.Out == "" {
		return errors.New("coverage: the output directory is required (--out)")
	}
	abs, err := filepath.Abs(o.Out)
	if err != nil {
		return fmt.Errorf("resolve output directory %q: %w", o.Out, err)
	}
	o.Out = abs
	if o.Dir == "" {
		o.Dir = "."
	}
	if o.Go == "" {
		o.Go = "go"
	}
	if len(o.Gotestsum) == 0 {
		o.Gotestsum = []string{o.Go, "tool", "gotestsum"}
	}
	if o.Run == "" {
		o.Run = os.Getenv(contract.EnvTestRun)
	}
	if o.Stdout == nil {
		o.Stdout = os.Stdout
	}
	if o.Stderr == nil {
		o.Stderr = os.Stderr
	}
	if o.Module == "" {
		out, err := o.output(ctx, o.Go, "list", "-m", "-f", "{{.Path}}")
		if err != nil {
			return fmt.Errorf("find the module path in %q: %w", o.Dir, err)
		}
		o.Module = strings.TrimSpace(out)
	}
	return nil
}

// integrationPart is the Integration part with the caller's package list.
func (o *Options) integrationPart() Part {
	p := Integration
	if len(o.IntegrationPackages) > 0 {
		p.Packages = o.IntegrationPackages
	}
	return p
}

// layout is where this run's files go.
func (o *Options) layout() Layout { return Layout{Dir: o.Out} }

// RunPart runs one part with gotestsum and records its result. A failing test
// is not an error: it is recorded in the Result so the merge still happens.
// The error is for what stops the part from being recorded at all.
func RunPart(ctx context.Context, o Options, p Part) (*Result, error) {
	if err := o.defaults(ctx); err != nil {
		return nil, err
	}
	raw := o.layout().Raw(p.Name)
	// Stale data from an earlier run would be merged as if it were new.
	if err := os.RemoveAll(raw); err != nil {
		return nil, fmt.Errorf("clean %s: %w", raw, err)
	}
	if err := os.MkdirAll(raw, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", raw, err)
	}
	_ = os.Remove(o.layout().GotestProfile(p.Name))

	res := &Result{Part: p.Name}
	for _, v := range p.RequireEnv {
		if os.Getenv(v) == "" {
			res.ExitCode = 2
			res.Message = fmt.Sprintf("%s is not set: the %s part needs it", v, p.Name)
			fmt.Fprintf(o.Stderr, "coverage: %s: %s\n", p.Name, res.Message)
			return res, writeResult(o, res)
		}
	}

	args := append([]string{}, o.Gotestsum[1:]...)
	args = append(args,
		"--junitfile", o.layout().JUnit(p.Name),
		"--format", "testname",
		"--",
		"-count=1",
		"-coverprofile="+o.layout().GotestProfile(p.Name),
		// No symbol table or DWARF: test binaries link a quarter faster,
		// and panics still print file and line.
		"-ldflags=-s -w",
		// go vet runs on its own (go tool task vet); go test's subset of it
		// would only check the same code again.
		"-vet=off",
	)
	args = append(args, BuildFlags(o.Module)...)
	if p.Tags != "" {
		args = append(args, "-tags", p.Tags)
	}
	if o.Run != "" {
		args = append(args, "-run", o.Run)
	}
	args = append(args, p.Packages...)
	args = append(args, "-args", "-test.gocoverdir="+raw)

	cmd := exec.CommandContext(ctx, o.Gotestsum[0], args...)
	cmd.Dir = o.Dir
	// gotestsum prints a line as each test ends, but nothing while go test
	// compiles (minutes on a fresh machine) or while one long test runs: the
	// watch says the part is alive after 20 s without a line.
	watch := heartbeat.NewWatch(o.Stdout, heartbeat.Interval, "running the "+p.Name+" tests (go test compiles, then each test prints a line as it ends)")
	defer watch.Stop()
	cmd.Stdout = watch
	cmd.Stderr = watch.To(o.Stderr)
	// GOCOVERDIR as well: binaries built with -cover that the tests start
	// (the bootstrap CLI in the suite's setup) write their data there.
	cmd.Env = append(os.Environ(), "GOCOVERDIR="+raw)
	// SIGTERM to go test and every test binary it started when ctx ends.
	proc.TerminateOnCancel(cmd, 15*time.Second)
	res.Command = strings.Join(cmd.Args, " ")

	fmt.Fprintf(o.Stderr, "coverage: %s: %s\n", p.Name, res.Command)
	start := time.Now()
	err := cmd.Run()
	watch.Stop()
	res.Seconds = time.Since(start).Seconds()
	switch {
	case err == nil:
		res.Passed = true
	// A signal to every process (a CI runner stopping a container's) can
	// end go test before the handler that cancels ctx has run: the part
	// was interrupted, not failed.
	case ctx.Err() != nil || interrupt.Cause(ctx, true, interrupt.Grace) != nil:
		res.ExitCode = -1
		res.Message = fmt.Sprintf("interrupted: %v", context.Cause(ctx))
	default:
		res.ExitCode = -1
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			res.ExitCode = ee.ExitCode()
		}
		res.Message = fmt.Sprintf("tests failed (%v); see %s-junit.xml", err, p.Name)
	}
	status := "passed"
	if !res.Passed {
		status = "FAILED (" + res.Message + ")"
	}
	fmt.Fprintf(o.Stderr, "coverage: %s part %s in %.1fs\n", p.Name, status, res.Seconds)
	if err := writeResult(o, res); err != nil {
		return res, err
	}
	// The part's own profile, so that a part run alone is a report too.
	if _, _, err := o.writePartProfile(ctx, p.Name); err != nil {
		return res, err
	}
	fmt.Fprintf(o.Stderr, "coverage: %s profile in %s\n", p.Name, o.layout().Profile(p.Name))
	return res, nil
}

func resultPath(o Options, part string) string { return o.layout().Result(part) }

func writeResult(o Options, r *Result) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(resultPath(o, r.Part), append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("record the %s result: %w", r.Part, err)
	}
	return nil
}

// readResult returns the recorded result of a part; a part that never ran
// counts as failed, so a merge cannot pass on half the data.
func readResult(o Options, part string) *Result {
	data, err := os.ReadFile(resultPath(o, part))
	if err != nil {
		return &Result{Part: part, ExitCode: -1, Message: "not run (no " + filepath.Base(resultPath(o, part)) + ")"}
	}
	var r Result
	if err := json.Unmarshal(data, &r); err != nil {
		return &Result{Part: part, ExitCode: -1, Message: fmt.Sprintf("unreadable result %s: %v", resultPath(o, part), err)}
	}
	return &r
}

// output runs a go tool command in the module dir and returns its stdout;
// the error carries stderr so the failing step is named.
func (o *Options) output(ctx context.Context, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = o.Dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}
