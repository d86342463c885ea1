package bootstrap

import (
	"context"
	"slices"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/efortin/vllm-chill/pkg/manifest"
)

func TestTargetOfRepoCRD(t *testing.T) {
	docs, err := manifest.ReadDir("../../manifests/crds")
	if err != nil {
		t.Fatal(err)
	}
	got, err := targetOf(docs[0].Object)
	if err != nil {
		t.Fatal(err)
	}
	want := crdTarget{Name: "models.vllm.sir-alfred.io", Plural: "models", GroupVersions: []string{"vllm.sir-alfred.io/v1alpha1"}}
	if got.Name != want.Name || got.Plural != want.Plural || !slices.Equal(got.GroupVersions, want.GroupVersions) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func TestTargetOfSkipsUnservedVersions(t *testing.T) {
	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
		"metadata": map[string]any{"name": "things.example.com"},
		"spec": map[string]any{
			"group": "example.com", "names": map[string]any{"plural": "things"},
			"versions": []any{
				map[string]any{"name": "v1", "served": true},
				map[string]any{"name": "v0", "served": false},
			},
		},
	}}
	got, err := targetOf(obj)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.GroupVersions, []string{"example.com/v1"}) {
		t.Fatalf("group versions %v", got.GroupVersions)
	}
}

// A directory given to install-crds that holds something else is refused
// before anything is sent to the API server.
func TestInstallCRDsRefusesNonCRDWithoutConnecting(t *testing.T) {
	url, accepts := acceptRecorder(t)
	b, _ := newTestBootstrapper(t, url, time.Second)
	err := b.InstallCRDs(context.Background(), "../../manifests/models")
	if err == nil {
		t.Fatal("want an error")
	}
	mustContain(t, err.Error(), `"../../manifests/models/deepseek-r1.yaml"`, "is not an apiextensions.k8s.io/v1 CustomResourceDefinition")
	if n := accepts(); n != 0 {
		t.Fatalf("%d connection(s) made before refusing", n)
	}
}

func TestInstallCRDsMissingDir(t *testing.T) {
	b, _ := newTestBootstrapper(t, closedPort(t), time.Second)
	err := b.InstallCRDs(context.Background(), "does-not-exist")
	if err == nil {
		t.Fatal("want an error")
	}
	mustContain(t, err.Error(), "does-not-exist")
}

func TestCRDConditionsString(t *testing.T) {
	obj := &unstructured.Unstructured{Object: map[string]any{
		"status": map[string]any{"conditions": []any{
			map[string]any{"type": "NamesAccepted", "status": "True", "reason": "NoConflicts", "message": "no conflicts found"},
			map[string]any{"type": "Established", "status": "False", "reason": "Installing", "message": "the initial names have not been accepted"},
		}},
	}}
	got := crdConditions(obj).String()
	want := "[Established=False (Installing: the initial names have not been accepted), NamesAccepted=True (NoConflicts: no conflicts found)]"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if s := crdConditions(&unstructured.Unstructured{Object: map[string]any{}}).String(); s != "(none reported yet)" {
		t.Fatalf("no conditions: %q", s)
	}
}
