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

// TestServerArgs pins the exact `k3s server` command line of both modes: a
// flag that goes missing (or creeps into the agentless default) changes what
// cluster every Dagger test runs against.
func TestServerArgs(t *testing.T) {
	common := []string{
		"k3s", "server",
		"--disable", "traefik", "--disable", "servicelb", "--disable", "metrics-server",
		"--disable", "local-storage", "--disable", "coredns",
		"--disable-helm-controller", "--disable-network-policy", "--disable-cloud-controller",
		"--tls-san", "k3s", "--tls-san", "localhost",
		"--write-kubeconfig", "/run/vllm-cluster/k3s.yaml", "--write-kubeconfig-mode", "644",
	}
	agentless := append(slices.Clone(common), "--disable-agent", "--egress-selector-mode", "disabled")
	if got := (Cluster{}).ServerArgs(); !slices.Equal(got, agentless) {
		t.Errorf("agentless (the default):\n got %q\nwant %q", got, agentless)
	}
	if got := (Cluster{Agent: true}).ServerArgs(); !slices.Equal(got, common) {
		t.Errorf("with the agent:\n got %q\nwant %q", got, common)
	}
	if (Cluster{}).Privileged() || !(Cluster{Agent: true}).Privileged() {
		t.Error("only the agent may ask for the container's root capabilities")
	}
}

func TestEntrypointShape(t *testing.T) {
	for _, c := range []Cluster{{}, {Agent: true}} {
		ep := c.Entrypoint()
		if !strings.HasPrefix(ep, "#!/bin/sh\n") {
			t.Errorf("%+v: entrypoint needs a shebang: Dagger execs it directly", c)
		}
		if !strings.HasSuffix(ep, "exec \"$@\"\n") {
			t.Errorf("%+v: entrypoint must end by exec'ing its arguments so k3s gets the signals", c)
		}
		if !strings.Contains(ep, stateSetup(StateDir)) {
			t.Errorf("%+v: entrypoint lacks the state setup for StateDir", c)
		}
		// The cgroup fix-up writes to the host's cgroup tree: only the
		// privileged agent may run it.
		if got := strings.Contains(ep, "cgroup.subtree_control"); got != c.Agent {
			t.Errorf("%+v: cgroup setup present = %v, want %v", c, got, c.Agent)
		}
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
