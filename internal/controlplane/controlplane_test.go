package controlplane

import (
	"context"
	"strings"
	"testing"
	"time"
)

// Tests here need no binaries; the ones that start a real control plane are
// in controlplane_integration_test.go (build tag integration), so that
// `go test ./...` passes on a fresh clone with only Go.

func TestStartBadBinDirFailsFast(t *testing.T) {
	dir := t.TempDir()
	cp := &ControlPlane{BinDir: dir}
	start := time.Now()
	err := cp.Start(context.Background())
	if err == nil {
		_ = cp.Stop(context.Background())
		t.Fatal("Start succeeded with an empty bin dir")
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("took %s to fail, want < 1s", took)
	}
	for _, want := range []string{dir + "/etcd", "go tool task local:binaries", EnvBinDir} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}
