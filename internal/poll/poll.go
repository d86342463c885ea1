// Package poll is the one bounded wait of the repository: call a check until
// it passes, fails for good, or the time is up, and then say what was
// awaited, for how long, and what was last seen.
package poll

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Options bound a wait.
type Options struct {
	What     string        // what is awaited, for messages
	Timeout  time.Duration // bound on the whole wait
	Interval time.Duration // pause between attempts
	// Attempt bounds one call of the check, so a server that accepts
	// connections but never answers is retried (and reported) within Timeout.
	Attempt time.Duration
}

// permanent marks an error that waiting cannot fix.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent makes check's error end the wait at once; Until returns err.
func Permanent(err error) error { return permanent{err} }

// Error is a wait that ran out of time or was cancelled.
type Error struct {
	What    string
	Waited  time.Duration
	Timeout time.Duration
	Last    error // the last error the check returned; nil if none
	Cause   error // context.DeadlineExceeded or context.Canceled
}

func (e *Error) Error() string {
	last := "no response before the deadline"
	if e.Last != nil {
		last = e.Last.Error()
	}
	if errors.Is(e.Cause, context.Canceled) {
		return fmt.Sprintf("canceled after %s waiting for %s; last error: %s", seconds(e.Waited), e.What, last)
	}
	return fmt.Sprintf("timed out after %s (timeout %s) waiting for %s; last error: %s", seconds(e.Waited), e.Timeout, e.What, last)
}

func (e *Error) Unwrap() []error { return []error{e.Cause, e.Last} }

func seconds(d time.Duration) string { return fmt.Sprintf("%.2fs", d.Seconds()) }

// Until calls check until it returns nil. An error wrapped by Permanent is
// returned at once; any other is remembered, and when the timeout passes or
// ctx ends the result is an *Error naming the last one.
func Until(ctx context.Context, o Options, check func(context.Context) error) error {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	deadline, _ := ctx.Deadline()
	var last error
	for {
		actx, acancel := ctx, context.CancelFunc(func() {})
		if o.Attempt > 0 {
			actx, acancel = context.WithTimeout(ctx, o.Attempt)
		}
		err := check(actx)
		acancel()
		if err == nil {
			return nil
		}
		if p := (permanent{}); errors.As(err, &p) {
			return p.err
		}
		// An attempt cut short by the overall deadline says less than the
		// error before it, so keep the earlier one.
		over := ctx.Err() != nil || !time.Now().Before(deadline)
		if !over || last == nil {
			last = err
		}
		if over {
			cause := ctx.Err()
			if cause == nil {
				cause = context.DeadlineExceeded
			}
			return &Error{What: o.What, Waited: time.Since(start), Timeout: o.Timeout, Last: last, Cause: cause}
		}
		select {
		case <-ctx.Done():
		case <-time.After(o.Interval):
		}
	}
}
