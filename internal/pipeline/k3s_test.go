package pipeline

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/efortin/vllm-chill/internal/proc"
)

func TestServerArgs(t *testing.T) {
	args := ServerArgs()
	if !slices.Equal(args[:2], []string{"k3s", "server"}) {
		t.Fatalf("command = %q, want k3s server first", args[:2])
	}
	flags := map[string][]string{}
	for i := 2; i < len(args); i++ {
		if !strings.HasPrefix(args[i], "--") {
			t.Fatalf("args[%d] = %q: want a flag (values follow their flag)", i, args[i])
		}
		if i+1 < len(args) && !strings.HasPrefix(args[i+1], "--") {
			flags[args[i]] = append(flags[args[i]], args[i+1])
			i++
			continue
		}
		flags[args[i]] = append(flags[args[i]], "")
	}
	for _, c := range []string{"traefik", "servicelb", "metrics-server", "local-storage", "coredns"} {
		if !slices.Contains(flags["--disable"], c) {
			t.Errorf("--disable %s missing from %q", c, args)
		}
	}
	// The certificate must name both places a client reaches the server from.
	if got := flags["--tls-san"]; !slices.Equal(got, []string{Alias, "localhost"}) {
		t.Errorf("--tls-san = %q, want the alias and localhost", got)
	}
	if got := flags["--write-kubeconfig"]; !slices.Equal(got, []string{KubeconfigFile}) {
		t.Errorf("--write-kubeconfig = %q, want %q (the reader polls it)", got, KubeconfigFile)
	}
}

func TestEntrypointShape(t *testing.T) {
	if !strings.HasPrefix(Entrypoint, "#!/bin/sh\n") {
		t.Error("entrypoint needs a shebang: Dagger execs it directly")
	}
	if !strings.HasSuffix(Entrypoint, "exec \"$@\"\n") {
		t.Error("entrypoint must end by exec'ing its arguments so k3s gets the signals")
	}
	if !strings.Contains(Entrypoint, stateSetup(StateDir)) {
		t.Error("entrypoint lacks the state setup for StateDir")
	}
}

// TestStateSetup runs the state part of the entrypoint with the host's sh: a
// stale kubeconfig goes, and a heartbeat appears and keeps being stamped.
func TestStateSetup(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, kubeconfigName)
	if err := os.WriteFile(stale, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The heartbeat loop outlives the shell (it becomes sleep): the whole
	// group goes at the end.
	g, err := proc.Start(exec.Command("sh", "-c", "set -eu\n"+stateSetup(dir)+"exec sleep 3\n"))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Kill()
	beat := waitForFile(t, filepath.Join(dir, heartbeatName), 10*time.Second)
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale kubeconfig still there (stat: %v)", err)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(beat), 10, 64)
	if err != nil || time.Since(time.Unix(n, 0)) > 5*time.Second {
		t.Errorf("heartbeat %q is not the current time in seconds: %v", beat, err)
	}
}

func waitForFile(t *testing.T, path string, d time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		if data, err := os.ReadFile(path); err == nil && len(data) > 0 {
			return string(data)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not written within %s", path, d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
