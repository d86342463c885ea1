package catalog

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/efortin/vllm-chill/pkg/manifest"
)

const goodDoc = `apiVersion: vllm.sir-alfred.io/v1alpha1
kind: VLLMModel
metadata:
  name: m
spec:
  modelName: Qwen/Qwen3-Coder-30B-A3B-Instruct-FP8
  servedModelName: m
  maxModelLen: 4096
  gpuMemoryUtilization: 0.9
  enableChunkedPrefill: false
  maxNumBatchedTokens: 8192
  maxNumSeqs: 16
  dtype: auto
  disableCustomAllReduce: false
  enablePrefixCaching: false
  enableAutoToolChoice: false
`

func TestDecode(t *testing.T) {
	cases := []struct {
		name, doc string
		// want are substrings of the error; none means success.
		want []string
		// fields are paths the FieldErrors must name.
		fields []string
	}{
		{name: "valid, false booleans present", doc: goodDoc},
		{name: "two documents", doc: goodDoc + "---\n" + strings.Replace(goodDoc, "name: m", "name: other", 1)},
		{name: "whole float as integer", doc: strings.Replace(goodDoc, "maxModelLen: 4096", "maxModelLen: 4.096e3", 1)},
		{name: "malformed YAML", doc: "spec: [\n", want: []string{`read manifest "f.yaml"`}},
		{name: "not a VLLMModel", doc: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
			want: []string{`decode model "f.yaml": document is a v1 ConfigMap, not a vllm.sir-alfred.io/v1alpha1 VLLMModel`}},
		{name: "second document broken", doc: goodDoc + "---\n" + strings.Replace(goodDoc, "  dtype: auto\n", "", 1),
			want: []string{`decode model "f.yaml" document 2 of 2`, "spec.dtype: Required value"}, fields: []string{"spec.dtype"}},
		{name: "missing bool is not false", doc: strings.Replace(goodDoc, "  enablePrefixCaching: false\n", "", 1),
			fields: []string{"spec.enablePrefixCaching"}},
		{name: "null counts as missing", doc: strings.Replace(goodDoc, "maxNumSeqs: 16", "maxNumSeqs: null", 1),
			fields: []string{"spec.maxNumSeqs"}},
		{name: "unknown spec field", doc: goodDoc + "  tensorParallelSize: 2\n", fields: []string{"spec.tensorParallelSize"}},
		{name: "field names are case-sensitive", doc: goodDoc + "  MaxModelLen: 2\n", fields: []string{"spec.MaxModelLen"}},
		{name: "unknown root field", doc: goodDoc + "extra: 1\n", fields: []string{"extra"}},
		{name: "unknown metadata field", doc: strings.Replace(goodDoc, "  name: m\n", "  name: m\n  colour: red\n", 1), fields: []string{"metadata"}},
		{name: "string for integer", doc: strings.Replace(goodDoc, "maxModelLen: 4096", `maxModelLen: "4096"`, 1), fields: []string{"spec.maxModelLen"}},
		{name: "fraction for integer", doc: strings.Replace(goodDoc, "maxModelLen: 4096", `maxModelLen: 4096.5`, 1), fields: []string{"spec.maxModelLen"}},
		{name: "string for bool", doc: strings.Replace(goodDoc, "enablePrefixCaching: false", `enablePrefixCaching: "no"`, 1), fields: []string{"spec.enablePrefixCaching"}},
		{name: "number for string", doc: strings.Replace(goodDoc, "dtype: auto", `dtype: 16`, 1), fields: []string{"spec.dtype"}},
		{name: "no spec", doc: "apiVersion: vllm.sir-alfred.io/v1alpha1\nkind: VLLMModel\nmetadata:\n  name: m\n", fields: []string{"spec"}},
		{name: "spec not an object", doc: "apiVersion: vllm.sir-alfred.io/v1alpha1\nkind: VLLMModel\nmetadata:\n  name: m\nspec: 3\n", fields: []string{"spec"}},
		{name: "status with a bad time", doc: goodDoc + "status:\n  lastUpdated: yesterday\n", fields: []string{"status.lastUpdated"}},
		{name: "every problem reported", doc: strings.Replace(strings.Replace(goodDoc, "  dtype: auto\n", "", 1), "maxNumSeqs: 16", "maxNumSeqs: x", 1),
			fields: []string{"spec.maxNumSeqs", "spec.dtype"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			models, err := Decode("f.yaml", []byte(tc.doc))
			if len(tc.want) == 0 && len(tc.fields) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if len(models) == 0 || models[0].Name != "m" {
					t.Fatalf("got %+v", models)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %v %v", tc.want, tc.fields)
			}
			for _, w := range append(tc.want, `"f.yaml"`) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			var me *manifest.Error
			if !errors.As(err, &me) || me.File != "f.yaml" {
				t.Errorf("error is not a *manifest.Error naming the file: %v", err)
			}
			if len(tc.fields) > 0 {
				var fe FieldErrors
				if !errors.As(err, &fe) {
					t.Fatalf("error carries no FieldErrors: %v", err)
				}
				got := make([]string, len(fe))
				for i, e := range fe {
					got[i] = e.Field
				}
				for _, f := range tc.fields {
					if !hasField(got, f) {
						t.Errorf("fields %v do not include %s", got, f)
					}
				}
			}
		})
	}
}

// TestLoadFixtures: every reference model loads; every invalid fixture is
// refused with an error naming its file and the field(s) it breaks.
func TestLoadFixtures(t *testing.T) {
	for _, f := range glob(t, modelsDir) {
		if _, err := LoadFile(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	for _, f := range glob(t, testAssetsDir) {
		docs, err := manifest.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, err = LoadFile(f)
		if err == nil {
			t.Errorf("%s: accepted", f)
			continue
		}
		if !strings.Contains(err.Error(), f) {
			t.Errorf("%s: error does not name the file: %v", f, err)
		}
		for _, want := range strings.Split(docs[0].Object.GetAnnotations()[expectField], ",") {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error does not name %s: %v", f, want, err)
			}
		}
	}
	if _, err := LoadDir(testAssetsDir); err == nil {
		t.Error("LoadDir accepted the invalid fixtures")
	}
}

func TestLoadDirErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	if _, err := LoadDir(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing dir: %v", err)
	}
	empty := t.TempDir()
	if _, err := LoadDir(empty); !errors.Is(err, manifest.ErrNoManifests) {
		t.Errorf("empty dir: %v", err)
	}
	p := filepath.Join(t.TempDir(), "x.yaml")
	if err := os.WriteFile(p, []byte(goodDoc), 0o644); err != nil {
		t.Fatal(err)
	}
	if ms, err := DecodeFile(p); err != nil || len(ms) != 1 {
		t.Errorf("DecodeFile: %v %v", ms, err)
	}
}
