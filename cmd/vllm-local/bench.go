package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/efortin/vllm-chill/internal/bootstrap"
	"github.com/efortin/vllm-chill/internal/contract"
	"github.com/efortin/vllm-chill/internal/controlplane"
)

// Targets on a 2-core machine with the binaries cached (issue 3, item 7).
const (
	targetReady = 2 * time.Second
	targetCRD   = 500 * time.Millisecond
	targetLocal = 30 * time.Second
	targetRSS   = 600 << 20
)

type row struct{ phase, took, target, result string }

// bench times each phase of the local integration path and prints a table on
// stdout; the output of the steps goes to stderr. Figures are reported, not
// asserted: it exits non-zero only when a step fails.
func bench(stdout, stderr io.Writer) int {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	root, err := controlplane.RepoRoot()
	if err != nil {
		fmt.Fprintf(stderr, "vllm-local bench: %v\n", err)
		return 1
	}
	var rows []row
	add := func(phase string, d time.Duration, target time.Duration, extra string) {
		r := row{phase: phase, took: secs(d), result: extra}
		if target > 0 {
			r.target = "≤ " + secs(target)
			r.result = metOrNot(d <= target)
		}
		rows = append(rows, r)
	}
	failed := false
	total := time.Now()

	// 1. binaries, through the same task users run (skipped when pins are unchanged).
	t0 := time.Now()
	out, err := command(ctx, root, nil, "go", "tool", "task", "local:binaries")
	state := "built"
	if strings.Contains(out, "up to date") {
		state = "cached"
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s\nvllm-local bench: local:binaries: %v\n", out, err)
		return 1
	}
	add("binaries ("+state+")", time.Since(t0), 0, "")

	// 2. control plane, with memory sampled from /proc while it runs.
	t0 = time.Now()
	cp := &controlplane.ControlPlane{}
	if err := cp.Start(ctx); err != nil {
		fmt.Fprintf(stderr, "vllm-local bench: start control plane: %v\n", err)
		return 1
	}
	ready := time.Since(t0)
	mem := sampleRSS(cp)
	readyz, sa := cp.StartTimings()
	add("control plane ready", ready, targetReady, "")
	add("  kube-apiserver /readyz", readyz, 0, "(after launch)")
	add("  ServiceAccount default", sa, 0, "(after launch)")
	localPath := ready

	// 3-4. CRD and models through the shared bootstrap code.
	b, err := bootstrap.NewForConfig(cp.RESTConfig(), bootstrap.Options{Context: contract.ContextLocal})
	if err == nil {
		t0 = time.Now()
		if err = b.InstallCRDs(ctx, filepath.Join(root, "manifests/crds")); err == nil {
			add("CRD established", time.Since(t0), targetCRD, "")
			t0 = time.Now()
			if _, err = b.ApplyDir(ctx, filepath.Join(root, "manifests/models")); err == nil {
				add("models applied", time.Since(t0), 0, "")
			}
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "vllm-local bench: bootstrap: %v\n", err)
		failed = true
	}

	// 5. the integration suite, exactly as local:test:integration runs it.
	t0 = time.Now()
	env := []string{contract.EnvKubeconfig + "=" + cp.KubeconfigPath(), contract.EnvKubeContext + "=" + contract.ContextLocal}
	suiteOut, err := command(ctx, root, env, "go", "test", "-tags", "integration", "-count=1", "./test")
	fmt.Fprint(stderr, suiteOut)
	suite := time.Since(t0)
	localPath += suite
	res := "pass"
	if err != nil {
		res, failed = "FAIL: "+err.Error(), true
	}
	add("suite (go test -tags integration ./test)", suite, 0, res)

	// Peaks are read before stopping (VmHWM disappears with the process).
	peaks := mem.stop()
	t0 = time.Now()
	if err := cp.Stop(context.Background()); err != nil {
		fmt.Fprintf(stderr, "vllm-local bench: stop: %v\n", err)
		failed = true
	}
	stopped := time.Since(t0)
	localPath += stopped
	add("control plane stop", stopped, 0, "")

	// 6. coverage merge, on a copy of the raw data of the last local:coverage:all.
	rows = append(rows, mergeRow(ctx, root, stderr))
	add("total", time.Since(total), 0, "")
	add("local:test:integration (ready+suite+stop)", localPath, targetLocal, "")
	rows = append(rows, row{"peak RSS, control plane (sum, sampled)", mib(peaks.sum), "< " + mib(targetRSS), metOrNot(peaks.sum < targetRSS)})
	for _, name := range controlplane.Binaries {
		rows = append(rows, row{"  " + name + " (VmHWM)", mib(peaks.hwm[name]), "", ""})
	}

	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PHASE\tTIME\tTARGET\tRESULT")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.phase, r.took, r.target, r.result)
	}
	_ = tw.Flush()
	if failed {
		return 1
	}
	return 0
}

func mergeRow(ctx context.Context, root string, stderr io.Writer) row {
	src := filepath.Join(root, "coverage")
	if _, err := os.Stat(filepath.Join(root, "cmd/vllm-coverage")); err != nil {
		return row{"coverage merge", "n/a", "", "cmd/vllm-coverage not present"}
	}
	if _, err := os.Stat(filepath.Join(src, "raw", "integration")); err != nil {
		return row{"coverage merge", "n/a", "", "no coverage/raw data: run go tool task local:coverage:all first"}
	}
	if newer, err := newerSource(root, filepath.Join(src, "summary.txt")); err != nil || newer != "" {
		why := "coverage/ predates a change to " + newer
		if err != nil {
			why = err.Error()
		}
		return row{"coverage merge", "n/a", "", why + ": run go tool task local:coverage:all first"}
	}
	tmp, err := os.MkdirTemp("", "vllm-bench-coverage-")
	if err != nil {
		return row{"coverage merge", "n/a", "", err.Error()}
	}
	defer os.RemoveAll(tmp)
	if err := os.CopyFS(tmp, os.DirFS(src)); err != nil {
		return row{"coverage merge", "n/a", "", "copy coverage/: " + err.Error()}
	}
	t0 := time.Now()
	out, err := command(ctx, root, nil, "go", "run", "./cmd/vllm-coverage", "merge", "--out", tmp)
	took := secs(time.Since(t0))
	if err != nil {
		fmt.Fprint(stderr, out)
		return row{"coverage merge", took, "", "FAIL: " + err.Error()}
	}
	return row{"coverage merge", took, "", "(copy of coverage/raw)"}
}

// newerSource names a Go file or package directory of the module changed
// after ref was written ("" when none is): coverage data from an older source
// cannot be merged (the report reads source files that may be gone).
func newerSource(root, ref string) (string, error) {
	st, err := os.Stat(ref)
	if err != nil {
		return "", fmt.Errorf("no coverage summary (%v)", err)
	}
	newer := ""
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || newer != "" {
			return err
		}
		name := d.Name()
		if d.IsDir() && path != root && (strings.HasPrefix(name, ".") || name == "coverage" || name == "testdata") {
			return filepath.SkipDir
		}
		// A package directory's time changes when a file in it is added or
		// removed; the root's changes with every build output, so it is left out.
		if path == root || (!d.IsDir() && !strings.HasSuffix(name, ".go")) {
			return nil
		}
		if info, err := d.Info(); err == nil && info.ModTime().After(st.ModTime()) {
			newer, _ = filepath.Rel(root, path)
		}
		return nil
	})
	return newer, err
}

// command runs a step in dir and returns its combined output.
func command(ctx context.Context, dir string, env []string, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	return string(out), err
}

type peaks struct {
	sum int64
	hwm map[string]int64
}

type sampler struct {
	stopCh chan struct{}
	wg     sync.WaitGroup
	cp     *controlplane.ControlPlane
	sum    int64
}

// sampleRSS sums the components' VmRSS every 100 ms: the peak of the sum is
// what the machine must have free, which the per-process peaks overstate.
func sampleRSS(cp *controlplane.ControlPlane) *sampler {
	s := &sampler{stopCh: make(chan struct{}), cp: cp}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			var sum int64
			for _, pid := range cp.PIDs() {
				rss, _ := controlplane.RSS(pid)
				sum += rss
			}
			s.sum = max(s.sum, sum)
			select {
			case <-s.stopCh:
				return
			case <-tick.C:
			}
		}
	}()
	return s
}

func (s *sampler) stop() peaks {
	close(s.stopCh)
	s.wg.Wait()
	p := peaks{sum: s.sum, hwm: map[string]int64{}}
	for name, pid := range s.cp.PIDs() {
		p.hwm[name], _ = controlplane.PeakRSS(pid)
	}
	return p
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2fs", d.Seconds()) }
func mib(b int64) string          { return fmt.Sprintf("%d MiB", b>>20) }

func metOrNot(ok bool) string {
	if ok {
		return "met"
	}
	return "not met"
}
