package bootstrap

import (
	"context"
	"time"
)

// SetupOptions names what Setup installs; an empty field skips its step.
type SetupOptions struct {
	CRDs      string // directory of CRDs, e.g. manifests/crds
	Namespace string // namespace to ensure
	Models    string // directory of manifests to apply, e.g. manifests/models
}

// Setup runs the whole bootstrap in order: wait for the API server,
// install and await the CRDs, ensure the namespace, apply the manifests.
// It stops at the first failing step. Running it twice changes nothing.
func (b *Bootstrapper) Setup(ctx context.Context, s SetupOptions) error {
	start := time.Now()
	if err := b.WaitReady(ctx); err != nil {
		return err
	}
	if s.CRDs != "" {
		if err := b.InstallCRDs(ctx, s.CRDs); err != nil {
			return err
		}
	}
	if s.Namespace != "" {
		if err := b.EnsureNamespace(ctx, s.Namespace); err != nil {
			return err
		}
	}
	if s.Models != "" {
		if _, err := b.ApplyDir(ctx, s.Models); err != nil {
			return err
		}
	}
	b.progress.printf("done (context %q) in %s", b.opts.Context, seconds(time.Since(start)))
	return nil
}
