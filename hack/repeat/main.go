// Command repeat runs a command N times in a row while the machine compiles
// beside it, and prints each run's result and "N passed, N failed": a test
// that fails once under load is broken, and one run cannot show that it is
// not. `go tool task ci:repeat` runs ci's test phase this way.
//
//	repeat [-n 10] [-log .cache/repeat] [-load=true] -- CMD [ARGS]
//
// The load is `go build -a` of the module's commands into a temporary
// directory, again and again, each time compiling every package (the
// standard library included) as a cold build would; it is stopped when the
// last run ends or on SIGINT/SIGTERM, which also reach the current run.
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/efortin/vllm-chill/internal/cli"
	"github.com/efortin/vllm-chill/internal/interrupt"
	"github.com/efortin/vllm-chill/internal/proc"
)

const usage = `Usage: repeat [-n N] [-log DIR] [-load=false] -- CMD [ARGS]

Runs CMD N times in a row (each run gets REPEAT_RUN=<its number>, its output
in DIR/run-NN.log) while go build -a of ./cmd/... runs again and again beside
it; prints each run's result, the lines of a failed run's log that say FAIL,
and "N passed, N failed".

Flags:
  -n N        runs (default 10)
  -log DIR    logs (default .cache/repeat)
  -load       compile beside the runs (default true)

Exit status: 0 when every run passed, 1 when one failed or the load broke,
2 usage, 128+signal when a signal stopped the runs.
`

func main() {
	ctx, stop := interrupt.Notify(context.Background(), nil)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return cli.Exit("repeat", usage, dispatch(ctx, args, stdout), stdout, stderr)
}

func dispatch(ctx context.Context, args []string, stdout io.Writer) error {
	fs := cli.NewFlagSet("repeat")
	n := fs.Int("n", 10, "")
	logDir := fs.String("log", ".cache/repeat", "")
	load := fs.Bool("load", true, "")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() == 0:
		return cli.Usagef("missing command after --")
	case *n < 1:
		return cli.Usagef("-n must be at least 1, got %d", *n)
	}
	// The orphans of a run or of the load (compilers whose go command was
	// stopped) become ours, so they are reaped; see internal/proc.
	if err := proc.BecomeSubreaper(); err != nil {
		return err
	}
	o := Options{Runs: *n, Cmd: fs.Args(), LogDir: *logDir, Out: stdout}
	if *load {
		tmp, err := os.MkdirTemp("", "repeat-load-")
		if err != nil {
			return fmt.Errorf("create the load's output directory: %w", err)
		}
		defer os.RemoveAll(tmp)
		o.Load = []string{"go", "build", "-a", "-o", tmp + "/", "./cmd/..."}
	}
	s, err := Run(ctx, o)
	switch {
	case s.Interrupted != nil:
		return cli.ExitCode{Code: interrupt.ExitCode(s.Interrupted)}
	case err != nil:
		return err
	case s.Failed > 0:
		return cli.ExitCode{Code: 1}
	}
	return nil
}
