package crdschema

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const crdFile = "../../../manifests/crds/vllm.sir-alfred.io_models.yaml"

// TestBrokenCRD: each edit breaks the committed CRD the way a hand edit
// could; the error must name the file and say what is wrong.
func TestBrokenCRD(t *testing.T) {
	good, err := os.ReadFile(crdFile)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(crdFile); err != nil {
		t.Fatalf("committed CRD refused: %v", err)
	}
	cases := []struct{ name, old, new, want string }{
		{"misspelt keyword", "minimum: 512", "minimun: 512", `unknown field`},
		{"misspelt keyword is named", "minimum: 512", "minimun: 512", "minimun"},
		{"unknown type", "type: boolean", "type: bool", "type"},
		{"property without type (not structural)", "                type: boolean\n", "", "must not be empty for specified object fields"},
		{"default outside the enum", `default: ""`, `default: "nope"`, "default"},
		{"no storage version", "storage: true", "storage: false", "storage"},
		{"wrong group for the name", "group: vllm.sir-alfred.io", "group: example.com", "metadata.name"},
		{"not a CRD", "kind: CustomResourceDefinition", "kind: ConfigMap", "not a apiextensions.k8s.io/v1 CustomResourceDefinition"},
		{"malformed YAML", "  scope: Cluster", "  scope: [Cluster", "yaml"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(string(good), tc.old) {
				t.Fatalf("CRD no longer contains %q", tc.old)
			}
			p := filepath.Join(t.TempDir(), "broken-crd.yaml")
			if err := os.WriteFile(p, []byte(strings.Replace(string(good), tc.old, tc.new, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := LoadFile(p)
			if err == nil {
				t.Fatal("broken CRD accepted")
			}
			if !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q should name %s and contain %q", err, p, tc.want)
			}
		})
	}
}

func TestValidatorVersions(t *testing.T) {
	crds, err := LoadDir(filepath.Dir(crdFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewValidator(crds[0], "v9"); err == nil {
		t.Error("unknown version accepted")
	}
	v, err := ForFile(crdFile, "v1alpha1")
	if err != nil {
		t.Fatal(err)
	}
	if gvk := v.GroupVersionKind(); gvk.Kind != "VLLMModel" || gvk.Version != "v1alpha1" {
		t.Errorf("gvk %v", gvk)
	}
	wrong := map[string]interface{}{"apiVersion": "v1", "kind": "VLLMModel"}
	if errs := v.Validate(wrong); len(errs) != 1 || errs[0].Field != "apiVersion" {
		t.Errorf("wrong apiVersion: %v", errs)
	}
}
