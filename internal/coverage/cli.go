package coverage

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
)

const usage = `usage: vllm-coverage COMMAND --out DIR [--dir MODULE_DIR] [--run REGEXP] [--pkgs LIST] [--runs N]

Commands:
  unit          run the unit tests with coverage into DIR/raw/unit
  integration   run the integration suite (needs KUBECONFIG and VLLM_KUBE_CONTEXT)
                with coverage into DIR/raw/integration; --pkgs (comma-separated, default
                ./test, the suite) replaces its packages, e.g. with those that start a
                control plane of their own: ./test,./test/faults,./internal/controlplane,./cmd/vllm-local
  merge         merge both parts into DIR: unit-coverage.out, integration-coverage.out,
                combined-coverage.out, combined-coverage.html, summary.txt
  all           unit, integration, then merge (the merge runs even if a part failed)
  concurrent    run the integration suite --runs times (default 2) at once against
                the same cluster, without coverage; logs in DIR/concurrent-N.log

Exit status: 0 when every part passed and the combined total is not below
either part, 1 otherwise, 2 on a usage error.
`

// Main is the vllm-coverage command; it returns the exit status.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		return 2
	}
	command := args[0]
	fs := flag.NewFlagSet("vllm-coverage "+command, flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := Options{Stdout: stdout, Stderr: stderr}
	fs.StringVar(&o.Out, "out", "", "directory for reports and raw data (required)")
	fs.StringVar(&o.Dir, "dir", ".", "module root to run the tests in")
	fs.StringVar(&o.Run, "run", "", "only run tests matching this regular expression (default $VLLM_TEST_RUN)")
	runs := fs.Int("runs", 2, "with concurrent: how many suite runs at once")
	pkgs := fs.String("pkgs", strings.Join(Integration.Packages, ","), "with integration or all: comma-separated packages of the integration part")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if o.Out == "" || fs.NArg() > 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	if o.IntegrationPackages = splitList(*pkgs); len(o.IntegrationPackages) == 0 {
		fmt.Fprintf(stderr, "vllm-coverage: --pkgs names no package\n%s", usage)
		return 2
	}
	if flagSet(fs, "pkgs") && command != "integration" && command != "all" {
		// concurrent always runs the one suite package: silently ignoring the
		// list would make the user believe other packages ran.
		fmt.Fprintf(stderr, "vllm-coverage: --pkgs applies to integration and all, not %s\n%s", command, usage)
		return 2
	}
	if command == "concurrent" {
		return runConcurrent(ctx, o, *runs, stderr)
	}
	return Run(ctx, o, command, stderr)
}

// splitList turns "a, b,,c" into [a b c].
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func flagSet(fs *flag.FlagSet, name string) (set bool) {
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func runConcurrent(ctx context.Context, o Options, runs int, stderr io.Writer) int {
	results, err := Concurrent(ctx, o, runs)
	if err != nil {
		fmt.Fprintf(stderr, "vllm-coverage: %v\n", err)
		return 2
	}
	for _, r := range results {
		if !r.Passed {
			return 1
		}
	}
	return 0
}

// Run executes one command with the given options and returns the exit status.
func Run(ctx context.Context, o Options, command string, stderr io.Writer) int {
	var parts []Part
	merge := false
	switch command {
	case "unit":
		parts = []Part{Unit}
	case "integration":
		parts = []Part{o.integrationPart()}
	case "merge":
		merge = true
	case "all":
		parts, merge = []Part{Unit, o.integrationPart()}, true
	default:
		fmt.Fprintf(stderr, "vllm-coverage: unknown command %q\n%s", command, usage)
		return 2
	}
	failed := false
	for _, p := range parts {
		res, err := RunPart(ctx, o, p)
		if err != nil {
			fmt.Fprintf(stderr, "vllm-coverage: %s: %v\n", p.Name, err)
			return 1
		}
		failed = failed || !res.Passed
		if ctx.Err() != nil {
			// Interrupted: stop here rather than start the next part.
			break
		}
	}
	if merge {
		s, err := Merge(ctx, o)
		if err != nil {
			fmt.Fprintf(stderr, "vllm-coverage: merge: %v\n", err)
			return 1
		}
		if err := s.Err(); err != nil {
			fmt.Fprintf(stderr, "vllm-coverage: %v\n", err)
			return 1
		}
	}
	if failed {
		return 1
	}
	return 0
}
