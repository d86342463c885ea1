package bootstrap

import (
	"context"
	"errors"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/efortin/vllm-chill/internal/contract"
)

// attemptTimeout bounds one request of a poll, so an API server that
// accepts connections but never answers still gets retried (and reported)
// within the overall timeout.
const attemptTimeout = 10 * time.Second

// permanentError marks a poll failure that waiting cannot fix, such as a
// rejected credential; the poll stops at once instead of running out the
// clock.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// WaitError reports a wait that ran out of time or was canceled.
type WaitError struct {
	What    string        // what was awaited
	Waited  time.Duration // how long it waited
	Timeout time.Duration // the bound
	Last    error         // the last error seen, nil if none
	Cause   error         // context.DeadlineExceeded or context.Canceled
}

func (e *WaitError) Error() string {
	last := "no response before the deadline"
	if e.Last != nil {
		last = e.Last.Error()
	}
	if errors.Is(e.Cause, context.Canceled) {
		return fmt.Sprintf("canceled after %s waiting for %s; last error: %s", seconds(e.Waited), e.What, last)
	}
	return fmt.Sprintf("timed out after %s (timeout %s) waiting for %s; last error: %s", seconds(e.Waited), e.Timeout, e.What, last)
}

func (e *WaitError) Unwrap() []error { return []error{e.Cause, e.Last} }

// poll calls check until it reports done, returns a permanentError, or the
// timeout passes. A transient error is remembered so the timeout message
// can say what was last seen.
func (b *Bootstrapper) poll(ctx context.Context, what string, check func(context.Context) (bool, error)) error {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, b.opts.Timeout)
	defer cancel()
	deadline, _ := ctx.Deadline()
	var last error
	for {
		actx, acancel := context.WithTimeout(ctx, attemptTimeout)
		done, err := check(actx)
		acancel()
		if done {
			return nil
		}
		if pe := (permanentError{}); errors.As(err, &pe) {
			return pe.err
		}
		// An attempt cut short by the overall deadline (a context error, or
		// the rate limiter refusing to wait past it) says less than the
		// error before it, so keep the earlier one.
		over := ctx.Err() != nil || !time.Now().Before(deadline)
		if err != nil && (!over || last == nil) {
			last = err
		}
		if over {
			cause := ctx.Err()
			if cause == nil {
				cause = context.DeadlineExceeded
			}
			return &WaitError{What: what, Waited: time.Since(start), Timeout: b.opts.Timeout, Last: last, Cause: cause}
		}
		select {
		case <-ctx.Done():
		case <-time.After(b.opts.PollInterval):
		}
	}
}

// WaitReady waits until the API server answers /readyz with ok and accepts
// the context's credentials for API discovery. A rejected credential (401)
// or a forbidden discovery (403) fails at once: waiting would not fix it.
func (b *Bootstrapper) WaitReady(ctx context.Context) error {
	what := fmt.Sprintf("API server %s/readyz (context %q)", b.cfg.Host, b.opts.Context)
	b.progress.printf("waiting up to %s for %s", b.opts.Timeout, what)
	done := b.progress.step()
	var version string
	err := b.poll(ctx, what, func(ctx context.Context) (bool, error) {
		// The checks a CRD test does not need are not waited for (see
		// contract.NotAwaitedReadyz): on a fresh cluster they pass a second
		// or two after the rest.
		req := b.discovery.RESTClient().Get().AbsPath("/readyz")
		for _, check := range contract.NotAwaitedReadyz {
			req = req.Param("exclude", check)
		}
		body, err := req.Do(ctx).Raw()
		if err != nil {
			return false, b.credentialError(err, "/readyz")
		}
		if string(body) != "ok" {
			return false, fmt.Errorf("/readyz answered %q", body)
		}
		// /readyz is public to anonymous users; discovery is not, so this
		// is where a missing credential shows up.
		if _, err := b.discovery.ServerGroupsWithContext(ctx); err != nil {
			return false, b.credentialError(err, "API discovery")
		}
		info, err := b.discovery.ServerVersionWithContext(ctx)
		if err != nil {
			return false, fmt.Errorf("read server version: %w", err)
		}
		version = info.GitVersion
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("wait for API server: %w", err)
	}
	done("API server %s ready (%s)", b.cfg.Host, version)
	return nil
}

// credentialError turns 401 and 403 into permanent errors that name the
// context; everything else stays transient.
func (b *Bootstrapper) credentialError(err error, what string) error {
	switch {
	case apierrors.IsUnauthorized(err):
		return permanentError{fmt.Errorf("%s: Unauthorized: credentials of context %q rejected by %s (wrong or expired): %w", what, b.opts.Context, b.cfg.Host, err)}
	case apierrors.IsForbidden(err):
		return permanentError{fmt.Errorf("%s: Forbidden: user of context %q may not use %s: %w", what, b.opts.Context, b.cfg.Host, err)}
	}
	return fmt.Errorf("%s: %w", what, err)
}
