//go:build integration

package test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/efortin/vllm-chill/pkg/catalog"
	"github.com/efortin/vllm-chill/pkg/manifest"
)

// expectField is the annotation each invalid fixture carries: the
// comma-separated fields its error must name.
const expectField = "test.vllm.sir-alfred.io/expect-field"

// Every invalid fixture must be refused by the API server with a message
// naming its field(s), and the client's Decode+Validate must refuse it too,
// naming the same fields: the client mirrors the server's rules.
func TestInvalidFixturesRejected(t *testing.T) {
	dir := filepath.Join(suite.root, "manifests", "test-assets")
	docs, err := manifest.ReadDir(dir)
	if err != nil {
		t.Fatalf("read fixtures: %v", err)
	}
	if len(docs) == 0 {
		t.Fatalf("no fixtures in %s", dir)
	}
	for _, doc := range docs {
		name := doc.Object.GetName()
		t.Run(name, func(t *testing.T) {
			fields := strings.Split(doc.Object.GetAnnotations()[expectField], ",")
			if fields[0] == "" {
				t.Fatalf("%s: fixture lacks the %s annotation", doc.File, expectField)
			}

			// Server: the document as written, renamed for this run. The
			// served name changes only where it is a non-empty string, so
			// fixtures about that field stay broken the same way.
			obj := doc.Object.DeepCopy()
			obj.SetName(uniqueName(name))
			if s, ok := obj.Object["spec"].(map[string]any); ok {
				if v, ok := s["servedModelName"].(string); ok && v != "" {
					s["servedModelName"] = uniqueName(name)
				}
			}
			cleanupModel(t, obj.GetName()) // in case the server wrongly accepts it
			_, serverErr := suite.catalog.ApplyUnstructured(ctxFor(t, callTimeout), obj)
			if serverErr == nil {
				t.Errorf("server accepted %s; want it rejected naming %v", doc.File, fields)
			} else {
				t.Logf("server: %v", serverErr)
				for _, f := range fields {
					if !strings.Contains(serverErr.Error(), f) {
						t.Errorf("server error for %s does not name %s: %v", doc.File, f, serverErr)
					}
				}
			}

			// Client: the same bytes through Decode, then Validate.
			data, err := os.ReadFile(doc.File)
			if err != nil {
				t.Fatal(err)
			}
			clientErr := decodeAndValidate(doc.File, data)
			if clientErr == "" {
				t.Errorf("client accepted %s, the server %s", doc.File, verdict(serverErr))
				return
			}
			t.Logf("client: %s", clientErr)
			for _, f := range fields {
				if !strings.Contains(clientErr, f) {
					t.Errorf("client error for %s does not name %s: %s", doc.File, f, clientErr)
				}
			}
		})
	}
}

// decodeAndValidate returns the client's complaint about a document, or ""
// when Decode and Validate both accept it.
func decodeAndValidate(file string, data []byte) string {
	models, err := catalog.Decode(file, data)
	if err != nil {
		return err.Error()
	}
	var msgs []string
	for _, m := range models {
		for _, e := range catalog.Validate(m) {
			msgs = append(msgs, e.Error())
		}
	}
	return strings.Join(msgs, "; ")
}

func verdict(err error) string {
	if err == nil {
		return "accepted it"
	}
	return "refused it: " + err.Error()
}

// The positive control: the reference models pass the client's checks, and
// setup (TestMain) proved the server accepts them.
func TestReferenceModelsValidOnTheClient(t *testing.T) {
	for _, file := range []string{"qwen3-coder.yaml", "deepseek-r1.yaml"} {
		path := filepath.Join(suite.root, "manifests", "models", file)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if msg := decodeAndValidate(path, data); msg != "" {
			t.Errorf("client refuses reference model %s, which the server accepted: %s", file, msg)
		}
	}
}
