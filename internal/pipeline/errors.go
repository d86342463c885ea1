package pipeline

import (
	"fmt"
	"strings"
)

// OutputLines bounds how many of a failed command's last lines an error shows
// per stream; the whole output stays in the exported logs.
const OutputLines = 60

// StepError is a step of the graph that failed, with what its command printed.
//
// The module returns it as a plain error, never wrapping the engine's: for an
// error that wraps an engine error, the Go SDK sends only the engine's message
// (`exit code: 1`) and drops the rest, so the step and the output would be lost.
type StepError struct {
	Step     string   // what the module was doing, e.g. "wait for the k3s API server"
	Cmd      []string // the command that failed, when one did
	ExitCode int      // its exit code; meaningless without Cmd
	Stdout   string
	Stderr   string
	Detail   string // the engine's message when no command failed
}

func (e *StepError) Error() string {
	var b strings.Builder
	b.WriteString(e.Step)
	switch {
	case len(e.Cmd) > 0:
		fmt.Fprintf(&b, ": %s exited with code %d", e.Cmd[0], e.ExitCode)
	case e.Detail != "":
		b.WriteString(": " + e.Detail)
	default:
		b.WriteString(": failed")
	}
	for _, s := range []struct{ name, text string }{{"stderr", e.Stderr}, {"stdout", e.Stdout}} {
		text := strings.TrimRight(s.text, "\n")
		if strings.TrimSpace(text) == "" {
			continue
		}
		lines := strings.Split(text, "\n")
		head := "--- " + s.name + " ---"
		if len(lines) > OutputLines {
			head = fmt.Sprintf("--- %s (last %d of %d lines) ---", s.name, OutputLines, len(lines))
			lines = lines[len(lines)-OutputLines:]
		}
		b.WriteString("\n" + head + "\n" + strings.Join(lines, "\n"))
	}
	return b.String()
}
