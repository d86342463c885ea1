package bootstrap

import (
	"context"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation"
)

var namespaceGVR = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}

// EnsureNamespace creates the namespace if it is missing and leaves an
// existing one alone. It reads before applying because re-applying a
// namespace shortly after its creation bumps its resourceVersion (the API
// server rewrites its managed fields once), which would make a second run
// report a change. A namespace that is being deleted is an error: objects
// applied into it would vanish with it.
func (b *Bootstrapper) EnsureNamespace(ctx context.Context, name string) error {
	if errs := validation.IsDNS1123Label(name); len(errs) > 0 {
		return fmt.Errorf("ensure namespace %q: invalid name: %s", name, strings.Join(errs, "; "))
	}
	done := b.progress.step()
	stored, err := b.dynamic.Resource(namespaceGVR).Get(ctx, name, metav1.GetOptions{})
	action := Unchanged
	switch {
	case apierrors.IsNotFound(err):
		ns := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "v1",
			"kind":       "Namespace",
			"metadata":   map[string]any{"name": name},
		}}
		var r Result
		if r, stored, err = b.apply(ctx, ns, "the namespace step"); err != nil {
			return fmt.Errorf("ensure namespace %q: %w", name, err)
		}
		action = r.Action
	case err != nil:
		return fmt.Errorf("ensure namespace %q: read it: %w", name, err)
	}
	if phase, _, _ := unstructured.NestedString(stored.Object, "status", "phase"); phase == "Terminating" {
		return fmt.Errorf("ensure namespace %q: it is terminating; wait until it is gone or use another name", name)
	}
	done("namespace %q %s", name, action)
	return nil
}
