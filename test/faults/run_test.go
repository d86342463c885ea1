//go:build integration

package faults

import (
	"bytes"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// syncBuffer collects a command's output while tests poll it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// running is one command under test, in a process group of its own, like a
// job a shell or CI runner starts: signalling the group is what Ctrl-C does.
type running struct {
	name string
	cmd  *exec.Cmd
	out  *syncBuffer // stdout and stderr interleaved
	done chan struct{}
	err  error // valid once done is closed
}

// start runs argv in dir with env. Whatever happens to the test, the group
// is killed and the command waited for at the end.
func start(t *testing.T, dir string, env []string, argv ...string) *running {
	t.Helper()
	r := &running{name: strings.Join(argv, " "), out: &syncBuffer{}, done: make(chan struct{})}
	r.cmd = exec.Command(argv[0], argv[1:]...)
	r.cmd.Dir, r.cmd.Env = dir, env
	r.cmd.Stdout, r.cmd.Stderr = r.out, r.out
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	// A leaked descendant holding the output pipe must not hang Wait.
	r.cmd.WaitDelay = 5 * time.Second
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", r.name, err)
	}
	go func() {
		r.err = r.cmd.Wait()
		close(r.done)
	}()
	t.Cleanup(func() {
		if !r.exited() {
			r.killAll()
			<-r.done
		}
	})
	return r
}

func (r *running) exited() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// killAll kills the group and every descendant (some run in groups of their own).
func (r *running) killAll() {
	for pid := range descendants(r.cmd.Process.Pid) {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	_ = syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
}

// waitOutput waits until the output contains sub, failing the test (with
// the output so far) when the command exits first or d passes.
func (r *running) waitOutput(t *testing.T, sub string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !strings.Contains(r.out.String(), sub) {
		if r.exited() {
			t.Fatalf("%s exited (%v) before printing %q; output:\n%s", r.name, r.err, sub, r.out)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not print %q within %s; output:\n%s", r.name, sub, d, r.out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// wait waits up to bound for the command to exit and returns its exit code
// and how long it took; past the bound it fails the test after killing
// everything the command had started.
func (r *running) wait(t *testing.T, bound time.Duration) (int, time.Duration) {
	t.Helper()
	t0 := time.Now()
	select {
	case <-r.done:
	case <-time.After(bound):
		left := descendants(r.cmd.Process.Pid)
		r.killAll()
		<-r.done
		t.Fatalf("%s still running %s later (processes: %s); output:\n%s", r.name, bound, names(left), r.out)
	}
	return r.cmd.ProcessState.ExitCode(), time.Since(t0)
}
