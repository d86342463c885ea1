package main

import (
	"bytes"
	"strings"
	"testing"
)

// Tests that start a real control plane are in signals_integration_test.go
// (build tag integration); these need nothing but Go.

func TestUsageErrorsExitTwo(t *testing.T) {
	for _, args := range [][]string{nil, {"nope"}, {"run"}, {"run", "--"}, {"up", "now"}, {"up", "--no-such-flag"}} {
		var out, errOut bytes.Buffer
		if code := run(args, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "vllm-local --help") {
			t.Errorf("run(%q) = %d, stderr %q; want 2 and a pointer to --help", args, code, errOut.String())
		}
	}
}

// TestHelpNeverStarts: help asked of a command prints the usage and exits 0
// at once; up would otherwise start a control plane.
func TestHelpNeverStarts(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"help"}, {"up", "--help"}, {"run", "-h"}} {
		var out, errOut bytes.Buffer
		if code := run(args, &out, &errOut); code != 0 || !strings.Contains(out.String(), "Usage: vllm-local") || errOut.Len() != 0 {
			t.Errorf("run(%q) = %d, stdout %q, stderr %q; want 0 and the usage on stdout only", args, code, out.String(), errOut.String())
		}
	}
}
