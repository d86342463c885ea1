package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/efortin/vllm-chill/internal/bootstrap"
	"github.com/efortin/vllm-chill/internal/contract"
)

// Exit codes of the command.
const (
	exitOK    = 0
	exitStep  = 1
	exitUsage = 2
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

// usageError is a mistake on the command line: exit 2 with a pointer to --help.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// run is main without the process: it returns the exit code, so tests can
// drive every path in-process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	err := dispatch(ctx, args, stdout, getenv)
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, usage)
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "vllm-bootstrap: %s\nRun 'vllm-bootstrap --help' for usage.\n", ue.msg)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "vllm-bootstrap: %v\n", err)
		return exitStep
	}
}

func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// Errors are reported by run, and --help prints the full text there.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usagef("%v", err)
	}
	return nil
}

func dispatch(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) error {
	g := &globals{kubeconfig: getenv(contract.EnvKubeconfig), context: getenv(contract.EnvKubeContext), timeout: bootstrap.DefaultTimeout}
	fs := newFlagSet("vllm-bootstrap")
	g.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("no command given")
	}
	cmd, rest := fs.Arg(0), fs.Args()[1:]
	if cmd == "help" {
		return flag.ErrHelp
	}
	c, ok := commands[cmd]
	if !ok {
		return usagef("unknown command %q", cmd)
	}
	sub := newFlagSet(cmd)
	g.register(sub)
	var setup bootstrap.SetupOptions
	if cmd == "setup" {
		sub.StringVar(&setup.CRDs, "crds", "manifests/crds", "CRD directory")
		sub.StringVar(&setup.Models, "models", "manifests/models", "manifest directory")
		sub.StringVar(&setup.Namespace, "namespace", "", "namespace to ensure")
	}
	if err := parse(sub, rest); err != nil {
		return err
	}
	if sub.NArg() != len(c.args) {
		return usagef("%s takes %d argument(s) %v, got %d", cmd, len(c.args), c.args, sub.NArg())
	}
	if g.timeout <= 0 {
		return usagef("--timeout must be positive, got %s", g.timeout)
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
			return nil, usagef("%v", err)
		}
		return nil, usagef("--context is required (or set VLLM_KUBE_CONTEXT); also: %v", err)
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
