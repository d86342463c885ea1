//go:build unix

// Package proc is the one place that starts, signals, stops and reaps child
// processes. Every child leads a process group of its own, so a signal reaches
// all it started (go test and its test binaries) and nothing it started can
// outlive the group's stop; every child is waited for, because PID 1 on some
// machines (CI containers) reaps nothing.
//
// What differs by OS is in proc_linux.go and proc_other.go: on Linux the
// kernel kills a child whose parent died (parent-death signal) and a process
// can adopt its descendants' orphans (child subreaper); elsewhere (macOS)
// neither exists, and the next run's sweep of dead runs' directories
// (internal/rundir) kills what a killed run left behind.
package proc

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// Group is a started child that leads a process group of its own.
type Group struct {
	cmd  *exec.Cmd
	done chan struct{} // closed once Wait has returned
	err  error         // Wait's result, valid once done is closed
}

// Prepare makes cmd, once started, the leader of a new process group, killed
// by the kernel if this process dies first where the OS can (Linux). Callers
// that run cmd themselves (exec.Cmd.Run) use it; Start does it too.
func Prepare(cmd *exec.Cmd) { cmd.SysProcAttr = sysProcAttr() }

// TerminateOnCancel prepares cmd like Prepare and, when the context of
// exec.CommandContext ends, sends SIGTERM to its whole group instead of
// killing the leader alone; Wait returns at most wait later.
func TerminateOnCancel(cmd *exec.Cmd, wait time.Duration) {
	Prepare(cmd)
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	cmd.WaitDelay = wait
}

// Start starts cmd as the leader of a new process group and waits for it in
// the background.
func Start(cmd *exec.Cmd) (*Group, error) {
	Prepare(cmd)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	g := &Group{cmd: cmd, done: make(chan struct{})}
	go func() {
		g.err = cmd.Wait()
		close(g.done)
	}()
	return g, nil
}

// PID is the leader's process id, which is also the group id.
func (g *Group) PID() int { return g.cmd.Process.Pid }

// Done is closed once the leader has exited and been reaped.
func (g *Group) Done() <-chan struct{} { return g.done }

// Exited reports whether the leader has exited and been reaped.
func (g *Group) Exited() bool {
	select {
	case <-g.done:
		return true
	default:
		return false
	}
}

// Err is Wait's result once the leader exited: nil for exit code 0.
func (g *Group) Err() error {
	<-g.done
	return g.err
}

// ExitCode is the leader's exit code, 128+signal when a signal ended it (as
// a shell reports it).
func (g *Group) ExitCode() int {
	<-g.done
	return ExitCode(g.cmd.ProcessState)
}

// ExitCode is a finished process's exit code as a shell reports it:
// 128+signal when a signal ended it, -1 without a status (reaped by someone
// else's wait).
func ExitCode(st *os.ProcessState) int {
	if st == nil {
		return -1
	}
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return st.ExitCode()
}

// PeakRSS is the leader's peak resident set size in bytes, once it exited.
func (g *Group) PeakRSS() int64 {
	<-g.done
	if g.cmd.ProcessState == nil {
		return 0
	}
	if ru, ok := g.cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return maxRSSBytes(ru)
	}
	return 0
}

// Signal sends sig to every process of the group.
func (g *Group) Signal(sig syscall.Signal) error {
	if err := syscall.Kill(-g.PID(), sig); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("signal process group %d: %w", g.PID(), err)
	}
	return nil
}

// Kill sends SIGKILL to the group and waits for the leader, which SIGKILL
// cannot fail to end.
func (g *Group) Kill() {
	_ = g.Signal(syscall.SIGKILL)
	<-g.done
}

// Stop sends SIGTERM to the group and waits for the leader; after grace, or
// when ctx ends first, it kills the group. It reports the kill as an error.
func (g *Group) Stop(ctx context.Context, grace time.Duration) error {
	if g.Exited() {
		return nil
	}
	_ = g.Signal(syscall.SIGTERM)
	timer := time.NewTimer(grace)
	defer timer.Stop()
	select {
	case <-g.done:
		return nil
	case <-timer.C:
	case <-ctx.Done():
	}
	g.Kill()
	return fmt.Errorf("pid %d did not exit within %s of SIGTERM, killed", g.PID(), grace)
}

// Drain waits, once the leader has exited, until the rest of its group is
// gone too, reaping those that are this process's children (with a child
// subreaper, every orphan of the group is). What is left at deadline is
// killed. It reports whether the group ended on its own.
func (g *Group) Drain(deadline time.Time) bool {
	<-g.done
	killed := false
	for {
		if !g.Running() {
			return !killed
		}
		if time.Now().After(deadline) {
			if killed {
				return false // members that are not ours to reap; SIGKILL was sent
			}
			_ = g.Signal(syscall.SIGKILL)
			killed, deadline = true, time.Now().Add(time.Second)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Running reports whether any process of the group still exists, once the
// exited ones that are this process's children have been reaped.
func (g *Group) Running() bool {
	reapGroup(g.PID())
	return !errors.Is(syscall.Kill(-g.PID(), 0), syscall.ESRCH)
}

// reapGroup reaps every member of group pgid that has exited and is this
// process's child.
func reapGroup(pgid int) {
	for {
		var ws syscall.WaitStatus
		if pid, err := syscall.Wait4(-pgid, &ws, syscall.WNOHANG, nil); pid <= 0 || err != nil {
			return
		}
	}
}

// Alive reports whether a process with this id runs: it exists and is not
// a zombie (a dead process whose parent has not reaped it yet).
func Alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	return !zombie(pid)
}

// SignalPID sends sig to one process, for callers that hold only its id
// (a test killing one component).
func SignalPID(pid int, sig syscall.Signal) error { return syscall.Kill(pid, sig) }
