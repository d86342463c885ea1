// Command vllm-coverage runs the unit and integration tests with coverage and
// merges them into one report; every cluster path (local, Dagger) runs it, so
// coverage is made the same way everywhere. See internal/coverage.
package main

import (
	"context"
	"flag"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/efortin/vllm-chill/internal/cli"
	"github.com/efortin/vllm-chill/internal/contract"
	"github.com/efortin/vllm-chill/internal/coverage"
	"github.com/efortin/vllm-chill/internal/interrupt"
)

const usage = `Usage: vllm-coverage COMMAND --out DIR [flags]

Commands:
  unit          the unit tests with coverage (DIR/unit-coverage.out, DIR/unit-junit.xml)
  integration   the integration suite with coverage (needs KUBECONFIG and VLLM_KUBE_CONTEXT)
                (DIR/integration-coverage.out, DIR/integration-junit.xml)
  merge         merge both parts into DIR: combined-coverage.out, combined-coverage.html,
                summary.txt
  all           unit, integration, then merge (the merge runs even if a part failed)
  help          print this help

Flags:
  --out DIR       directory for reports and raw data (required)
  --dir DIR       module root to run the tests in (default .)
  --run REGEXP    only run tests matching REGEXP (default $VLLM_TEST_RUN)
  --pkgs LIST     integration and all: comma-separated packages of the integration part
                  (default ./test, the suite; the local path adds the packages that start
                  a control plane of their own)
  --gotestsum BIN gotestsum to run (default: go tool gotestsum, pinned in go.mod)
  --parallel      all: run the unit and integration parts side by side, their output
                  lines prefixed "unit | " and "integration | "

Exit status: 0 when every part passed and the combined total is not below
either part, 1 otherwise, 2 on a usage error.
`

func main() {
	// Ctrl-C or SIGTERM stops the running tests (their whole process group).
	ctx, stop := interrupt.Notify(context.Background(), nil)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	return cli.Exit("vllm-coverage", usage, dispatch(ctx, args, stdout, stderr, getenv), stdout, stderr)
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		return cli.Usagef("no command given")
	}
	command := args[0]
	if command == "help" || command == "-h" || command == "--help" {
		return cli.ErrHelp
	}
	if _, ok := coverage.Commands[command]; !ok {
		return cli.Usagef("unknown command %q", command)
	}
	o := coverage.Options{Stdout: stdout, Stderr: stderr}
	fs := cli.NewFlagSet(command)
	fs.StringVar(&o.Out, "out", "", "")
	fs.StringVar(&o.Dir, "dir", ".", "")
	fs.StringVar(&o.Run, "run", getenv(contract.EnvTestRun), "")
	pkgs := fs.String("pkgs", "", "")
	gotestsum := fs.String("gotestsum", "", "")
	fs.BoolVar(&o.Parallel, "parallel", false, "")
	if err := cli.Parse(fs, args[1:]); err != nil {
		return err
	}
	switch {
	case o.Out == "":
		return cli.Usagef("--out is required")
	case fs.NArg() > 0:
		return cli.Usagef("unexpected arguments %q", fs.Args())
	}
	if set(fs, "pkgs") {
		// Silently ignoring the list would make the user believe other packages ran.
		if command != "integration" && command != "all" {
			return cli.Usagef("--pkgs applies to integration and all, not %s", command)
		}
		if o.IntegrationPackages = splitList(*pkgs); len(o.IntegrationPackages) == 0 {
			return cli.Usagef("--pkgs names no package")
		}
	}
	if *gotestsum != "" {
		o.Gotestsum = []string{*gotestsum}
	}
	return coverage.Run(ctx, o, command)
}

// set reports whether a flag was given.
func set(fs *flag.FlagSet, name string) (given bool) {
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// splitList turns "a, b,,c" into [a b c].
func splitList(s string) []string {
	return slices.DeleteFunc(strings.Split(strings.ReplaceAll(s, " ", ""), ","), func(p string) bool { return p == "" })
}
