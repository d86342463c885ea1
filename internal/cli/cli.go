// Package cli gives the repository's commands (vllm-bootstrap, vllm-local,
// vllm-coverage) one shape: flags parsed by the standard flag package,
// `help`, -h and --help print the usage on stdout and exit 0, a usage error
// exits 2 with a pointer to --help, a failed step exits 1 with its message,
// and a command may end with any other code (a child's, 128+signal).
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// Exit codes shared by the commands.
const (
	ExitOK    = 0
	ExitStep  = 1
	ExitUsage = 2
)

// UsageError is a mistake on the command line.
type UsageError struct{ Msg string }

func (e UsageError) Error() string { return e.Msg }

// Usagef makes a UsageError.
func Usagef(format string, args ...any) error { return UsageError{fmt.Sprintf(format, args...)} }

// ErrHelp asks for the usage text (exit 0); flag.ErrHelp works too.
var ErrHelp = flag.ErrHelp

// ExitCode ends a command with Code, after Msg (when not empty) on stderr.
type ExitCode struct {
	Code int
	Msg  string
}

func (e ExitCode) Error() string { return fmt.Sprintf("exit %d: %s", e.Code, e.Msg) }

// NewFlagSet is a flag set that reports nothing itself: Exit does.
func NewFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// Parse parses args, turning a flag error into a UsageError; -h and
// --help come back as ErrHelp.
func Parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ErrHelp
		}
		return Usagef("%v", err)
	}
	return nil
}

// Exit turns a command's result into its exit code, printing what the user
// must see: the usage for help, the message and a pointer to --help for a
// usage error, the message for a failed step.
func Exit(name, usage string, err error, stdout, stderr io.Writer) int {
	var ue UsageError
	var ec ExitCode
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, ErrHelp):
		fmt.Fprint(stdout, usage)
		return ExitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "%s: %s\nRun '%s --help' for usage.\n", name, ue.Msg, name)
		return ExitUsage
	case errors.As(err, &ec):
		if ec.Msg != "" {
			fmt.Fprintf(stderr, "%s: %s\n", name, ec.Msg)
		}
		return ec.Code
	default:
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return ExitStep
	}
}
