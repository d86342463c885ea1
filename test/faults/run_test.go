//go:build integration

package faults

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/efortin/vllm-chill/internal/proc"
	"github.com/efortin/vllm-chill/internal/proc/proctest"
)

// running is one command under test, in a process group of its own, like a
// job a shell or CI runner starts: signalling the group is what Ctrl-C does.
type running struct {
	name  string
	group *proc.Group
	out   *proctest.Buffer // stdout and stderr interleaved
}

// start runs argv in dir with env. Whatever happens to the test, the group
// (and every descendant, some in groups of their own) is killed at the end.
func start(t *testing.T, dir string, env []string, argv ...string) *running {
	t.Helper()
	r := &running{name: strings.Join(argv, " "), out: &proctest.Buffer{}}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir, cmd.Env = dir, env
	cmd.Stdout, cmd.Stderr = r.out, r.out
	// A leaked descendant holding the output pipe must not hang Wait.
	cmd.WaitDelay = 5 * time.Second
	g, err := proc.Start(cmd)
	if err != nil {
		t.Fatalf("start %s: %v", r.name, err)
	}
	r.group = g
	t.Cleanup(func() {
		if !g.Exited() {
			r.killAll()
		}
	})
	return r
}

// killAll kills every descendant and the group, and waits for the leader.
func (r *running) killAll() {
	for pid := range proctest.Descendants(r.group.PID()) {
		_ = proc.SignalPID(pid, syscall.SIGKILL)
	}
	r.group.Kill()
}

// waitOutput waits until the output contains sub, failing the test (with
// the output so far) when the command exits first or d passes.
func (r *running) waitOutput(t *testing.T, sub string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !strings.Contains(r.out.String(), sub) {
		if r.group.Exited() {
			t.Fatalf("%s exited (%v) before printing %q; output:\n%s", r.name, r.group.Err(), sub, r.out)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not print %q within %s; output:\n%s", r.name, sub, d, r.out)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// waitFile waits until path exists, failing the test (with the output so
// far) when the command exits first or d passes.
func (r *running) waitFile(t *testing.T, path string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		if _, err := os.Stat(path); err == nil {
			return
		}
		if r.group.Exited() {
			t.Fatalf("%s exited (%v) before %s appeared; output:\n%s", r.name, r.group.Err(), path, r.out)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not appear within %s; output:\n%s", path, d, r.out)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// wait waits up to bound for the command to exit and returns its exit code
// and how long it took; past the bound it fails the test after killing
// everything the command had started.
func (r *running) wait(t *testing.T, bound time.Duration) (int, time.Duration) {
	t.Helper()
	t0 := time.Now()
	select {
	case <-r.group.Done():
	case <-time.After(bound):
		left := proctest.Descendants(r.group.PID())
		r.killAll()
		t.Fatalf("%s still running %s later (processes: %s); output:\n%s", r.name, bound, proctest.Names(left), r.out)
	}
	return r.group.ExitCode(), time.Since(t0)
}

// assertNothingLeft checks, once the command under test has exited, that
// every process it had (seen) is gone and that the case's TMPDIR is empty.
// Whatever is left is reported, then killed.
func assertNothingLeft(t *testing.T, seen map[int]string, tmp string) {
	t.Helper()
	for pid, name := range seen {
		deadline := time.Now().Add(2 * time.Second) // an orphan of the run may still be exiting
		for proc.Alive(pid) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if proc.Alive(pid) {
			t.Errorf("%s (pid %d) still exists after the run ended", name, pid)
			_ = proc.SignalPID(pid, syscall.SIGKILL)
		}
	}
	entries, err := os.ReadDir(tmp)
	if err != nil {
		t.Errorf("read the run's TMPDIR %s: %v", tmp, err)
	}
	for _, e := range entries {
		t.Errorf("temp dir left behind in the run's TMPDIR: %s", filepath.Join(tmp, e.Name()))
	}
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
