// Package interrupt records the SIGINT or SIGTERM that stops a run, so that
// whatever reports why the run stopped reports the signal, even when a
// consequence of it is seen first.
//
// A signal sent to a process group reaches every process in it at once: a
// child of ours in the group can die of it, be reaped, and have its failure
// on our screen before our own handler has run (the runtime has queued the
// signal by then, but the goroutines that pass it on have not been
// scheduled). A person who pressed Ctrl-C must be told that the run stopped
// because of it, not that a step failed: Cause waits a short, bounded grace
// for a pending signal before it lets a failure be the reason.
package interrupt

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Signals are the signals that stop a run: Ctrl-C, and a CI runner's cancel.
var Signals = []os.Signal{os.Interrupt, syscall.SIGTERM}

// Grace is how long a failure waits for the signal that may have caused it.
// By the time a child's death is seen, the runtime has already taken the
// signal from the kernel; what is left is scheduling two goroutines, which
// takes milliseconds even on a loaded machine. It is paid only by a run that
// failed without a signal.
const Grace = time.Second

// Error is the cause of a context that a signal ended; it matches
// context.Canceled.
type Error struct{ Signal os.Signal }

func (e *Error) Error() string { return e.Signal.String() + " received" }

// Is makes errors.Is(err, context.Canceled) hold, as for any cancel.
func (e *Error) Is(target error) bool { return target == context.Canceled }

// Notify returns a context that the first of Signals cancels, with an *Error
// naming it as its cause. each, when not nil, is called for every signal
// (the first included) after the cancel, so a forwarded signal never
// precedes the record of it. stop ends the notification and cancels ctx.
func Notify(parent context.Context, each func(os.Signal)) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 4)
	signal.Notify(ch, Signals...)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for sig := range ch {
			cancel(&Error{Signal: sig})
			if each != nil {
				each(sig)
			}
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(ch)
		<-done // no each runs after stop
		cancel(context.Canceled)
	}
}

// Signal is the signal that ended ctx, nil when none did (yet).
func Signal(ctx context.Context) os.Signal {
	var e *Error
	if errors.As(context.Cause(ctx), &e) {
		return e.Signal
	}
	return nil
}

// Cause decides whether a run is reported as stopped by a signal: it returns
// the signal that ended ctx, or nil. A run that failed may have failed of a
// signal whose handler has not run yet (a child died of it first): then
// Cause waits up to grace for ctx to end before it answers. A run that did
// not fail does not wait.
func Cause(ctx context.Context, failed bool, grace time.Duration) os.Signal {
	if sig := Signal(ctx); sig != nil || !failed {
		return sig
	}
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
	return Signal(ctx)
}

// ExitCode is 128+sig, as a shell reports a process a signal ended.
func ExitCode(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 1
}
