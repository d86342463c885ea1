package main

import (
	"bytes"
	"strings"
	"testing"
)

// Tests that start a real control plane are in signals_integration_test.go
// (build tag integration); these need nothing but Go.

func TestUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"nope"}, {"run"}, {"run", "--"}, {"up", "now"}, {"bench", "-v"}} {
		var out, errOut bytes.Buffer
		if code := realMain(args, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "usage") {
			t.Errorf("realMain(%q) = %d, stderr %q; want 2 and the usage", args, code, errOut.String())
		}
	}
}

// TestHelpNeverStarts: help asked of a subcommand prints the usage and exits
// 0 at once; up and bench would otherwise start a control plane.
func TestHelpNeverStarts(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"up", "--help"}, {"bench", "-h"}} {
		var out, errOut bytes.Buffer
		if code := realMain(args, &out, &errOut); code != 0 || !strings.Contains(out.String(), "usage") || errOut.Len() != 0 {
			t.Errorf("realMain(%q) = %d, stdout %q, stderr %q; want 0 and the usage on stdout only", args, code, out.String(), errOut.String())
		}
	}
}
