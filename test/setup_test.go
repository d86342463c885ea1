//go:build integration

package test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/efortin/vllm-chill/api/v1alpha1"
)

// TestMain already ran setup once; a second run must succeed and change
// nothing: the CLI says unchanged and no resourceVersion moves.
func TestSetupTwiceIsNoop(t *testing.T) {
	models := suite.dynamic.Resource(v1alpha1.GroupVersionResource)
	refs := []string{"qwen3-coder-30b-fp8", "deepseek-r1-fp8"}
	before := map[string]string{}
	for _, name := range refs {
		obj, err := models.Get(ctxFor(t, callTimeout), name, metav1.GetOptions{})
		if err != nil {
			t.Fatalf("get reference model %q: %v", name, err)
		}
		before[name] = obj.GetResourceVersion()
	}

	res := runBootstrap(ctxFor(t, 2*callTimeout), "setup",
		"--crds", filepath.Join(suite.root, "manifests", "crds"),
		"--models", filepath.Join(suite.root, "manifests", "models"))
	t.Logf("second setup: %s", res)
	if res.code != 0 {
		t.Fatalf("second setup failed: %s", res)
	}
	out := res.stdout + res.stderr
	if !strings.Contains(out, "0 created, 0 configured, 2 unchanged") {
		t.Errorf("second setup does not report the models unchanged:\n%s", out)
	}
	for _, name := range refs {
		obj, err := models.Get(ctxFor(t, callTimeout), name, metav1.GetOptions{})
		if err != nil {
			t.Fatalf("get reference model %q: %v", name, err)
		}
		if rv := obj.GetResourceVersion(); rv != before[name] {
			t.Errorf("second setup changed %q: resourceVersion %s -> %s", name, before[name], rv)
		}
	}
}

// A context that is not in the kubeconfig, or not the expected one, is
// refused before any API call, and the message names it.
func TestWrongContextRefused(t *testing.T) {
	unknown := uniqueName("no-such-context")
	cases := []struct {
		name  string
		args  []string
		names []string // what the message must name
	}{
		{"unknown context", []string{"--context", unknown, "wait"}, []string{unknown}},
		{"unexpected context", []string{"--context", suite.context, "--expect-context", unknown, "wait"}, []string{suite.context, unknown}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := runBootstrap(ctxFor(t, callTimeout), c.args...)
			t.Logf("%v: %s", c.args, res)
			if res.code == 0 {
				t.Fatalf("bootstrap %v succeeded; want it refused", c.args)
			}
			for _, n := range c.names {
				if !strings.Contains(res.stderr+res.stdout, n) {
					t.Errorf("refusal does not name %q: %s", n, res)
				}
			}
			// Refused before connecting: no readiness wait happened.
			if res.took > 10*time.Second {
				t.Errorf("refusal took %s; it should come before any API call", res.took)
			}
		})
	}
}
