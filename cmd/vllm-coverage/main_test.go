package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

func runCLI(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut, os.Getenv)
	return code, out.String(), errOut.String()
}

func TestUsage(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{nil, {"bogus", "--out", dir}, {"unit"}, {"unit", "--out"}, {"unit", "--out", dir, "extra"},
		{"unit", "--out", dir, "--pkgs", "./x/..."}, {"merge", "--out", dir, "--pkgs", "./x"}, {"integration", "--out", dir, "--pkgs", " , "}} {
		if code, _, stderr := runCLI(args...); code != 2 || !strings.Contains(stderr, "vllm-coverage --help") {
			t.Errorf("vllm-coverage %q = %d, stderr %q; want 2 and a pointer to --help", args, code, stderr)
		}
	}
	for _, args := range [][]string{{"help"}, {"--help"}, {"unit", "-h"}} {
		if code, stdout, _ := runCLI(args...); code != 0 || !strings.Contains(stdout, "Usage: vllm-coverage") {
			t.Errorf("vllm-coverage %q = %d; want 0 and the usage", args, code)
		}
	}
}

// merge on an empty directory must not pass: neither part ran.
func TestMergeWithoutPartsFails(t *testing.T) {
	code, stdout, stderr := runCLI("merge", "--out", t.TempDir())
	if code != 1 {
		t.Fatalf("merge without parts exited %d, want 1\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"unit part failed: not run", "integration part failed: not run"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
}
