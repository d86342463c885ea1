package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/efortin/vllm-chill/internal/interrupt"
	"github.com/efortin/vllm-chill/internal/proc"
)

// Options say what to repeat and what to load the machine with.
type Options struct {
	Runs int      // how many runs, one after the other
	Cmd  []string // one run; it gets REPEAT_RUN=<its number>
	// Load is run again and again beside the runs, each time to its end,
	// until the last run ends; then it is stopped. None when empty.
	Load   []string
	LogDir string    // run-NN.log per run, load.log for the load
	Out    io.Writer // one line per run and the summary
}

// Summary is what the runs gave.
type Summary struct {
	Passed, Failed int
	Loads          int       // load commands that ran to their end beside the runs
	Interrupted    os.Signal // the signal that stopped the runs early, if any
}

// stopBound is how long a signalled run may take to stop: vllm-local gives
// its command 10s, then stops the control plane.
const stopBound = time.Minute

// Run runs o.Cmd o.Runs times in a row while o.Load keeps the machine busy,
// and prints each run's result and a final "N passed, N failed" line. When
// ctx ends (a signal), the current run gets the signal and the rest are not
// run. The error is for what kept the runs from being what they claim: a
// load that failed (the runs would no longer be under load) or a run that
// could not start.
func Run(ctx context.Context, o Options) (Summary, error) {
	var s Summary
	if err := os.MkdirAll(o.LogDir, 0o755); err != nil {
		return s, fmt.Errorf("create log directory: %w", err)
	}
	var load *loader
	if len(o.Load) > 0 {
		load = startLoad(o.Load, filepath.Join(o.LogDir, "load.log"))
		fmt.Fprintf(o.Out, "repeat: load: %s, again and again until the last run ends (log %s)\n", strings.Join(o.Load, " "), load.log)
	}
	err := runAll(ctx, o, load, &s)
	if load != nil {
		var loadErr error
		s.Loads, loadErr = load.stop()
		if loadErr == nil {
			fmt.Fprintf(o.Out, "repeat: load: busy until the last run ended (%d loads ran to their end; the one running then was stopped)\n", s.Loads)
		} else if err == nil {
			err = loadErr
		}
	}
	fmt.Fprintf(o.Out, "repeat: %d passed, %d failed\n", s.Passed, s.Failed)
	return s, err
}

func runAll(ctx context.Context, o Options, load *loader, s *Summary) error {
	for i := 1; i <= o.Runs; i++ {
		if err := load.err(); err != nil {
			return err
		}
		log := filepath.Join(o.LogDir, fmt.Sprintf("run-%02d.log", i))
		t0 := time.Now()
		code, err := runOnce(ctx, o.Cmd, i, log)
		if err != nil {
			return err
		}
		took := time.Since(t0).Round(100 * time.Millisecond)
		if sig := interrupt.Signal(ctx); sig != nil {
			s.Interrupted = sig
			fmt.Fprintf(o.Out, "repeat: run %d/%d: interrupted by %v after %s (exit %d, log %s)\n", i, o.Runs, sig, took, code, log)
			return nil
		}
		if code == 0 {
			s.Passed++
			fmt.Fprintf(o.Out, "repeat: run %d/%d: PASS in %s%s (log %s)\n", i, o.Runs, took, loadAverage(), log)
			continue
		}
		s.Failed++
		fmt.Fprintf(o.Out, "repeat: run %d/%d: FAIL (exit %d) in %s%s (log %s)\n", i, o.Runs, code, took, loadAverage(), log)
		for _, l := range failures(log, 20) {
			fmt.Fprintf(o.Out, "    %s\n", l)
		}
	}
	return nil
}

// runOnce runs cmd with its output in log, and returns its exit code. A
// signal (ctx's end) is passed on to the run's process group, which gets
// stopBound to stop before it is killed.
func runOnce(ctx context.Context, argv []string, n int, log string) (int, error) {
	f, err := os.Create(log)
	if err != nil {
		return 0, fmt.Errorf("create %s: %w", log, err)
	}
	defer f.Close()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), fmt.Sprintf("REPEAT_RUN=%d", n))
	cmd.Stdout, cmd.Stderr = f, f
	g, err := proc.Start(cmd)
	if err != nil {
		return 0, fmt.Errorf("start run %d (%s): %w", n, strings.Join(argv, " "), err)
	}
	select {
	case <-g.Done():
	case <-ctx.Done():
		sig := syscall.SIGTERM
		if s, ok := interrupt.Signal(ctx).(syscall.Signal); ok {
			sig = s
		}
		_ = g.Signal(sig)
		select {
		case <-g.Done():
		case <-time.After(stopBound):
			fmt.Fprintf(f, "repeat: run %d did not stop within %s of %v: killed\n", n, stopBound, sig)
			g.Kill()
		}
	}
	return g.ExitCode(), nil
}

// loader runs the load in a loop, each time to its end, until stop.
type loader struct {
	log  string
	quit chan struct{}
	done chan struct{}

	mu     sync.Mutex
	loads  int
	failed error // a load that failed ends the loop
}

func startLoad(argv []string, log string) *loader {
	l := &loader{log: log, quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(l.done)
		if err := l.loop(argv); err != nil {
			l.mu.Lock()
			l.failed = err
			l.mu.Unlock()
		}
	}()
	return l
}

func (l *loader) loop(argv []string) error {
	f, err := os.Create(l.log)
	if err != nil {
		return fmt.Errorf("load: %w", err)
	}
	defer f.Close()
	for {
		select {
		case <-l.quit:
			return nil
		default:
		}
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Stdout, cmd.Stderr = f, f
		g, err := proc.Start(cmd)
		if err != nil {
			return fmt.Errorf("load: start %s: %w", argv[0], err)
		}
		stopped := false
		select {
		case <-l.quit:
			// SIGTERM to the whole group (go build and its compilers),
			// SIGKILL after a bound; Drain reaps what it left.
			_ = g.Stop(context.Background(), 5*time.Second)
			stopped = true
		case <-g.Done():
		}
		g.Drain(time.Now().Add(5 * time.Second))
		if err := g.Err(); err != nil && !(stopped && killed(err)) {
			return fmt.Errorf("load: %s: %w (see %s): the runs would no longer be under load", strings.Join(argv, " "), err, l.log)
		}
		if stopped {
			return nil
		}
		l.mu.Lock()
		l.loads++
		l.mu.Unlock()
	}
}

// killed reports whether a command's error is its death by a signal, as
// when the load is stopped; a load that exited non-zero on its own failed.
func killed(err error) bool {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled()
}

// err is the load's failure so far; nil for no load.
func (l *loader) err() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.failed
}

// stop ends the load's process group, waits until it is reaped, and says
// how many loads ran to their end and whether one failed.
func (l *loader) stop() (int, error) {
	close(l.quit)
	<-l.done
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.loads, l.failed
}

// failures are the lines of a run's log that say what failed, at most max.
func failures(log string, max int) []string {
	f, err := os.Open(log)
	if err != nil {
		return []string{err.Error()}
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() && len(out) < max {
		if l := sc.Text(); strings.Contains(l, "FAIL") || strings.Contains(l, "panic:") {
			out = append(out, strings.TrimSpace(l))
		}
	}
	return out
}

// loadAverage is ", load average X" where /proc/loadavg exists (Linux).
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if fields := strings.Fields(string(data)); err == nil && len(fields) > 0 {
		return ", load average " + fields[0]
	}
	return ""
}
