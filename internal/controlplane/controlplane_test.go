package controlplane

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/efortin/vllm-chill/internal/contract"
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
		_ = cp.Stop()
		t.Fatal("Start succeeded with an empty bin dir")
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("took %s to fail, want < 1s", took)
	}
	for _, want := range []string{dir + "/etcd", "go tool task local:binaries", contract.EnvControlPlaneBinDir} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if err := (&ControlPlane{}).Start(context.Background()); err == nil || !strings.Contains(err.Error(), "no BinDir") {
		t.Errorf("Start without BinDir = %v, want an error naming BinDir", err)
	}
}

// TestPlan: the controller manager runs only when asked for, and then after
// the API server is ready.
func TestPlan(t *testing.T) {
	names := func(cs []component) (out []string) {
		for _, c := range cs {
			out = append(out, c.name)
		}
		return out
	}
	if got := strings.Join(names((&ControlPlane{}).plan()), ","); got != "etcd,kube-apiserver" {
		t.Errorf("default plan %s, want etcd,kube-apiserver", got)
	}
	withKCM := (&ControlPlane{Controllers: true}).plan()
	if got := strings.Join(names(withKCM), ","); got != "etcd,kube-apiserver,kube-controller-manager" || !withKCM[2].afterReady {
		t.Errorf("plan with Controllers %s (kcm after ready: %v)", got, withKCM[2].afterReady)
	}
}

func TestReadyzExcludesOnlyWhatIsNotAwaited(t *testing.T) {
	cs, err := kubernetes.NewForConfig(&rest.Config{Host: "https://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	if got := readyzRequest(cs.Discovery().RESTClient()).URL().Query()["exclude"]; !slices.Equal(got, contract.NotAwaitedReadyz) {
		t.Errorf("excludes %q, want %q", got, contract.NotAwaitedReadyz)
	}
}

func TestFlagOverrides(t *testing.T) {
	l := layout{dir: "/d", etcdPort: 1, etcdPeerPort: 2, apiPort: 3, files: map[string]string{}}
	args := kubeAPIServer.flags(l).merge(map[string]string{"v": "4", "extra": "x"}).args()
	joined := strings.Join(args, " ")
	for _, want := range []string{"--v=4", "--extra=x", "--secure-port=3", "--etcd-servers=http://127.0.0.1:1"} {
		if !strings.Contains(joined, want) {
			t.Errorf("kube-apiserver args lack %s: %s", want, joined)
		}
	}
	if strings.Contains(joined, "--v=0") {
		t.Errorf("an override did not replace the default: %s", joined)
	}
}
