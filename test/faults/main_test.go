//go:build integration

// Package faults breaks the local path on purpose while it runs: the API
// server killed under the integration suite, SIGINT and SIGTERM sent to the
// process group of a run (as a terminal or a CI runner does), concurrent runs
// on one machine and one cluster, and bad input to the bootstrap CLI. Each
// case checks a non-zero exit (or, for concurrency, that every run passed), a
// message naming what failed, a time bound, and that no process and no temp
// dir are left behind.
//
// The cases drive the project's own binaries (vllm-local, the suite's test
// binary, vllm-bootstrap, vllm-coverage), built once by TestMain; one case
// also runs the real `go tool task local:up`, since that is how people start
// a control plane. Each case logs one line `FAULT <case> | <what the user
// sees> | <seconds>` (visible with go test -v), the source of the failure
// table in docs/failures.md.
//
// The tests start real control planes (build tag integration). They run side
// by side: each case checks only what it started (its processes, its own
// TMPDIR), and TestMain checks at the end that nothing was left to this test
// binary, which adopts every orphan (child subreaper) of the runs.
package faults

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/efortin/vllm-chill/internal/contract"
	"github.com/efortin/vllm-chill/internal/controlplane"
	"github.com/efortin/vllm-chill/internal/coverage"
	"github.com/efortin/vllm-chill/internal/cpbuild"
	"github.com/efortin/vllm-chill/internal/proc"
	"github.com/efortin/vllm-chill/internal/proc/proctest"
	"github.com/efortin/vllm-chill/internal/repo"
)

// root is the module root; binDir holds the control-plane binaries.
var root, binDir string

// bin are the project's binaries the cases run, built once.
var bin struct {
	vllmLocal, bootstrap, coverage, suite string
}

func TestMain(m *testing.M) {
	os.Exit(setup(m))
}

func setup(m *testing.M) int {
	var err error
	if root, err = repo.Root(); err != nil {
		fmt.Fprintf(os.Stderr, "faults: %v\n", err)
		return 2
	}
	// Built once per machine when missing; a failed build fails loudly
	// (never a skip: a skipped fault test would hide that the local path is
	// broken).
	if binDir, err = cpbuild.Ensure(context.Background(), false, proc.PrefixLines(os.Stderr, "faults: ")); err != nil {
		fmt.Fprintf(os.Stderr, "faults: %v\n", err)
		return 1
	}
	// Orphans of the commands under test become our children instead of
	// PID 1's, so the leak check sees them (and we can reap them).
	if err := proc.BecomeSubreaper(); err != nil {
		fmt.Fprintf(os.Stderr, "faults: %v\n", err)
		return 1
	}
	if err := buildBinaries(); err != nil {
		fmt.Fprintf(os.Stderr, "faults: %v\n", err)
		return 1
	}
	code := m.Run()
	if kids := proctest.Children(os.Getpid()); len(kids) > 0 {
		fmt.Fprintf(os.Stderr, "faults: FAIL: left behind (re-parented to the test binary): %s\n", proctest.Names(kids))
		for pid := range kids {
			_ = proc.SignalPID(pid, syscall.SIGKILL)
		}
		return 1
	}
	return code
}

// buildBinaries builds the commands under test into a directory of their
// own (repo.TestBinDir: unchanged ones are not linked again); the ones whose
// code the cases exercise measure coverage when this test binary does.
func buildBinaries() error {
	dir, cover, err := coverage.TestBinaries("faults")
	if err != nil {
		return err
	}
	bin.vllmLocal = filepath.Join(dir, "vllm-local")
	bin.bootstrap = filepath.Join(dir, "vllm-bootstrap")
	bin.coverage = filepath.Join(dir, "vllm-coverage")
	bin.suite = filepath.Join(dir, "integration.test")
	builds := [][]string{
		append(append([]string{"build", "-o", bin.vllmLocal}, cover...), "./cmd/vllm-local"),
		append(append([]string{"build", "-o", bin.bootstrap}, cover...), "./cmd/vllm-bootstrap"),
		{"build", "-o", bin.coverage, "./cmd/vllm-coverage"},
		{"test", "-c", "-tags", "integration", "-ldflags=-s -w", "-o", bin.suite, "./test"},
	}
	// Side by side: each mostly links, and links wait on the disk as much as the CPU.
	errs := make([]error, len(builds))
	var wg sync.WaitGroup
	for i, args := range builds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command("go", args...)
			cmd.Dir = root
			if out, err := cmd.CombinedOutput(); err != nil {
				errs[i] = fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return nil
}

// fault logs the line the failure table is built from.
func fault(t *testing.T, name, seen string, took time.Duration) {
	t.Helper()
	t.Logf("FAULT %s | %s | %.1f", name, firstLine(seen), took.Seconds())
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// lineWith returns the first line of out containing sub, or "".
func lineWith(out, sub string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, sub) {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

// caseEnv is the environment of a command under test: TMPDIR is the case's
// own directory, so every temp dir the run creates (vllm-local-*,
// vllm-suite-*, go-build*) can be checked afterwards; the outer run's cluster
// and test filter are removed so nothing reaches them by accident. The
// bootstrap CLI is the prebuilt one, and binaries built with -cover write
// their data where this test binary does.
func caseEnv(tmp string, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "TMPDIR", "GOCOVERDIR", contract.EnvKubeconfig, contract.EnvKubeContext, contract.EnvTestRun, contract.EnvBootstrapBin:
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "TMPDIR="+tmp, contract.EnvBootstrapBin+"="+bin.bootstrap)
	if dir := coverage.BinaryDir(); dir != "" {
		env = append(env, "GOCOVERDIR="+dir)
	}
	return append(env, extra...)
}

// startControlPlane starts a real control plane for one test. stop, safe to
// call more than once, stops it and checks that none of its processes and
// not its run directory outlive Stop; the test should defer it.
func startControlPlane(t *testing.T) (cp *controlplane.ControlPlane, stop func()) {
	t.Helper()
	cp = &controlplane.ControlPlane{BinDir: binDir}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if err := cp.Start(ctx); err != nil {
		t.Fatalf("start the control plane: %v", err)
	}
	pids, dir := cp.PIDs(), cp.Dir()
	stopped := false
	return cp, func() {
		if stopped {
			return
		}
		stopped = true
		if err := cp.Stop(); err != nil {
			t.Errorf("stop the control plane: %v", err)
		}
		for name, pid := range pids {
			if proc.Alive(pid) {
				t.Errorf("%s (pid %d) still exists after Stop", name, pid)
			}
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("control plane run directory %s left behind", dir)
		}
	}
}
