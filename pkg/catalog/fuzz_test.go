package catalog

import (
	"os"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/efortin/vllm-chill/pkg/catalog/crdschema"
	"github.com/efortin/vllm-chill/pkg/manifest"
)

// seed adds every manifest of the repository to the corpus, so the fuzzer
// starts from valid models and from each kind of broken one.
func seed(f *testing.F) {
	for _, dir := range []string{modelsDir, testAssetsDir} {
		for _, p := range glob(f, dir) {
			data, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add([]byte(goodDoc))
	f.Add([]byte(goodDoc + "---\n" + goodDoc))
	f.Add([]byte(strings.Replace(goodDoc, "maxModelLen: 4096", "maxModelLen: 1e15", 1)))
	f.Add([]byte(strings.Replace(goodDoc, "dtype: auto", "dtype: null", 1)))
	f.Add([]byte("{}"))
}

// FuzzDecode: any input decodes or fails with an error naming the input;
// it never panics, and what decodes renders to Args.
func FuzzDecode(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		models, err := Decode("fuzz.yaml", data)
		if err != nil {
			if !strings.Contains(err.Error(), `"fuzz.yaml"`) {
				t.Fatalf("error does not name the input: %v", err)
			}
			return
		}
		for _, m := range models {
			_ = Validate(m)
			_ = Args(m.Spec)
		}
	})
}

// FuzzValidateAgainstSchema: for every YAML object the fuzzer makes, the
// client (Decode+Validate) and the API server's validator on the real CRD
// schema reach the same verdict, and refuse the same spec fields.
func FuzzValidateAgainstSchema(f *testing.F) {
	seed(f)
	v := schemaValidator(f)
	ruled := celRuledFields(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, err := manifest.Parse("fuzz.yaml", data)
		if err != nil {
			return // not YAML objects: nothing reaches either validator
		}
		for _, d := range docs {
			errs := v.Validate(d.Object.Object)
			server := pathsOf(errs)
			client, err := clientCheck(d.Object.Object)
			if err != nil { // refused before any field: not a VLLMModel
				client = []string{"<kind>"}
			}
			if (len(server) == 0) != (len(client) == 0) {
				t.Fatalf("verdicts differ on\n%s\nschema: %v\nclient: %v", d.Raw, server, client)
			}
			if slices.Contains(server, "metadata") {
				continue // the server stops at malformed metadata, before the spec
			}
			if celSkipped(errs) {
				// The server names only what it checked: a field whose
				// CEL rule did not run may be refused by the client alone.
				client = slices.DeleteFunc(client, func(p string) bool { return ruled[p] && !slices.Contains(server, p) })
			}
			if !sameSet(specOnly(server), specOnly(client)) {
				t.Fatalf("spec fields differ on\n%s\nschema: %v\nclient: %v", d.Raw, server, client)
			}
		}
	})
}

// specOnly keeps the spec fields, cut to "spec.<field>": metadata problems
// are named differently by the two sides (the client stops at "metadata"),
// and pruning also names unknown keys inside a value of the wrong type.
func specOnly(paths []string) []string {
	var out []string
	for _, p := range paths {
		if rest, ok := strings.CutPrefix(p, "spec."); ok {
			name, _, _ := strings.Cut(rest, ".")
			out = append(out, "spec."+name)
		}
	}
	return out
}

// celSkipped reports whether the server's validator left the CEL rules out
// because of blocking schema errors (it then adds a field-less note).
func celSkipped(errs field.ErrorList) bool {
	return slices.ContainsFunc(errs, func(e *field.Error) bool { return e.Detail == crdschema.BlockedCELDetail })
}

// celRuledFields lists the spec fields ("spec.<field>") that carry CEL
// rules (x-kubernetes-validations) in the committed CRD.
func celRuledFields(t testing.TB) map[string]bool {
	t.Helper()
	crds, err := crdschema.LoadFile(crdFile)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for name, p := range crds[0].Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"].Properties {
		if len(p.XValidations) > 0 {
			out["spec."+name] = true
		}
	}
	return out
}
