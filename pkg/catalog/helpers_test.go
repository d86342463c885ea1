package catalog

import (
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/efortin/vllm-chill/api/v1alpha1"
	"github.com/efortin/vllm-chill/pkg/catalog/crdschema"
)

// Paths of the repository's manifests, relative to this package.
const (
	crdFile       = "../../manifests/crds/vllm.sir-alfred.io_models.yaml"
	modelsDir     = "../../manifests/models"
	testAssetsDir = "../../manifests/test-assets"
	expectField   = "test.vllm.sir-alfred.io/expect-field"
)

// qwen is manifests/models/qwen3-coder.yaml as a Go value.
func qwen() *v1alpha1.VLLMModel {
	return &v1alpha1.VLLMModel{
		TypeMeta:   metav1.TypeMeta{APIVersion: v1alpha1.GroupVersion.String(), Kind: v1alpha1.Kind},
		ObjectMeta: metav1.ObjectMeta{Name: "qwen3-coder-30b-fp8"},
		Spec: v1alpha1.VLLMModelSpec{
			ModelName: "Qwen/Qwen3-Coder-30B-A3B-Instruct-FP8", ServedModelName: "qwen3-coder-30b-fp8",
			ToolCallParser: "qwen3_coder", MaxModelLen: 112640, GPUMemoryUtilization: 0.91,
			EnableChunkedPrefill: true, MaxNumBatchedTokens: 8192, MaxNumSeqs: 16, Dtype: "float16",
			DisableCustomAllReduce: true, EnablePrefixCaching: true, EnableAutoToolChoice: true,
		},
	}
}

func schemaValidator(t testing.TB) *crdschema.Validator {
	t.Helper()
	v, err := crdschema.ForFile(crdFile, v1alpha1.GroupVersion.Version)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func glob(t testing.TB, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures in %s: %v", dir, err)
	}
	return files
}

// hasField reports whether want, or a field below it, is among fields.
func hasField(fields []string, want string) bool {
	for _, f := range fields {
		if f == want || strings.HasPrefix(f, want+".") || strings.HasPrefix(f, want+"[") {
			return true
		}
	}
	return false
}
