package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/efortin/vllm-chill/internal/contract"
	"github.com/efortin/vllm-chill/internal/controlplane"
)

// childGrace is how long the command and everything in its process group
// get to exit after a forwarded signal (or after the control plane failed)
// before what is left of the group is killed.
const childGrace = 10 * time.Second

// signals tracks SIGINT/SIGTERM for run: before the command starts a signal
// aborts Start; afterwards it is forwarded to the command's process group.
type signals struct {
	mu       sync.Mutex
	child    *exec.Cmd
	received os.Signal
	got      chan struct{} // closed on the first signal
}

func (s *signals) handle(ch <-chan os.Signal, cancel context.CancelFunc, stderr io.Writer) {
	for sig := range ch {
		s.mu.Lock()
		if s.received == nil {
			s.received = sig
			close(s.got)
		}
		c := s.child
		s.mu.Unlock()
		cancel() // aborts a Start in progress
		if c != nil {
			fmt.Fprintf(stderr, "vllm-local: forwarding %v to %s\n", sig, c.Path)
			_ = syscall.Kill(-c.Process.Pid, sig.(syscall.Signal))
		}
	}
}

// run starts a control plane, runs argv against it and always cleans up.
// The command runs in its own process group so that a signal reaches all of
// it (go test and its test binaries) exactly once, through us, and so that
// nothing it started can outlive the run.
func run(argv []string, stdout, stderr io.Writer) int {
	becomeSubreaper()
	ch := make(chan os.Signal, 4)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(ch)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sig := &signals{got: make(chan struct{})}
	go sig.handle(ch, cancel, stderr)

	cp, err := start(ctx, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "vllm-local: %v\n", err)
		return sig.exitCode(1)
	}
	code := runChild(cp, argv, stdout, stderr, sig)
	if err := stop(cp, stderr); err != nil && code == 0 {
		code = 1
	}
	return code
}

func runChild(cp *controlplane.ControlPlane, argv []string, stdout, stderr io.Writer, sig *signals) int {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), contract.EnvKubeconfig+"="+cp.KubeconfigPath(), contract.EnvKubeContext+"="+contract.ContextLocal)
	goTmp, err := goTmpDir(cp)
	if err != nil {
		fmt.Fprintf(stderr, "vllm-local: %v\n", err)
		return 1
	}
	if goTmp != "" {
		cmd.Env = append(cmd.Env, goTmp)
	}
	// No stdin: a command in a background process group that read the
	// terminal would be stopped (SIGTTIN) and hang the run.
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}

	sig.mu.Lock()
	if sig.received != nil { // signalled between Start and here: do not run at all
		sig.mu.Unlock()
		return sig.exitCode(1)
	}
	if err := cmd.Start(); err != nil {
		sig.mu.Unlock()
		fmt.Fprintf(stderr, "vllm-local: start %s: %v\n", argv[0], err)
		return 127
	}
	sig.child = cmd
	sig.mu.Unlock()
	pgid := cmd.Process.Pid
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	var cpErr error
	select {
	case <-done:
		// The command ended on its own: whatever it left in its group is a
		// stray and goes at once.
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		reapGroup(pgid)
	case <-cp.Failed():
		cpErr = cp.Err()
		fmt.Fprintf(stderr, "vllm-local: %v\nvllm-local: stopping %s\n", cpErr, argv[0])
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		drainGroup(pgid, done, time.Now().Add(childGrace), argv[0], stderr)
	case <-sig.got:
		drainGroup(pgid, done, time.Now().Add(childGrace), argv[0], stderr)
	}

	code := cmd.ProcessState.ExitCode()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		code = 128 + int(ws.Signal())
	}
	if cpErr != nil && code == 0 {
		code = 1 // the command passed, but against a control plane that broke under it
	}
	// A run a signal stopped says so (130/143) whatever the command made of
	// it: go test turns the suite's SIGINT exit into a plain 1.
	return sig.exitCode(code)
}

// goTmpDir points the go command's work dirs (GOTMPDIR) into the control
// plane's temp dir, which Stop removes: go killed by SIGTERM leaves its
// go-build* dir behind, and a run ended by a signal must leave nothing. A
// GOTMPDIR the user set is kept.
func goTmpDir(cp *controlplane.ControlPlane) (string, error) {
	if os.Getenv("GOTMPDIR") != "" {
		return "", nil
	}
	dir := filepath.Join(cp.Dir(), "gotmp")
	if err := os.Mkdir(dir, 0o700); err != nil {
		return "", fmt.Errorf("create GOTMPDIR for the command: %w", err)
	}
	return "GOTMPDIR=" + dir, nil
}

// drainGroup gives the whole process group, not just the command, until
// deadline to exit after a signal: `go test` dies at once on SIGTERM while
// its test binary is still deleting its models and temp dir, and killing the
// group when go exits would cut that cleanup short. What is left at the
// deadline is killed; everything is reaped.
func drainGroup(pgid int, done <-chan error, deadline time.Time, name string, stderr io.Writer) {
	select {
	case <-done:
	case <-time.After(time.Until(deadline)):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-done
	}
	if !waitGroup(pgid, time.Now()) {
		fmt.Fprintf(stderr, "vllm-local: %s exited; giving the rest of its process group up to %.1fs to finish\n",
			filepath.Base(name), time.Until(deadline).Seconds())
		if !waitGroup(pgid, deadline) {
			fmt.Fprintf(stderr, "vllm-local: killing what is left of %s's process group\n", filepath.Base(name))
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
		}
	}
	reapGroup(pgid)
}

// exitCode follows the shell convention 128+signal when a signal ended the run.
func (s *signals) exitCode(def int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n, ok := s.received.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return def
}
