//go:build integration

package test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/efortin/vllm-chill/api/v1alpha1"
	"github.com/efortin/vllm-chill/pkg/catalog"
)

// Bounds of the waits; generous for a 2-core machine shared with builds.
const (
	callTimeout = 30 * time.Second // one API call or CLI run
	waitTimeout = 30 * time.Second // one awaited event
)

// ctxFor returns a context bounded by d and ended with the test.
func ctxFor(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// uniqueName is "it-<run>-<what>": the run ID keeps concurrent runs apart.
func uniqueName(what string) string {
	return "it-" + suite.runID + "-" + what
}

// referenceModel reads one model of manifests/models through the catalog's
// strict decoder.
func referenceModel(t *testing.T, file string) *v1alpha1.VLLMModel {
	t.Helper()
	models, err := catalog.DecodeFile(filepath.Join(suite.root, "manifests", "models", file))
	if err != nil {
		t.Fatalf("decode reference model %s: %v", file, err)
	}
	if len(models) != 1 {
		t.Fatalf("reference model %s: want 1 document, got %d", file, len(models))
	}
	return models[0]
}

// newModel returns a valid model (the qwen3-coder reference spec) named for
// this run, and registers its deletion and, on failure, a dump of it.
func newModel(t *testing.T, what string) *v1alpha1.VLLMModel {
	t.Helper()
	ref := referenceModel(t, "qwen3-coder.yaml")
	name := uniqueName(what)
	m := &v1alpha1.VLLMModel{
		TypeMeta:   metav1.TypeMeta{APIVersion: v1alpha1.GroupVersion.String(), Kind: v1alpha1.Kind},
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       ref.Spec,
	}
	m.Spec.ServedModelName = name
	cleanupModel(t, name)
	return m
}

// cleanupModel deletes the model when the test ends; on failure it first
// dumps what the cluster holds for it.
func cleanupModel(t *testing.T, name string) {
	t.Helper()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		if err := suite.catalog.Delete(ctx, name); err != nil {
			t.Errorf("cleanup: delete model %q: %v", name, err)
		}
	})
	// Registered after the delete, so it runs before it (cleanups are LIFO).
	t.Cleanup(func() {
		if t.Failed() {
			dump(t, name)
		}
	})
}

// dump logs the stored model and the events about it, for a failed test.
func dump(t *testing.T, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	obj, err := suite.dynamic.Resource(v1alpha1.GroupVersionResource).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Logf("dump: get model %q: %v", name, err)
	} else {
		obj.SetManagedFields(nil)
		y, _ := yaml.Marshal(obj.Object)
		t.Logf("dump: model %q as stored:\n%s", name, y)
	}
	events, err := suite.kube.CoreV1().Events("").List(ctx, metav1.ListOptions{FieldSelector: "involvedObject.name=" + name})
	if err != nil {
		t.Logf("dump: list events of %q: %v", name, err)
		return
	}
	if len(events.Items) == 0 {
		t.Logf("dump: no events about %q", name)
	}
	for _, e := range events.Items {
		t.Logf("dump: event %s %s/%s: %s %s", e.LastTimestamp.Format(time.RFC3339), e.Namespace, e.Name, e.Reason, e.Message)
	}
}

// mustApply applies a model through the catalog and fails the test otherwise.
func mustApply(t *testing.T, m *v1alpha1.VLLMModel) *v1alpha1.VLLMModel {
	t.Helper()
	got, err := suite.catalog.Apply(ctxFor(t, callTimeout), m)
	if err != nil {
		t.Fatalf("apply model %q: %v", m.Name, err)
	}
	return got
}

// cliResult is what one run of the bootstrap CLI left.
type cliResult struct {
	stdout, stderr string
	code           int
	took           time.Duration
}

func (r cliResult) String() string {
	return fmt.Sprintf("exit %d after %s\nstdout:\n%s\nstderr:\n%s", r.code, r.took.Round(time.Millisecond), r.stdout, r.stderr)
}

// runBootstrap runs the bootstrap CLI with the suite's kubeconfig and
// context, unless args set them; GOCOVERDIR goes through so a -cover build
// records what it ran.
func runBootstrap(ctx context.Context, args ...string) cliResult {
	full := []string{"--kubeconfig", suite.kubeconfig}
	if !hasFlag(args, "--context") {
		full = append(full, "--context", suite.context)
	}
	full = append(full, args...)
	if !hasFlag(args, "--timeout") {
		full = append([]string{"--timeout", "60s"}, full...)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, suite.bootstrap, full...)
	cmd.WaitDelay = time.Second // a cancelled CLI never holds the suite on its pipes
	cmd.Env = os.Environ()
	if suite.coverDir != "" {
		cmd.Env = append(cmd.Env, "GOCOVERDIR="+suite.coverDir)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	res := cliResult{stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		res.code = ee.ExitCode()
	default:
		res.code = -1
		res.stderr += "\n(start failed: " + err.Error() + ")"
	}
	return res
}

func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == name || strings.HasPrefix(a, name+"=") {
			return true
		}
	}
	return false
}

// Nil-safe views for failure messages after a failed Get.
func uidOf(m *v1alpha1.VLLMModel) any {
	if m == nil {
		return nil
	}
	return m.UID
}

func specOf(m *v1alpha1.VLLMModel) any {
	if m == nil {
		return nil
	}
	return m.Spec
}

func statusOf(m *v1alpha1.VLLMModel) any {
	if m == nil {
		return nil
	}
	return m.Status
}
