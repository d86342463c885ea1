package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/efortin/vllm-chill/internal/interrupt"
	"github.com/efortin/vllm-chill/internal/proc"
)

// TestRunCountsEveryRun: run 2 of 3 fails; each run is reported with its
// log, the failed one with the lines that say so, and the load ran beside
// the runs and is gone once Run returns.
func TestRunCountsEveryRun(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "load.pid")
	var out bytes.Buffer
	o := Options{
		Runs: 3,
		// Run 1 waits until the load has started, so the load is seen
		// beside the runs whatever the machine's speed.
		Cmd: []string{"sh", "-c", `while [ ! -s ` + pidFile + ` ]; do sleep 0.01; done; echo "run $REPEAT_RUN"; ` +
			`if [ "$REPEAT_RUN" = 2 ]; then echo "--- FAIL: TestSomething (0.1s)"; exit 1; fi`},
		Load:   []string{"sh", "-c", "echo $$ > " + pidFile + "; exec sleep 60"},
		LogDir: filepath.Join(dir, "logs"),
		Out:    &out,
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := Run(ctx, o)
	t.Logf("Run:\n%s", &out)
	if err != nil || s.Passed != 2 || s.Failed != 1 || s.Interrupted != nil {
		t.Fatalf("Run = %+v, %v; want 2 passed, 1 failed, no error", s, err)
	}
	for _, want := range []string{
		"run 1/3: PASS", "run 2/3: FAIL (exit 1)", "    --- FAIL: TestSomething (0.1s)", "run 3/3: PASS",
		"repeat: load: sh -c", "repeat: 2 passed, 1 failed\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	for i := 1; i <= 3; i++ {
		log := filepath.Join(o.LogDir, "run-0"+strconv.Itoa(i)+".log")
		if data, err := os.ReadFile(log); err != nil || !strings.Contains(string(data), "run "+strconv.Itoa(i)) {
			t.Errorf("%s: %q, %v; want the run's own output", log, data, err)
		}
	}
	data, _ := os.ReadFile(pidFile)
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		t.Fatalf("the load never wrote its pid to %s: %v", pidFile, err)
	}
	if proc.Alive(pid) {
		t.Errorf("the load (pid %d) still runs after Run returned", pid)
	}
}

// TestSignalStopsTheRuns: a signal reaches the current run, which stops;
// the runs after it never start and Run says which signal stopped it.
func TestSignalStopsTheRuns(t *testing.T) {
	dir := t.TempDir()
	ready := filepath.Join(dir, "ready")
	var out bytes.Buffer
	o := Options{
		Runs: 3,
		Cmd: []string{"sh", "-c", `trap 'echo "got INT in run $REPEAT_RUN"; exit 130' INT; touch ` + ready +
			`; while :; do sleep 0.05; done`},
		LogDir: dir,
		Out:    &out,
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	go func() {
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if _, err := os.Stat(ready); err == nil {
				break
			}
		}
		cancel(&interrupt.Error{Signal: syscall.SIGINT})
	}()
	t0 := time.Now()
	s, err := Run(ctx, o)
	t.Logf("Run in %s:\n%s", time.Since(t0), &out)
	if err != nil || s.Interrupted != syscall.SIGINT || s.Passed+s.Failed != 0 {
		t.Fatalf("Run = %+v, %v; want interrupted by SIGINT in run 1, nothing counted", s, err)
	}
	if log, _ := os.ReadFile(filepath.Join(dir, "run-01.log")); !strings.Contains(string(log), "got INT in run 1") {
		t.Errorf("run 1 did not get the signal; its log: %q", log)
	}
	if _, err := os.Stat(filepath.Join(dir, "run-02.log")); err == nil {
		t.Error("run 2 started after the signal")
	}
	if !strings.Contains(out.String(), "run 1/3: interrupted by interrupt") || !strings.Contains(out.String(), "repeat: 0 passed, 0 failed") {
		t.Errorf("output does not say the runs were interrupted")
	}
}

// TestBrokenLoadFailsTheRepeat: runs that were not under load must not
// pass for runs that were.
func TestBrokenLoadFailsTheRepeat(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "load.pid")
	var out bytes.Buffer
	o := Options{
		Runs: 2,
		// The first run ends once the load has exited and been reaped, so
		// its failure happened while the runs ran, however slow the machine.
		Cmd: []string{"sh", "-c", `i=0; while [ ! -s ` + pidFile + ` ] || kill -0 $(cat ` + pidFile + `) 2>/dev/null; do ` +
			`i=$((i+1)); [ $i -lt 3000 ] || exit 9; sleep 0.01; done`},
		Load:   []string{"sh", "-c", "echo $$ > " + pidFile + "; exit 3"},
		LogDir: dir,
		Out:    &out,
	}
	_, err := Run(context.Background(), o)
	if err == nil || !strings.Contains(err.Error(), "; exit 3: exit status 3") {
		t.Errorf("Run with a load that fails = %v; want an error naming the load and its exit", err)
	}
}

// TestUsage: a missing command or a bad count is a usage error (exit 2).
func TestUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"-n", "0", "--", "true"}, {"-bogus"}} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, &out, &errOut); code != 2 {
			t.Errorf("repeat %q = %d, stderr %q; want 2", args, code, &errOut)
		}
	}
}
