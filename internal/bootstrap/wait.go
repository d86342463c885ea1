package bootstrap

import (
	"context"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/efortin/vllm-chill/internal/contract"
	"github.com/efortin/vllm-chill/internal/poll"
)

// attemptTimeout bounds one request of a poll, so an API server that
// accepts connections but never answers still gets retried (and reported)
// within the overall timeout.
const attemptTimeout = 10 * time.Second

// WaitError reports a wait that ran out of time or was canceled.
type WaitError = poll.Error

// poll calls check until it passes, fails for good (poll.Permanent: a
// rejected credential), or the timeout passes.
func (b *Bootstrapper) poll(ctx context.Context, what string, check func(context.Context) error) error {
	return poll.Until(ctx, poll.Options{What: what, Timeout: b.opts.Timeout, Interval: b.opts.PollInterval, Attempt: attemptTimeout}, check)
}

// WaitReady waits until the API server answers /readyz with ok and accepts
// the context's credentials for API discovery. A rejected credential (401)
// or a forbidden discovery (403) fails at once: waiting would not fix it.
func (b *Bootstrapper) WaitReady(ctx context.Context) error {
	what := fmt.Sprintf("API server %s/readyz (context %q)", b.cfg.Host, b.opts.Context)
	b.progress.printf("waiting up to %s for %s", b.opts.Timeout, what)
	done := b.progress.step()
	var version string
	err := b.poll(ctx, what, func(ctx context.Context) error {
		// The checks a CRD test does not need are not waited for (see
		// contract.NotAwaitedReadyz): on a fresh cluster they pass a second
		// or two after the rest.
		req := b.discovery.RESTClient().Get().AbsPath("/readyz")
		for _, check := range contract.NotAwaitedReadyz {
			req = req.Param("exclude", check)
		}
		body, err := req.Do(ctx).Raw()
		if err != nil {
			return b.credentialError(err, "/readyz")
		}
		if string(body) != "ok" {
			return fmt.Errorf("/readyz answered %q", body)
		}
		// /readyz is public to anonymous users; discovery is not, so this
		// is where a missing credential shows up.
		if _, err := b.discovery.ServerGroupsWithContext(ctx); err != nil {
			return b.credentialError(err, "API discovery")
		}
		info, err := b.discovery.ServerVersionWithContext(ctx)
		if err != nil {
			return fmt.Errorf("read server version: %w", err)
		}
		version = info.GitVersion
		return nil
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
		return poll.Permanent(fmt.Errorf("%s: Unauthorized: credentials of context %q rejected by %s (wrong or expired): %w", what, b.opts.Context, b.cfg.Host, err))
	case apierrors.IsForbidden(err):
		return poll.Permanent(fmt.Errorf("%s: Forbidden: user of context %q may not use %s: %w", what, b.opts.Context, b.cfg.Host, err))
	}
	return fmt.Errorf("%s: %w", what, err)
}
