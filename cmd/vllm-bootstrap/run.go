package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/efortin/vllm-chill/internal/bootstrap"
	"github.com/efortin/vllm-chill/internal/cli"
	"github.com/efortin/vllm-chill/internal/contract"
)

// globals are the flags every command accepts.
type globals struct {
	kubeconfig, context, expectContext string
	timeout                            time.Duration
}

func (g *globals) register(fs *flag.FlagSet) {
	fs.StringVar(&g.kubeconfig, "kubeconfig", g.kubeconfig, "kubeconfig path or path list")
	fs.StringVar(&g.context, "context", g.context, "kubeconfig context (required)")
	fs.StringVar(&g.expectContext, "expect-context", g.expectContext, "refuse unless --context equals this")
	fs.DurationVar(&g.timeout, "timeout", g.timeout, "bound on each wait")
}

// run is main without the process: it returns the exit code, so tests can
// drive every path in-process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	return cli.Exit("vllm-bootstrap", usage, dispatch(ctx, args, stdout, getenv), stdout, stderr)
}

func dispatch(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) error {
	g := &globals{kubeconfig: getenv(contract.EnvKubeconfig), context: getenv(contract.EnvKubeContext), timeout: bootstrap.DefaultTimeout}
	fs := cli.NewFlagSet("vllm-bootstrap")
	g.register(fs)
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return cli.Usagef("no command given")
	}
	cmd, rest := fs.Arg(0), fs.Args()[1:]
	if cmd == "help" {
		return cli.ErrHelp
	}
	c, ok := commands[cmd]
	if !ok {
		return cli.Usagef("unknown command %q", cmd)
	}
	sub := cli.NewFlagSet(cmd)
	g.register(sub)
	var setup bootstrap.SetupOptions
	if cmd == "setup" {
		sub.StringVar(&setup.CRDs, "crds", "manifests/crds", "CRD directory")
		sub.StringVar(&setup.Models, "models", "manifests/models", "manifest directory")
		sub.StringVar(&setup.Namespace, "namespace", "", "namespace to ensure")
	}
	if err := cli.Parse(sub, rest); err != nil {
		return err
	}
	if sub.NArg() != len(c.args) {
		return cli.Usagef("%s takes %d argument(s) %v, got %d", cmd, len(c.args), c.args, sub.NArg())
	}
	if g.timeout <= 0 {
		return cli.Usagef("--timeout must be positive, got %s", g.timeout)
	}
	b, err := connect(g, stdout)
	if err != nil {
		return err
	}
	return c.run(ctx, b, sub.Args(), setup)
}

// connect checks the context and loads the kubeconfig; nothing here talks
// to the API server.
func connect(g *globals, stdout io.Writer) (*bootstrap.Bootstrapper, error) {
	if g.context == "" {
		// LoadConfig's error lists the contexts the kubeconfig knows.
		_, err := bootstrap.LoadConfig(g.kubeconfig, "")
		if bootstrap.IsContextError(err) {
			return nil, cli.Usagef("%v", err)
		}
		return nil, cli.Usagef("--context is required (or set VLLM_KUBE_CONTEXT); also: %v", err)
	}
	b, err := bootstrap.New(bootstrap.Options{
		Kubeconfig:    g.kubeconfig,
		Context:       g.context,
		ExpectContext: g.expectContext,
		Timeout:       g.timeout,
		Out:           stdout,
	})
	if err != nil {
		return nil, fmt.Errorf("load kubeconfig: %w", err)
	}
	return b, nil
}
