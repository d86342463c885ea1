// Command stopwatch times the phases of a task that runs several steps (the
// ci task): `start` resets the laps, `lap NAME` records the time since the
// previous mark under NAME, `report` prints the table. Laps live in a file
// (default .cache/stopwatch), since each call is a process of its own.
//
//	stopwatch start; go vet ./...; stopwatch lap vet; ...; stopwatch report
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

const defaultFile = ".cache/stopwatch"

func main() {
	if err := run(os.Args[1:], os.Getenv("STOPWATCH_FILE"), time.Now()); err != nil {
		fmt.Fprintln(os.Stderr, "stopwatch:", err)
		os.Exit(2)
	}
}

// run does one command. The file holds one line per mark: "unixnano name".
func run(args []string, file string, now time.Time) error {
	if file == "" {
		file = defaultFile
	}
	if len(args) == 0 {
		return fmt.Errorf("usage: stopwatch start | lap NAME | report")
	}
	switch args[0] {
	case "start":
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return err
		}
		return os.WriteFile(file, []byte(mark(now, "start")), 0o644)
	case "lap":
		if len(args) != 2 {
			return fmt.Errorf("usage: stopwatch lap NAME")
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
	return fmt.Errorf("unknown command %q", args[0])
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
