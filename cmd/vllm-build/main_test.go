package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/efortin/vllm-chill/internal/contract"
)

func TestUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"nope"}, {"where", "x"}, {"tools"}, {"tools", "--out", "d"}, {"where", "--controllers"}, {"controlplane", "--out", "d"}} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "Run 'vllm-build --help' for usage.") {
			t.Errorf("run(%q) = %d, stderr %q; want 2 and a pointer to --help", args, code, errOut.String())
		}
	}
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"--help"}, &out, &errOut); code != 0 || !strings.HasPrefix(out.String(), "Usage: vllm-build") {
		t.Errorf("--help = %d, %q", code, out.String())
	}
}

// TestWhereAndCleanFollowTheUserCacheDir: the cache lives under
// os.UserCacheDir, which XDG_CACHE_HOME moves on Linux (HOME on macOS).
func TestWhereAndCleanFollowTheUserCacheDir(t *testing.T) {
	home := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", home)
	t.Setenv("HOME", home)
	t.Setenv(contract.EnvControlPlaneBinDir, "")
	root, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	// `where` runs `go env` (the cache key names the Go version). With
	// telemetry on, go starts a child that outlives it and writes into the
	// user config dir, inside home here, while TempDir's cleanup removes it:
	// "directory not empty", 3 runs in 40. Telemetry off starts no child.
	config, err := os.UserConfigDir()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(config, "go", "telemetry"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(config, "go", "telemetry", "mode"), []byte("off"), 0o644); err != nil {
		t.Fatal(err)
	}
	entry := filepath.Join(root, "vllm-chill", "controlplane", "k8s-old", "bin")
	if err := os.MkdirAll(entry, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(entry, "etcd"), make([]byte, 3<<20), 0o755); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"where"}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "control-plane binary cache: "+filepath.Join(root, "vllm-chill", "controlplane")+" (3 MiB in 1 entry)") {
		t.Errorf("where = %d:\n%s%s", code, out.String(), errOut.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"clean"}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "removed 3 MiB") {
		t.Errorf("clean = %d:\n%s%s", code, out.String(), errOut.String())
	}
	if _, err := os.Stat(entry); !os.IsNotExist(err) {
		t.Errorf("%s still there after clean (%v)", entry, err)
	}
}

// fakeGo is a go command that records its arguments and fails on "build"
// when FAKE_GO_FAIL is set.
func fakeGo(t *testing.T) (goCmd, calls string) {
	dir := t.TempDir()
	calls = filepath.Join(dir, "calls")
	goCmd = filepath.Join(dir, "go")
	script := "#!/bin/sh\necho \"$*\" >> " + calls + "\n" +
		"if [ \"$1\" = build ] && [ -n \"$FAKE_GO_FAIL\" ]; then echo 'cmd/x/main.go:3: undefined: y'; exit 1; fi\n"
	if err := os.WriteFile(goCmd, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return goCmd, calls
}

func TestToolsDownloadsThenBuildsQuietlyWhenQuick(t *testing.T) {
	goCmd, calls := fakeGo(t)
	var log bytes.Buffer
	out := t.TempDir()
	if err := tools(context.Background(), goCmd, out, []string{"./cmd/vllm-local", "gotest.tools/gotestsum"}, &log); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(calls)
	if want := "mod download\nbuild -ldflags=-s -w -o " + out + "/ ./cmd/vllm-local gotest.tools/gotestsum\n"; string(got) != want {
		t.Errorf("go calls:\n%s\nwant:\n%s", got, want)
	}
	if log.String() != "" {
		t.Errorf("quick steps said %q, want nothing", log.String())
	}

	t.Setenv("FAKE_GO_FAIL", "1")
	err := tools(context.Background(), goCmd, out, []string{"./cmd/x"}, &log)
	if err == nil || !strings.Contains(err.Error(), "go build -ldflags=-s -w -o "+out+"/ ./cmd/x: exit status 1\ncmd/x/main.go:3: undefined: y") {
		t.Errorf("a failed build = %v, want the command and its output", err)
	}
}
