//go:build integration

package test

import (
	"errors"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/efortin/vllm-chill/pkg/catalog"
)

// The reference models are installed by setup; the catalog must resolve
// each by the name clients ask for, with the spec of its manifest.
func TestReferenceModelsResolvedByServedName(t *testing.T) {
	for _, file := range []string{"qwen3-coder.yaml", "deepseek-r1.yaml"} {
		t.Run(file, func(t *testing.T) {
			want := referenceModel(t, file)
			got, err := suite.catalog.Get(ctxFor(t, callTimeout), want.Spec.ServedModelName)
			if err != nil {
				t.Fatalf("get served name %q: %v", want.Spec.ServedModelName, err)
			}
			if got.Name != want.Name {
				t.Errorf("served name %q resolved to %q, want %q", want.Spec.ServedModelName, got.Name, want.Name)
			}
			if !reflect.DeepEqual(got.Spec, want.Spec) {
				t.Errorf("model %q spec in the cluster differs from %s:\n got %+v\nwant %+v", got.Name, file, got.Spec, want.Spec)
			}
		})
	}
}

func TestMissingServedNameListsAvailable(t *testing.T) {
	missing := uniqueName("absent")
	_, err := suite.catalog.Get(ctxFor(t, callTimeout), missing)
	if !catalog.IsNotFound(err) {
		t.Fatalf("get %q: want a not-found error, got %v", missing, err)
	}
	var nf *catalog.NotFoundError
	if !errors.As(err, &nf) {
		t.Fatalf("get %q: error %T is not a *catalog.NotFoundError", missing, err)
	}
	if nf.ServedName != missing {
		t.Errorf("NotFoundError.ServedName = %q, want %q", nf.ServedName, missing)
	}
	// Other runs may add their own models at the same time: check inclusion.
	for _, ref := range []string{"qwen3-coder-30b-fp8", "deepseek-r1-fp8"} {
		if !slices.Contains(nf.Available, ref) {
			t.Errorf("available names %v lack the reference model %q", nf.Available, ref)
		}
		if !strings.Contains(err.Error(), ref) {
			t.Errorf("error %q does not list the available name %q", err, ref)
		}
	}
	if !sort.StringsAreSorted(nf.Available) {
		t.Errorf("available names are not sorted: %v", nf.Available)
	}
	if !strings.Contains(err.Error(), missing) {
		t.Errorf("error %q does not name the missing served name %q", err, missing)
	}
}

func TestApplyUpdateDeleteRoundTrip(t *testing.T) {
	m := newModel(t, "roundtrip")
	created := mustApply(t, m)
	if created.UID == "" || created.Spec.MaxNumSeqs != m.Spec.MaxNumSeqs {
		t.Fatalf("apply returned %+v, want the stored model with maxNumSeqs %d", created.ObjectMeta, m.Spec.MaxNumSeqs)
	}

	got, err := suite.catalog.Get(ctxFor(t, callTimeout), m.Spec.ServedModelName)
	if err != nil || got.UID != created.UID {
		t.Fatalf("get %q after create: %v (uid %v, want %v)", m.Spec.ServedModelName, err, uidOf(got), created.UID)
	}

	// Applying the same spec again is a no-op: nothing bumps the version.
	again := mustApply(t, m)
	if again.ResourceVersion != created.ResourceVersion {
		t.Errorf("re-applying an unchanged model changed resourceVersion %s -> %s", created.ResourceVersion, again.ResourceVersion)
	}

	m.Spec.MaxNumSeqs = created.Spec.MaxNumSeqs * 2
	updated := mustApply(t, m)
	if updated.Spec.MaxNumSeqs != m.Spec.MaxNumSeqs || updated.Generation <= created.Generation {
		t.Errorf("update: maxNumSeqs %d generation %d, want %d and > %d",
			updated.Spec.MaxNumSeqs, updated.Generation, m.Spec.MaxNumSeqs, created.Generation)
	}
	got, err = suite.catalog.Get(ctxFor(t, callTimeout), m.Spec.ServedModelName)
	if err != nil || got.Spec.MaxNumSeqs != m.Spec.MaxNumSeqs {
		t.Errorf("get after update: %v, maxNumSeqs %v, want %d", err, specOf(got), m.Spec.MaxNumSeqs)
	}

	if err := suite.catalog.Delete(ctxFor(t, callTimeout), m.Name); err != nil {
		t.Fatalf("delete %q: %v", m.Name, err)
	}
	if _, err := suite.catalog.Get(ctxFor(t, callTimeout), m.Spec.ServedModelName); !catalog.IsNotFound(err) {
		t.Errorf("get %q after delete: want not found, got %v", m.Spec.ServedModelName, err)
	}
	// Deleting what is already gone is not an error (cleanup relies on it).
	if err := suite.catalog.Delete(ctxFor(t, callTimeout), m.Name); err != nil {
		t.Errorf("second delete of %q: %v", m.Name, err)
	}
}
