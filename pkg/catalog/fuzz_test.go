package catalog

import (
	"os"
	"slices"
	"strings"
	"testing"

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
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, err := manifest.Parse("fuzz.yaml", data)
		if err != nil {
			return // not YAML objects: nothing reaches either validator
		}
		for _, d := range docs {
			server := pathsOf(v.Validate(d.Object.Object))
			client, err := clientCheck(d.Object.Object)
			if err != nil { // refused before any field: not a VLLMModel
				client = []string{"<kind>"}
			}
			if integerBelowFractionalMinimum(d.Object.Object) {
				client = slices.DeleteFunc(client, func(p string) bool { return p == "spec.gpuMemoryUtilization" })
			}
			if (len(server) == 0) != (len(client) == 0) {
				t.Fatalf("verdicts differ on\n%s\nschema: %v\nclient: %v", d.Raw, server, client)
			}
			if slices.Contains(server, "metadata") {
				continue // the server stops at malformed metadata, before the spec
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

// integerBelowFractionalMinimum spots the one place where the API server is
// laxer than its CRD: kube-openapi compares an integer value with
// int64(minimum), so "gpuMemoryUtilization: 0" passes "minimum: 0.1" while
// 0.05 does not (k8s.io/kube-openapi/pkg/validation/validate/values.go,
// MinimumInt(..., int64(min), ...)). The client keeps the CRD's intent and
// refuses 0; TestServerAcceptsIntegerZeroGPUMemory pins the quirk.
func integerBelowFractionalMinimum(obj map[string]interface{}) bool {
	spec, _ := obj["spec"].(map[string]interface{})
	n, ok := spec["gpuMemoryUtilization"].(int64)
	return ok && n == 0
}
