//go:build unix

package proc

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/efortin/vllm-chill/internal/proc/proctest"
)

// With PROC_HELPER set, this test binary starts `sleep 60` through Start,
// prints its pid and waits to be killed: a runner and its component.
func TestMain(m *testing.M) {
	if os.Getenv("PROC_HELPER") != "" {
		g, err := Start(exec.Command("sleep", "60"))
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println(g.PID())
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	// Orphans of the scripts below come to us, so Drain and the checks of
	// what survived can reap them.
	if err := BecomeSubreaper(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

func start(t *testing.T, script string) *Group {
	t.Helper()
	g, err := Start(exec.Command("sh", "-c", script))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if !g.Exited() {
			g.Kill()
		}
	})
	return g
}

func TestStopEscalatesToKill(t *testing.T) {
	ready := filepath.Join(t.TempDir(), "ready")
	g := start(t, `trap '' TERM; touch `+ready+`; while :; do sleep 0.05; done`)
	waitFile(t, ready) // the trap is installed
	t0 := time.Now()
	err := g.Stop(context.Background(), 300*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "killed") {
		t.Errorf("Stop of a process ignoring SIGTERM = %v, want a kill reported", err)
	}
	if took := time.Since(t0); took > 5*time.Second {
		t.Errorf("Stop took %s with a 300ms grace", took)
	}
	if code := g.ExitCode(); code != 128+int(syscall.SIGKILL) {
		t.Errorf("exit code %d, want %d", code, 128+int(syscall.SIGKILL))
	}
}

func TestSignalReachesTheWholeGroup(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "child")
	g := start(t, `sleep 60 & echo $! > `+marker+`; wait`)
	child := waitPID(t, marker)
	if err := g.Stop(context.Background(), 2*time.Second); err != nil {
		t.Errorf("Stop: %v", err)
	}
	if !g.Drain(time.Now().Add(2 * time.Second)) {
		t.Errorf("the child had to be killed: SIGTERM did not reach it")
	}
	if Alive(child) {
		t.Errorf("child %d of the group survived the group's stop", child)
	}
}

// TestDrainWaitsForTheGroup: the leader exits at once, a member of its group
// needs a moment to clean up (go test under SIGTERM, and its test binary).
func TestDrainWaitsForTheGroup(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "cleaned")
	g := start(t, `(sleep 0.3; touch `+marker+`) & exit 0`)
	if !g.Drain(time.Now().Add(5 * time.Second)) {
		t.Errorf("Drain killed a member that was about to finish")
	}
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("the member's work was cut short: %v", err)
	}

	g = start(t, `sleep 60 & exit 0`)
	t0 := time.Now()
	if g.Drain(time.Now().Add(200 * time.Millisecond)) {
		t.Errorf("Drain says a member that never exits ended on its own")
	}
	if took := time.Since(t0); took > 5*time.Second {
		t.Errorf("Drain took %s with a 200ms deadline", took)
	}
}

func TestExitCodeAndPeakRSS(t *testing.T) {
	g := start(t, `exit 3`)
	if code := g.ExitCode(); code != 3 {
		t.Errorf("exit code %d, want 3", code)
	}
	if rss := g.PeakRSS(); rss < 100<<10 || rss > 1<<30 {
		t.Errorf("peak RSS of sh = %d bytes: not a plausible size (unit mix-up?)", rss)
	}
}

func TestTerminateOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	marker := filepath.Join(t.TempDir(), "child")
	cmd := exec.CommandContext(ctx, "sh", "-c", `sleep 60 & echo $! > `+marker+`; wait`)
	TerminateOnCancel(cmd, 5*time.Second)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	child := waitPID(t, marker) // the child runs
	cancel()
	_ = cmd.Wait()
	for deadline := time.Now().Add(10 * time.Second); child != 0 && Alive(child) && time.Now().Before(deadline); {
		reapGroup(cmd.Process.Pid)
		time.Sleep(20 * time.Millisecond)
	}
	if child == 0 || Alive(child) {
		t.Errorf("child %d of the cancelled command's group survived", child)
	}
}

// TestKilledRunnerLeavesNoChild kills a runner with SIGKILL: on Linux its
// child, started through Start, dies with it (parent-death signal).
func TestKilledRunnerLeavesNoChild(t *testing.T) {
	if !HasParentDeathSignal {
		t.Log("no parent-death signal on this OS: internal/rundir's sweep kills such children instead")
		return
	}
	helper, line := proctest.StartHelper(t, "PROC_HELPER=1")
	child, err := strconv.Atoi(line)
	if err != nil {
		t.Fatalf("helper said %q", line)
	}
	_ = helper.Process.Kill()
	_ = helper.Wait()
	for deadline := time.Now().Add(10 * time.Second); Alive(child) && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		var ws syscall.WaitStatus
		_, _ = syscall.Wait4(child, &ws, syscall.WNOHANG, nil) // ours if we are a subreaper
	}
	if Alive(child) {
		_ = SignalPID(child, syscall.SIGKILL)
		t.Errorf("child %d survived its runner's SIGKILL", child)
	}
}

func waitFile(t *testing.T, path string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(path); err == nil {
			return
		}
	}
	t.Fatalf("%s not written within 10s", path)
}

// waitPID waits until path holds a process id (a script writes it with
// echo $! > path, which creates the file before it writes).
func waitPID(t *testing.T, path string) int {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		data, _ := os.ReadFile(path)
		if pid, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil && pid > 0 {
			return pid
		}
	}
	t.Fatalf("no process id in %s within 10s", path)
	return 0
}
