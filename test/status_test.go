//go:build integration

package test

import (
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/efortin/vllm-chill/api/v1alpha1"
)

func TestSetStatusSetsPhase(t *testing.T) {
	m := newModel(t, "status")
	mustApply(t, m)
	st := v1alpha1.VLLMModelStatus{Phase: v1alpha1.PhaseReady, Message: "loaded by run " + suite.runID}
	got, err := suite.catalog.SetStatus(ctxFor(t, callTimeout), m.Name, st)
	if err != nil {
		t.Fatalf("set status of %q: %v", m.Name, err)
	}
	if got.Status.Phase != v1alpha1.PhaseReady || got.Status.Message != st.Message {
		t.Errorf("SetStatus returned status %+v, want phase Ready and message %q", got.Status, st.Message)
	}
	stored, err := suite.catalog.Get(ctxFor(t, callTimeout), m.Spec.ServedModelName)
	if err != nil || stored.Status.Phase != v1alpha1.PhaseReady {
		t.Errorf("get after SetStatus: %v, status %+v, want phase Ready", err, statusOf(stored))
	}
}

// The status subresource must not let a writer of status change the spec:
// the server keeps the stored spec whatever the body says.
func TestStatusUpdateIgnoresSpec(t *testing.T) {
	m := newModel(t, "status-spec")
	mustApply(t, m)
	models := suite.dynamic.Resource(v1alpha1.GroupVersionResource)
	obj, err := models.Get(ctxFor(t, callTimeout), m.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get %q: %v", m.Name, err)
	}
	if err := unstructured.SetNestedField(obj.Object, m.Spec.MaxNumSeqs+1, "spec", "maxNumSeqs"); err != nil {
		t.Fatal(err)
	}
	if err := unstructured.SetNestedField(obj.Object, string(v1alpha1.PhasePending), "status", "phase"); err != nil {
		t.Fatal(err)
	}
	updated, err := models.UpdateStatus(ctxFor(t, callTimeout), obj, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("update status of %q: %v", m.Name, err)
	}
	seqs, _, _ := unstructured.NestedInt64(updated.Object, "spec", "maxNumSeqs")
	phase, _, _ := unstructured.NestedString(updated.Object, "status", "phase")
	if seqs != m.Spec.MaxNumSeqs {
		t.Errorf("a status update changed spec.maxNumSeqs to %d, want it kept at %d", seqs, m.Spec.MaxNumSeqs)
	}
	if phase != string(v1alpha1.PhasePending) {
		t.Errorf("status update did not set the phase: %q", phase)
	}
}

func TestSetStatusRejectsInvalidPhase(t *testing.T) {
	m := newModel(t, "status-invalid")
	mustApply(t, m)
	_, err := suite.catalog.SetStatus(ctxFor(t, callTimeout), m.Name, v1alpha1.VLLMModelStatus{Phase: "Exploded"})
	if err == nil {
		t.Fatalf("set phase Exploded on %q: accepted, want rejected", m.Name)
	}
	if !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), "status.phase") {
		t.Errorf("set phase Exploded: want an Invalid error naming status.phase, got %v", err)
	}
}
