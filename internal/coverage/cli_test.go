package coverage

import (
	"bytes"
	"context"
	"io"
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

// --pkgs widens the integration part (the local path adds the packages that
// start their own control plane); without it the part runs only the suite, as
// inside Dagger.
func TestIntegrationPackages(t *testing.T) {
	t.Setenv("KUBECONFIG", "/dev/null")
	t.Setenv("VLLM_KUBE_CONTEXT", "ctx")
	for _, tc := range []struct {
		pkgs []string
		want string
	}{
		{nil, " ./test -args "},
		{[]string{"./test", "./internal/controlplane/..."}, " ./test ./internal/controlplane/... -args "},
	} {
		o := Options{Out: t.TempDir(), Module: "example.com/m", Gotestsum: []string{"true"}, IntegrationPackages: tc.pkgs, Stdout: io.Discard, Stderr: io.Discard}
		if code := Run(context.Background(), o, "integration", io.Discard); code != 0 {
			t.Fatalf("Run(integration, %v) = %d", tc.pkgs, code)
		}
		if got := readResult(o, "integration").Command; !strings.Contains(got, tc.want) || !strings.Contains(got, "-tags integration") {
			t.Errorf("--pkgs %v: command %q, want packages %q with -tags integration", tc.pkgs, got, tc.want)
		}
	}
}

func TestPkgsOnlyWithIntegrationOrAll(t *testing.T) {
	for _, args := range [][]string{
		{"unit", "--out", t.TempDir(), "--pkgs", "./x/..."},
		{"concurrent", "--out", t.TempDir(), "--pkgs", "./x/..."},
		{"integration", "--out", t.TempDir(), "--pkgs", " , "},
	} {
		var errOut bytes.Buffer
		if code := Main(context.Background(), args, io.Discard, &errOut); code != 2 || !strings.Contains(errOut.String(), "--pkgs") {
			t.Errorf("Main(%q) = %d, stderr %q; want 2 naming --pkgs", args, code, &errOut)
		}
	}
}
