//go:build integration

// These tests start the real etcd, kube-apiserver and kube-controller-manager
// (build tag integration: they need `go tool task local:binaries`). They run
// in `go tool task ci` through the local integration part of vllm-coverage.

package controlplane

import (
	"context"
	"errors"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/efortin/vllm-chill/internal/contract"
)

// requireBinaries fails (never skips) when the binaries are missing: a test
// that silently skips would hide that the local path is broken.
func requireBinaries(t *testing.T) {
	t.Helper()
	dir, err := DefaultBinDir()
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range Binaries {
		if _, err := os.Stat(binPath(dir, b)); err != nil {
			t.Fatalf("%v", missingBinaryError(binPath(dir, b)))
		}
	}
}

// assertGone checks that no component survives and the temp dir is removed.
func assertGone(t *testing.T, pids map[string]int, dir string) {
	t.Helper()
	for name, pid := range pids {
		// Signal 0 probes existence; the process was reaped, so ESRCH is expected.
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("%s (pid %d) still exists after Stop: %v", name, pid, err)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("temp dir %s still exists after Stop (stat: %v)", dir, err)
	}
}

func TestStartStopWithTakenPort(t *testing.T) {
	requireBinaries(t)
	// Hold a loopback port and ask for it: Start must pick another one.
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	takenPort := taken.Addr().(*net.TCPAddr).Port

	cp := &ControlPlane{APIServerPort: takenPort}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	start := time.Now()
	if err := cp.Start(ctx); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Logf("ready in %s at %s", time.Since(start).Round(time.Millisecond), cp.APIServerURL())
	pids, dir := cp.PIDs(), cp.Dir()
	defer func() {
		if err := cp.Stop(context.Background()); err != nil {
			t.Errorf("Stop: %v", err)
		}
		assertGone(t, pids, dir)
	}()

	if strings.HasSuffix(cp.APIServerURL(), ":"+strconv.Itoa(takenPort)) {
		t.Errorf("API server uses taken port %d", takenPort)
	}
	// The line the README's failure table is built from (see test/faults).
	t.Logf("FAULT loopback port %d already taken | another port is chosen: kube-apiserver on %s | %.1f",
		takenPort, cp.APIServerURL(), time.Since(start).Seconds())
	if len(pids) != 3 {
		t.Errorf("PIDs = %v, want 3 components", pids)
	}
	// The kubeconfig on disk, through its named context, reaches the server.
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
		&clientcmd.ClientConfigLoadingRules{ExplicitPath: cp.KubeconfigPath()},
		&clientcmd.ConfigOverrides{CurrentContext: contract.ContextLocal}).ClientConfig()
	if err != nil {
		t.Fatalf("load kubeconfig: %v", err)
	}
	cs := kubernetes.NewForConfigOrDie(cfg)
	if _, err := cs.CoreV1().ServiceAccounts("default").Get(ctx, "default", metav1.GetOptions{}); err != nil {
		t.Errorf("default ServiceAccount: %v", err)
	}
	v, err := cs.Discovery().ServerVersion()
	if err != nil || v.GitVersion != "v1.37.2" {
		t.Errorf("server version = %v, %v; want v1.37.2 (built by local:binaries with version ldflags)", v, err)
	}
}

func TestComponentExitingAtStartIsReportedAsExit(t *testing.T) {
	requireBinaries(t)
	// An unknown flag makes kube-apiserver exit immediately, while etcd (already
	// started) must still be torn down.
	cp := &ControlPlane{APIServerFlags: map[string]string{"no-such-flag": "x"}, StartTimeout: 30 * time.Second}
	start := time.Now()
	err := cp.Start(context.Background())
	took := time.Since(start)
	if err == nil {
		_ = cp.Stop(context.Background())
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
	assertNoChildren(t)
}

// assertNoChildren checks that this test process has no child left (running
// or zombie) after a failed start.
func assertNoChildren(t *testing.T) {
	t.Helper()
	if kids := Children(os.Getpid()); len(kids) > 0 {
		t.Errorf("children left behind: %v", kids)
	}
}
