// Command stopwatch times the phases of a task that runs several steps (the
// ci task): `start` resets the laps, `lap NAME` records the time since the
// previous mark under NAME, `report` prints the table, and `run NAME -- CMD`
// runs a phase that talks while it is quiet and records its lap. Laps live
// in a file (default .cache/stopwatch), since each call is a process of its
// own.
//
//	stopwatch start; go vet ./...; stopwatch lap vet; ...; stopwatch report
//	stopwatch run -say "race: ..." race -- go test -race ./...
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/efortin/vllm-chill/internal/cli"
	"github.com/efortin/vllm-chill/internal/heartbeat"
	"github.com/efortin/vllm-chill/internal/interrupt"
)

const defaultFile = ".cache/stopwatch"

const usage = `Usage:
  stopwatch start                          reset the laps
  stopwatch lap NAME                       record the time since the last mark as NAME
  stopwatch report                         print the laps and the total
  stopwatch run [-say TEXT] NAME -- CMD... run CMD as the phase NAME: TEXT first,
                                           "still NAME: ..." after 20 s without output,
                                           its end and time, and its lap (when started)

The laps live in $STOPWATCH_FILE (default .cache/stopwatch).
Exit status: run exits with CMD's code (128+signal when a signal stopped it);
the others 0, 1 on error, 2 on a usage error.
`

func main() {
	ctx, stop := interrupt.Notify(context.Background(), nil)
	code := runCLI(ctx, os.Args[1:], os.Getenv("STOPWATCH_FILE"), os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func runCLI(ctx context.Context, args []string, file string, stdout, stderr io.Writer) int {
	return cli.Exit("stopwatch", usage, dispatch(ctx, args, file, stdout, stderr), stdout, stderr)
}

func dispatch(ctx context.Context, args []string, file string, stdout, stderr io.Writer) error {
	if file == "" {
		file = defaultFile
	}
	if len(args) > 0 && args[0] == "run" {
		fs := cli.NewFlagSet("stopwatch run")
		say := fs.String("say", "", "")
		if err := cli.Parse(fs, args[1:]); err != nil {
			return err
		}
		// NAME -- CMD: the flag package stops at NAME and leaves "--".
		rest := fs.Args()
		if len(rest) < 3 || rest[1] != "--" {
			return cli.Usagef("run takes NAME -- CMD...")
		}
		s := step{Name: rest[0], Say: *say, Argv: rest[2:], File: file, Stdout: stdout, Stderr: stderr, Interval: heartbeat.Interval}
		code, err := s.run(ctx)
		if err != nil {
			return err
		}
		if code != 0 {
			return cli.ExitCode{Code: code}
		}
		return nil
	}
	return marks(args, file, time.Now())
}

// marks does start, lap or report. The file holds one line per mark:
// "unixnano name".
func marks(args []string, file string, now time.Time) error {
	if len(args) == 0 {
		return cli.Usagef("missing command: start, lap NAME, report or run NAME -- CMD")
	}
	switch args[0] {
	case "start":
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return err
		}
		return os.WriteFile(file, []byte(mark(now, "start")), 0o644)
	case "lap":
		if len(args) != 2 {
			return cli.Usagef("lap takes one NAME")
		}
		f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("lap %s: no start (%w)", args[1], err)
		}
		defer f.Close()
		_, err = f.WriteString(mark(now, args[1]))
		return err
	case "report":
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		return report(os.Stdout, string(data), now)
	}
	return cli.Usagef("unknown command %q", args[0])
}

func mark(t time.Time, name string) string {
	return strconv.FormatInt(t.UnixNano(), 10) + " " + name + "\n"
}

func report(w io.Writer, data string, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "PHASE\tTIME\t")
	var first, prev int64
	for i, line := range strings.Split(strings.TrimSpace(data), "\n") {
		ts, name, ok := strings.Cut(line, " ")
		n, err := strconv.ParseInt(ts, 10, 64)
		if !ok || err != nil {
			return fmt.Errorf("line %d: %q is not a mark", i+1, line)
		}
		if i == 0 {
			first, prev = n, n
			continue
		}
		fmt.Fprintf(tw, "%s\t%.1fs\t\n", name, time.Duration(n-prev).Seconds())
		prev = n
	}
	fmt.Fprintf(tw, "total\t%.1fs\t\n", time.Duration(now.UnixNano()-first).Seconds())
	return tw.Flush()
}
