//go:build integration

package faults

import (
	"context"
	"errors"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/efortin/vllm-chill/internal/controlplane"
)

// startControlPlane starts a real control plane for one test. stop, safe to
// call more than once, stops it and checks that none of its processes and
// not its temp dir outlive Stop; the test should defer it.
func startControlPlane(t *testing.T) (cp *controlplane.ControlPlane, stop func()) {
	t.Helper()
	cp = &controlplane.ControlPlane{}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if err := cp.Start(ctx); err != nil {
		t.Fatalf("start the control plane: %v", err)
	}
	pids, dir := cp.PIDs(), cp.Dir()
	stopped := false
	return cp, func() {
		if stopped {
			return
		}
		stopped = true
		if err := cp.Stop(context.Background()); err != nil {
			t.Errorf("stop the control plane: %v", err)
		}
		for name, pid := range pids {
			if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
				t.Errorf("%s (pid %d) still exists after Stop", name, pid)
			}
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("control plane temp dir %s left behind", dir)
		}
	}
}
