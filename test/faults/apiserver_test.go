//go:build integration

package faults

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/efortin/vllm-chill/internal/contract"
	"github.com/efortin/vllm-chill/internal/proc"
	"github.com/efortin/vllm-chill/internal/proc/proctest"
)

// apiServerKillBound is how long the suite may take to fail once its API
// server is gone: every call fails at once (connection refused), the watch
// test gives up after its own 30s wait at most.
const apiServerKillBound = 60 * time.Second

// TestAPIServerKilledDuringSuite kills kube-apiserver (SIGKILL) once the
// integration suite has finished its setup and runs its tests: the suite
// must fail within the bound, naming what failed, and the control plane must
// still stop cleanly.
func TestAPIServerKilledDuringSuite(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	cp, stop := startControlPlane(t)
	defer stop()
	pids := cp.PIDs()

	suiteTmp := filepath.Join(tmp, "suite-tmp")
	if err := os.Mkdir(suiteTmp, 0o700); err != nil {
		t.Fatal(err)
	}
	// The kill must land while the tests run: the first test that runs the
	// bootstrap CLI holds there until the kill is done (holdBootstrap).
	h := holdBootstrap(t, 2)
	r := start(t, filepath.Join(root, "test"), caseEnv(suiteTmp,
		contract.EnvKubeconfig+"="+cp.KubeconfigPath(),
		contract.EnvKubeContext+"="+contract.ContextLocal,
		contract.EnvBootstrapBin+"="+h.path,
	), bin.suite, "-test.count=1", "-test.timeout=5m")
	r.waitFile(t, h.held, 2*time.Minute)
	seen := proctest.Descendants(r.group.PID())

	apiserver := pids["kube-apiserver"]
	if err := proc.SignalPID(apiserver, syscall.SIGKILL); err != nil {
		t.Fatalf("kill kube-apiserver (pid %d): %v", apiserver, err)
	}
	h.let(t)
	code, took := r.wait(t, apiServerKillBound)
	out := r.out.String()
	t.Logf("suite exited %d %.1fs after kube-apiserver was killed; last lines:\n%s", code, took.Seconds(), tail(out, 20))
	if code == 0 {
		t.Errorf("the suite passed although its API server was killed")
	}
	// What the user sees: which test failed, and that the server is unreachable.
	failed := lineWith(out, "--- FAIL:")
	refused := lineWith(out, "connection refused")
	if failed == "" || refused == "" || !strings.Contains(out, "suite: FAIL: cannot check") {
		t.Errorf("output names no failed test (%q), no refused connection (%q) or no failed cleanup check", failed, refused)
	}
	select {
	case <-cp.Failed():
		if err := cp.Err(); err == nil || !strings.Contains(err.Error(), "kube-apiserver exited") {
			t.Errorf("control plane error = %v, want kube-apiserver's exit", err)
		}
	default:
		t.Errorf("the control plane did not report kube-apiserver's exit")
	}

	stop() // the control plane still stops cleanly after the kill
	assertNothingLeft(t, seen, suiteTmp)
	fault(t, "kube-apiserver killed during the suite", failed+" ... "+lineWith(out, "suite: FAIL"), took)
}
