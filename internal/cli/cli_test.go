package cli

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestExit(t *testing.T) {
	for _, tc := range []struct {
		err            error
		code           int
		stdout, stderr string
	}{
		{nil, 0, "", ""},
		{ErrHelp, 0, "USAGE", ""},
		{Usagef("unknown command %q", "x"), 2, "", "tool: unknown command \"x\"\nRun 'tool --help' for usage.\n"},
		{errors.New("apply failed"), 1, "", "tool: apply failed\n"},
		{ExitCode{Code: 143, Msg: "terminated"}, 143, "", "tool: terminated\n"},
		{ExitCode{Code: 3}, 3, "", ""},
	} {
		var out, errOut bytes.Buffer
		if code := Exit("tool", "USAGE", tc.err, &out, &errOut); code != tc.code || out.String() != tc.stdout || errOut.String() != tc.stderr {
			t.Errorf("Exit(%v) = %d, stdout %q, stderr %q; want %d, %q, %q", tc.err, code, &out, &errOut, tc.code, tc.stdout, tc.stderr)
		}
	}
}

func TestParse(t *testing.T) {
	fs := NewFlagSet("x")
	fs.Bool("v", false, "")
	if err := Parse(fs, []string{"--help"}); !errors.Is(err, ErrHelp) {
		t.Errorf("--help: %v", err)
	}
	var ue UsageError
	if err := Parse(NewFlagSet("x"), []string{"--nope"}); !errors.As(err, &ue) || !strings.Contains(ue.Msg, "nope") {
		t.Errorf("--nope: %v, want a usage error naming the flag", err)
	}
}
