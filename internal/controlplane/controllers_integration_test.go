//go:build integration && controllers

// The test of Controllers: the only test that runs kube-controller-manager,
// a build of its own (about 1.5 min on 2 cores, once per machine) that no
// other run needs. So it has a tag of its own and a task of its own,
// `go tool task local:test:controllers`, which builds the binary first and
// runs after `ci` in .ci/run and in the workflow; the main job and `ci`
// build only etcd and kube-apiserver.

package controlplane

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// TestControllersDeleteNamespaces: with Controllers, the `default`
// ServiceAccount exists once Start returns, and a deleted namespace goes
// (the namespace controller empties and finalizes it).
func TestControllersDeleteNamespaces(t *testing.T) {
	cp := &ControlPlane{BinDir: binDir(t, true), Controllers: true}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	start := time.Now()
	if err := cp.Start(ctx); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Logf("ready with controllers in %s", time.Since(start).Round(time.Millisecond))
	pids, dir := cp.PIDs(), cp.Dir()
	defer func() {
		if err := cp.Stop(); err != nil {
			t.Errorf("Stop: %v", err)
		}
		assertGone(t, pids, dir)
	}()
	cs := kubernetes.NewForConfigOrDie(cp.RESTConfig())
	if _, err := cs.CoreV1().ServiceAccounts("default").Get(ctx, "default", metav1.GetOptions{}); err != nil {
		t.Errorf("default ServiceAccount: %v", err)
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "delete-me"}}
	if _, err := cs.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CoreV1().ConfigMaps("delete-me").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "x"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := cs.CoreV1().Namespaces().Delete(ctx, "delete-me", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	for {
		_, err := cs.CoreV1().Namespaces().Get(ctx, "delete-me", metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			t.Logf("namespace deleted in %s", time.Since(t0).Round(time.Millisecond))
			break
		}
		if time.Since(t0) > 30*time.Second {
			t.Fatalf("namespace delete-me still there 30s after its deletion (last: %v)", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
