//go:build integration

// These tests start the real etcd and kube-apiserver (build tag integration:
// they build them on first use, see binDir). They run in `go tool task ci`
// through the local integration part of vllm-coverage. The test of
// kube-controller-manager has a tag of its own (controllers_integration_test.go).

package controlplane

import (
	"context"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/efortin/vllm-chill/internal/contract"
	"github.com/efortin/vllm-chill/internal/cpbuild"
	"github.com/efortin/vllm-chill/internal/proc"
	"github.com/efortin/vllm-chill/internal/proc/proctest"
)

// binDir is where the binaries are, built (once per machine) when missing:
// kube-controller-manager only for the test that runs controllers. A build
// that fails fails the test (never a skip: a silently skipped test would
// hide that the local path is broken).
func binDir(t *testing.T, controllers bool) string {
	t.Helper()
	dir, err := cpbuild.Ensure(t.Context(), controllers, proc.PrefixLines(os.Stderr, "controlplane test: "))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// assertGone checks that no component survives and the run directory is removed.
func assertGone(t *testing.T, pids map[string]int, dir string) {
	t.Helper()
	for name, pid := range pids {
		if proc.Alive(pid) {
			t.Errorf("%s (pid %d) still exists after Stop", name, pid)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("run directory %s still exists after Stop (stat: %v)", dir, err)
	}
}

func TestStartStopWithTakenPort(t *testing.T) {
	// Hold a loopback port and ask for it: Start must pick another one.
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	takenPort := taken.Addr().(*net.TCPAddr).Port

	cp := &ControlPlane{BinDir: binDir(t, false), APIServerPort: takenPort}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	start := time.Now()
	if err := cp.Start(ctx); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Logf("ready in %s at %s", time.Since(start).Round(time.Millisecond), cp.APIServerURL())
	pids, dir := cp.PIDs(), cp.Dir()
	defer func() {
		t0 := time.Now()
		if err := cp.Stop(); err != nil {
			t.Errorf("Stop: %v", err)
		}
		t.Logf("stopped in %s", time.Since(t0).Round(time.Millisecond))
		assertGone(t, pids, dir)
		if rss := cp.PeakRSS(); rss["kube-apiserver"] == 0 || rss["etcd"] == 0 {
			t.Errorf("PeakRSS after Stop = %v, want both components", rss)
		}
	}()

	if strings.HasSuffix(cp.APIServerURL(), ":"+strconv.Itoa(takenPort)) {
		t.Errorf("API server uses taken port %d", takenPort)
	}
	// The line the failure table in docs/failures.md is built from (see test/faults).
	t.Logf("FAULT loopback port %d already taken | another port is chosen: kube-apiserver on %s | %.1f",
		takenPort, cp.APIServerURL(), time.Since(start).Seconds())
	if len(pids) != 2 {
		t.Errorf("PIDs = %v, want etcd and kube-apiserver only (no Controllers)", pids)
	}
	// The kubeconfig on disk, through its named context, reaches the server.
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
		&clientcmd.ClientConfigLoadingRules{ExplicitPath: cp.KubeconfigPath()},
		&clientcmd.ConfigOverrides{CurrentContext: contract.ContextLocal}).ClientConfig()
	if err != nil {
		t.Fatalf("load kubeconfig: %v", err)
	}
	cs := kubernetes.NewForConfigOrDie(cfg)
	v, err := cs.Discovery().ServerVersion()
	if err != nil || v.GitVersion != contract.KubernetesVersion {
		t.Errorf("server version = %v, %v; want %s (cpbuild links it with version ldflags)", v, err, contract.KubernetesVersion)
	}
}

func TestComponentExitingAtStartIsReportedAsExit(t *testing.T) {
	// An unknown flag makes kube-apiserver exit immediately, while etcd (already
	// started) must still be torn down.
	cp := &ControlPlane{BinDir: binDir(t, false), Flags: map[string]map[string]string{"kube-apiserver": {"no-such-flag": "x"}}, StartTimeout: 30 * time.Second}
	start := time.Now()
	err := cp.Start(context.Background())
	took := time.Since(start)
	if err == nil {
		_ = cp.Stop()
		t.Fatal("Start succeeded with a bad kube-apiserver flag")
	}
	t.Logf("failed after %s: %v", took.Round(time.Millisecond), err)
	if !IsExitError(err) || !strings.Contains(err.Error(), "kube-apiserver exited") {
		t.Errorf("error is not an exit of kube-apiserver: %v", err)
	}
	if strings.Contains(err.Error(), "timed out") {
		t.Errorf("an exit was reported as a timeout: %v", err)
	}
	if !strings.Contains(err.Error(), "no-such-flag") {
		t.Errorf("error lacks the component's output: %v", err)
	}
	if took > 15*time.Second {
		t.Errorf("took %s to report the exit", took)
	}
	if cp.Dir() != "" {
		t.Errorf("Dir() = %q after a failed start, want empty", cp.Dir())
	}
	if kids := proctest.Children(os.Getpid()); len(kids) > 0 {
		t.Errorf("children left behind: %s", proctest.Names(kids))
	}
}
