package main

import (
	"context"

	"github.com/efortin/vllm-chill/internal/bootstrap"
)

// command is one subcommand: the names of its positional arguments and
// what it does with a connected Bootstrapper.
type command struct {
	args []string
	run  func(ctx context.Context, b *bootstrap.Bootstrapper, args []string, setup bootstrap.SetupOptions) error
}

var commands = map[string]command{
	"wait": {nil, func(ctx context.Context, b *bootstrap.Bootstrapper, _ []string, _ bootstrap.SetupOptions) error {
		return b.WaitReady(ctx)
	}},
	// The commands below wait for readiness first: on a freshly started
	// cluster they are often the first call, and a bounded wait with a
	// clear message beats a connection-refused error.
	"install-crds": {[]string{"PATH"}, func(ctx context.Context, b *bootstrap.Bootstrapper, args []string, _ bootstrap.SetupOptions) error {
		return b.Setup(ctx, bootstrap.SetupOptions{CRDs: args[0]})
	}},
	"apply": {[]string{"PATH"}, func(ctx context.Context, b *bootstrap.Bootstrapper, args []string, _ bootstrap.SetupOptions) error {
		return b.Setup(ctx, bootstrap.SetupOptions{Models: args[0]})
	}},
	"namespace": {[]string{"NAME"}, func(ctx context.Context, b *bootstrap.Bootstrapper, args []string, _ bootstrap.SetupOptions) error {
		return b.Setup(ctx, bootstrap.SetupOptions{Namespace: args[0]})
	}},
	"setup": {nil, func(ctx context.Context, b *bootstrap.Bootstrapper, _ []string, s bootstrap.SetupOptions) error {
		return b.Setup(ctx, s)
	}},
}
