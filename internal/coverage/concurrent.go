package coverage

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/efortin/vllm-chill/internal/contract"
)

// Concurrent runs the integration suite n times at once against the one
// cluster of KUBECONFIG/VLLM_KUBE_CONTEXT, without coverage. It proves the
// suite's per-run names keep runs apart: every run must pass. Each run's
// output goes to Out/concurrent-<i>.log.
func Concurrent(ctx context.Context, o Options, n int) ([]Result, error) {
	if err := o.defaults(ctx); err != nil {
		return nil, err
	}
	if n < 2 {
		return nil, fmt.Errorf("concurrent: want at least 2 runs, got %d", n)
	}
	for _, v := range Integration.RequireEnv {
		if os.Getenv(v) == "" {
			return nil, fmt.Errorf("concurrent: %s is not set: the integration suite needs it", v)
		}
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return nil, err
	}
	// Build the suite once and start every run at the same instant, so the
	// runs' setup and tests really overlap instead of queueing on compiles.
	out, err := o.output(ctx, o.Go, append([]string{"list", "-tags", Integration.Tags, "-f", "{{.Dir}}"}, Integration.Packages...)...)
	dirs := strings.Fields(out)
	if err != nil || len(dirs) != 1 {
		return nil, fmt.Errorf("concurrent: want one integration package in %v, got %v: %v", Integration.Packages, dirs, err)
	}
	bin := filepath.Join(o.Out, "integration.test")
	if _, err := o.output(ctx, o.Go, "test", "-c", "-tags", Integration.Tags, "-o", bin, dirs[0]); err != nil {
		return nil, fmt.Errorf("concurrent: build the suite: %w", err)
	}
	// One bootstrap CLI for all runs (VLLM_BOOTSTRAP_BIN), for the same reason.
	cli := filepath.Join(o.Out, "vllm-bootstrap")
	if _, err := o.output(ctx, o.Go, "build", "-o", cli, o.Module+"/cmd/vllm-bootstrap"); err != nil {
		return nil, fmt.Errorf("concurrent: build the bootstrap CLI: %w", err)
	}
	run := o
	run.Dir = dirs[0] // the suite finds the module root from its package dir
	results := make([]Result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = run.runLogged(ctx, fmt.Sprintf("concurrent-%d", i+1), []string{contract.EnvBootstrapBin + "=" + cli}, bin, "-test.count=1", "-test.v")
		}()
	}
	wg.Wait()
	for _, r := range results {
		status := "passed"
		if !r.Passed {
			status = "FAILED (" + r.Message + ")"
		}
		fmt.Fprintf(o.Stderr, "coverage: %s %s in %.1fs, log %s\n", r.Part, status, r.Seconds, filepath.Join(o.Out, r.Part+".log"))
	}
	return results, nil
}

// runLogged runs one command in o.Dir, with env added, its output in Out/<name>.log.
func (o *Options) runLogged(ctx context.Context, name string, env []string, bin string, args ...string) Result {
	res := Result{Part: name}
	log, err := os.Create(filepath.Join(o.Out, name+".log"))
	if err != nil {
		res.Message = err.Error()
		return res
	}
	defer log.Close()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = o.Dir
	cmd.Stdout, cmd.Stderr = log, log
	cmd.Env = append(os.Environ(), env...)
	killGroupOnCancel(cmd)
	res.Command = strings.Join(cmd.Args, " ")
	start := time.Now()
	err = cmd.Run()
	res.Seconds = time.Since(start).Seconds()
	if err != nil {
		res.ExitCode = -1
		if cmd.ProcessState != nil {
			res.ExitCode = cmd.ProcessState.ExitCode()
		}
		res.Message = err.Error()
		return res
	}
	res.Passed = true
	return res
}
