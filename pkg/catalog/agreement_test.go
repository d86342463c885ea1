package catalog

import (
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/efortin/vllm-chill/pkg/catalog/crdschema"
	"github.com/efortin/vllm-chill/pkg/manifest"
)

// clientCheck is what the client refuses in a document: Decode, then
// Validate. It returns the error fields, and the error when Decode failed
// without naming fields (e.g. not a VLLMModel).
func clientCheck(obj map[string]interface{}) ([]string, error) {
	m, err := FromObject(obj)
	if err != nil {
		fe, ok := err.(FieldErrors)
		if !ok {
			return nil, err
		}
		return pathsOf(field.ErrorList(fe)), nil
	}
	return pathsOf(Validate(m)), nil
}

func pathsOf(errs field.ErrorList) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Field
	}
	return out
}

// TestClientAgreesWithCRDSchema proves, on every file of manifests/models
// and manifests/test-assets, that the generated CRD schema run by the API
// server's own validator and the client (Decode+Validate) reach the same
// verdict, and that for each invalid fixture both name the field(s) of its
// expect-field annotation.
func TestClientAgreesWithCRDSchema(t *testing.T) {
	v := schemaValidator(t)
	files := append(glob(t, modelsDir), glob(t, testAssetsDir)...)
	for _, f := range files {
		t.Run(strings.TrimSuffix(f[strings.LastIndex(f, "/")+1:], ".yaml"), func(t *testing.T) {
			docs, err := manifest.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range docs {
				server := pathsOf(v.Validate(d.Object.Object))
				client, err := clientCheck(d.Object.Object)
				if err != nil {
					t.Fatalf("client: %v", err)
				}
				t.Logf("schema: %v; client: %v", server, client)
				expect := d.Object.GetAnnotations()[expectField]
				if strings.Contains(f, "/models/") {
					if len(server)+len(client) > 0 {
						t.Errorf("reference model refused: schema %v, client %v", server, client)
					}
					continue
				}
				if len(server) == 0 || len(client) == 0 {
					t.Errorf("invalid fixture accepted: schema %v, client %v", server, client)
				}
				if !sameSet(server, client) {
					t.Errorf("schema names %v, client names %v", server, client)
				}
				if expect == "" {
					t.Fatalf("fixture has no %s annotation", expectField)
				}
				for _, want := range strings.Split(expect, ",") {
					if !hasField(server, want) {
						t.Errorf("schema errors %v do not name %s", server, want)
					}
					if !hasField(client, want) {
						t.Errorf("client errors %v do not name %s", client, want)
					}
				}
			}
		})
	}
}

// TestEnumsMatchCRD guards the enum tables of Validate against the CRD.
func TestEnumsMatchCRD(t *testing.T) {
	crds, err := crdschema.LoadFile(crdFile)
	if err != nil {
		t.Fatal(err)
	}
	props := crds[0].Spec.Versions[0].Schema.OpenAPIV3Schema.Properties
	enum := func(obj, prop string) []string {
		var out []string
		for _, e := range props[obj].Properties[prop].Enum {
			out = append(out, strings.Trim(string(e.Raw), `"`))
		}
		return out
	}
	for _, c := range []struct {
		obj, prop string
		want      []string
	}{
		{"spec", "toolCallParser", ToolCallParsers},
		{"spec", "reasoningParser", ReasoningParsers},
		{"spec", "dtype", Dtypes},
		{"status", "phase", Phases},
	} {
		if got := enum(c.obj, c.prop); strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("%s.%s: CRD enum %q, catalog %q", c.obj, c.prop, got, c.want)
		}
	}
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}

// TestServerAcceptsIntegerZeroGPUMemory pins a divergence on purpose: the
// API server's validator accepts an integer 0 for gpuMemoryUtilization
// (minimum 0.1 truncated to 0 for integer values); the client refuses it.
// If this test fails, upstream fixed the quirk: drop the fuzz exception.
func TestServerAcceptsIntegerZeroGPUMemory(t *testing.T) {
	docs, err := manifest.Parse("zero.yaml", []byte(strings.Replace(goodDoc, "gpuMemoryUtilization: 0.9", "gpuMemoryUtilization: 0", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if errs := schemaValidator(t).Validate(docs[0].Object.Object); len(errs) != 0 {
		t.Errorf("the schema now refuses integer 0 (%v): remove integerBelowFractionalMinimum", errs)
	}
	client, err := clientCheck(docs[0].Object.Object)
	if err != nil || !slices.Equal(client, []string{"spec.gpuMemoryUtilization"}) {
		t.Errorf("client: %v %v, want spec.gpuMemoryUtilization refused", client, err)
	}
}
