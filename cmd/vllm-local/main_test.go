package main

import (
	"bytes"
	"strings"
	"testing"
)

// Tests that start a real control plane are in signals_integration_test.go
// (build tag integration); these need nothing but Go.

func TestUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"nope"}, {"run"}, {"run", "--"}} {
		var out, errOut bytes.Buffer
		if code := realMain(args, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "usage") {
			t.Errorf("realMain(%q) = %d, stderr %q; want 2 and the usage", args, code, errOut.String())
		}
	}
}
