package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/efortin/vllm-chill/internal/heartbeat"
	"github.com/efortin/vllm-chill/internal/interrupt"
	"github.com/efortin/vllm-chill/internal/proc"
)

// step is one phase of a task, run as a child so that it talks and is
// timed: `go vet` or `go test -race` print nothing while they compile, for
// minutes on a first run, and a silent terminal looks hung.
type step struct {
	Name     string   // the lap's name, and what the heartbeat names
	Say      string   // printed first: what the phase does, why, how long a first run takes
	Argv     []string // the phase
	File     string   // the laps; a run without `start` records none
	Stdout   io.Writer
	Stderr   io.Writer
	Interval time.Duration // quiet time before a "still NAME" line
}

// run runs the phase and returns its exit code: the child's, or 128+signal
// when a signal stopped it. Its output passes through; after Interval
// without a line, "still NAME: 1m20s (no output for 20s)" says it works.
// Its time becomes the lap NAME, or "NAME (failed)".
//
// The child stays in this process group, so Ctrl-C reaches it from the
// terminal as it reaches go-task; a signal sent to this process alone (go
// -task passing on a CI runner's cancel) is passed on to it once.
func (s step) run(ctx context.Context) (int, error) {
	if s.Say != "" {
		fmt.Fprintln(s.Stdout, s.Say)
	}
	beat := heartbeat.NewWatch(s.Stdout, s.Interval, s.Name)
	cmd := exec.Command(s.Argv[0], s.Argv[1:]...)
	cmd.Stdout, cmd.Stderr = beat, beat.To(s.Stderr)
	if err := cmd.Start(); err != nil {
		beat.Stop()
		return 0, fmt.Errorf("%s: start %s: %w", s.Name, strings.Join(s.Argv, " "), err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	var err error
	select {
	case err = <-waited:
	case <-ctx.Done():
		sig := os.Signal(syscall.SIGTERM)
		if got := interrupt.Signal(ctx); got != nil {
			sig = got
		}
		_ = cmd.Process.Signal(sig)
		err = <-waited
	}
	took := beat.Stop()
	code := exitCode(cmd, err)
	if sig := interrupt.Cause(ctx, code != 0, interrupt.Grace); sig != nil {
		fmt.Fprintf(s.Stdout, "%s: stopped by %v after %s\n", s.Name, sig, heartbeat.Round(took))
		return interrupt.ExitCode(sig), s.lap(s.Name + " (stopped)")
	}
	if code != 0 {
		fmt.Fprintf(s.Stdout, "%s: failed after %s (exit %d)\n", s.Name, heartbeat.Round(took), code)
		return code, s.lap(s.Name + " (failed)")
	}
	fmt.Fprintf(s.Stdout, "%s: done in %s\n", s.Name, heartbeat.Round(took))
	return 0, s.lap(s.Name)
}

// lap records the phase when a task started the laps; a step run on its own
// has nothing to record into.
func (s step) lap(name string) error {
	if _, err := os.Stat(s.File); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return marks([]string{"lap", name}, s.File, time.Now())
}

// exitCode is the finished child's code, as a shell reports it; a Wait
// that failed without an exit status (its output could not be copied)
// counts as a failure.
func exitCode(cmd *exec.Cmd, err error) int {
	code := proc.ExitCode(cmd.ProcessState)
	if code == 0 && err != nil {
		return 1
	}
	return code
}
