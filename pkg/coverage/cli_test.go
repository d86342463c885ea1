package coverage

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestMainUsageErrorsExitTwo(t *testing.T) {
	for _, args := range [][]string{nil, {"help"}, {"unit"}, {"bogus", "--out", t.TempDir()}, {"unit", "--out"}} {
		var out, errOut bytes.Buffer
		if code := Main(context.Background(), args, &out, &errOut); code != 2 {
			t.Errorf("Main(%q) = %d, want 2 (usage)", args, code)
		}
		if !strings.Contains(errOut.String(), "usage") && !strings.Contains(errOut.String(), "flag needs an argument") {
			t.Errorf("Main(%q) did not explain its usage: %s", args, &errOut)
		}
	}
}

// merge on an empty directory must not pass: neither part ran.
func TestMergeWithoutPartsFails(t *testing.T) {
	var out, errOut bytes.Buffer
	dir := t.TempDir()
	code := Main(context.Background(), []string{"merge", "--out", dir}, &out, &errOut)
	if code != 1 {
		t.Fatalf("merge without parts exited %d, want 1\n%s%s", code, &out, &errOut)
	}
	for _, want := range []string{"unit part failed: not run", "integration part failed: not run"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, &out)
		}
	}
}

func TestConcurrentNeedsTwoRunsAndTheCluster(t *testing.T) {
	if _, err := Concurrent(context.Background(), Options{Out: t.TempDir(), Module: "example.com/m"}, 1); err == nil || !strings.Contains(err.Error(), "at least 2") {
		t.Errorf("Concurrent(1 run): want an error asking for 2 runs, got %v", err)
	}
	t.Setenv("KUBECONFIG", "")
	if _, err := Concurrent(context.Background(), Options{Out: t.TempDir(), Module: "example.com/m"}, 2); err == nil || !strings.Contains(err.Error(), "KUBECONFIG") {
		t.Errorf("Concurrent without KUBECONFIG: want an error naming it, got %v", err)
	}
}
