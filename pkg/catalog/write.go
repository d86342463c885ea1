package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	"github.com/efortin/vllm-chill/api/v1alpha1"
)

// Apply creates or updates a model with server-side apply. It sends only
// what a user declares (apiVersion, kind, name, labels, annotations, spec),
// takes ownership of those fields from other managers (Force) and asks the
// server to refuse unknown fields (fieldValidation=Strict).
func (c *Catalog) Apply(ctx context.Context, m *v1alpha1.VLLMModel) (*v1alpha1.VLLMModel, error) {
	if m == nil {
		return nil, errors.New("apply model: nil model")
	}
	spec, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&m.Spec)
	if err != nil {
		return nil, fmt.Errorf("apply model %q: %w", m.Name, err)
	}
	u := &unstructured.Unstructured{Object: map[string]interface{}{"spec": spec}}
	u.SetAPIVersion(v1alpha1.GroupVersion.String())
	u.SetKind(v1alpha1.Kind)
	u.SetName(m.Name)
	u.SetLabels(m.Labels)
	u.SetAnnotations(m.Annotations)
	return c.ApplyUnstructured(ctx, u)
}

// ApplyUnstructured applies a document as it is, unknown fields included,
// so the server's own validation can be exercised (the integration suite
// sends the invalid fixtures this way). Same options as Apply.
func (c *Catalog) ApplyUnstructured(ctx context.Context, u *unstructured.Unstructured) (*v1alpha1.VLLMModel, error) {
	return c.apply(ctx, u, "")
}

func (c *Catalog) apply(ctx context.Context, u *unstructured.Unstructured, subresource string) (*v1alpha1.VLLMModel, error) {
	what := "apply model"
	if subresource != "" {
		what = "apply model " + subresource
	}
	name := u.GetName()
	if name == "" {
		return nil, fmt.Errorf("%s: metadata.name is empty", what)
	}
	body, err := json.Marshal(u.Object)
	if err != nil {
		return nil, fmt.Errorf("%s %q: %w", what, name, err)
	}
	var sub []string
	if subresource != "" {
		sub = []string{subresource}
	}
	out, err := ServerSideApply(ctx, c.models, name, body, c.fieldManager, sub...)
	if err != nil {
		return nil, fmt.Errorf("%s %q: %w", what, name, err)
	}
	return toModel(out)
}

// ServerSideApply applies body (a JSON object) to res as fieldManager: it
// takes ownership of the fields it sends from other managers (force) and the
// server refuses unknown fields (fieldValidation=Strict). Every write of a
// manifest in this repository goes through it.
func ServerSideApply(ctx context.Context, res dynamic.ResourceInterface, name string, body []byte, fieldManager string, subresources ...string) (*unstructured.Unstructured, error) {
	force := true
	opts := metav1.PatchOptions{FieldManager: fieldManager, Force: &force, FieldValidation: metav1.FieldValidationStrict}
	return res.Patch(ctx, name, types.ApplyPatchType, body, opts, subresources...)
}

// SetStatus replaces the status of model name through the status
// subresource (server-side apply, same field manager). A nil LastUpdated is
// set to now, since the field says when the status last changed.
func (c *Catalog) SetStatus(ctx context.Context, name string, st v1alpha1.VLLMModelStatus) (*v1alpha1.VLLMModel, error) {
	if st.LastUpdated == nil {
		now := metav1.Now()
		st.LastUpdated = &now
	}
	status, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&st)
	if err != nil {
		return nil, fmt.Errorf("set status of model %q: %w", name, err)
	}
	u := &unstructured.Unstructured{Object: map[string]interface{}{"status": status}}
	u.SetAPIVersion(v1alpha1.GroupVersion.String())
	u.SetKind(v1alpha1.Kind)
	u.SetName(name)
	return c.apply(ctx, u, "status")
}

// Delete removes the model with metadata.name name. A model that is already
// gone is not an error: the caller wanted it gone.
func (c *Catalog) Delete(ctx context.Context, name string) error {
	err := c.models.Delete(ctx, name, metav1.DeleteOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete model %q: %w", name, err)
	}
	return nil
}
