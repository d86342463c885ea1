package catalog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/efortin/vllm-chill/api/v1alpha1"
)

// NotFoundError says no model is served under a name, and which names are.
type NotFoundError struct {
	ServedName string
	// Available are the served names that exist, sorted.
	Available []string
}

func (e *NotFoundError) Error() string {
	avail := "none"
	if len(e.Available) > 0 {
		avail = strings.Join(e.Available, ", ")
	}
	return fmt.Sprintf("no model served as %q (available: %s)", e.ServedName, avail)
}

// IsNotFound reports whether err is or wraps a *NotFoundError.
func IsNotFound(err error) bool {
	var nf *NotFoundError
	return errors.As(err, &nf)
}

// List returns every model, sorted by metadata.name.
func (c *Catalog) List(ctx context.Context) ([]v1alpha1.VLLMModel, error) {
	ul, err := c.models.List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list models: %w", err)
	}
	out := make([]v1alpha1.VLLMModel, 0, len(ul.Items))
	for i := range ul.Items {
		m, err := toModel(&ul.Items[i])
		if err != nil {
			return nil, fmt.Errorf("list models: %w", err)
		}
		out = append(out, *m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Get returns the model whose spec.servedModelName is servedName: clients
// ask vllm-chill for a served name, not an object name. The CRD has no field
// selector on it, so this lists and matches. Two models claiming one served
// name is an error naming both.
func (c *Catalog) Get(ctx context.Context, servedName string) (*v1alpha1.VLLMModel, error) {
	models, err := c.List(ctx)
	if err != nil {
		return nil, fmt.Errorf("get model served as %q: %w", servedName, err)
	}
	return pick(models, servedName)
}

func pick(models []v1alpha1.VLLMModel, servedName string) (*v1alpha1.VLLMModel, error) {
	var found []*v1alpha1.VLLMModel
	var names []string
	for i := range models {
		names = append(names, models[i].Spec.ServedModelName)
		if models[i].Spec.ServedModelName == servedName {
			found = append(found, &models[i])
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		sort.Strings(names)
		return nil, &NotFoundError{ServedName: servedName, Available: slices.Compact(names)}
	}
	owners := make([]string, len(found))
	for i, m := range found {
		owners[i] = m.Name
	}
	return nil, fmt.Errorf("get model served as %q: claimed by several models: %s", servedName, strings.Join(owners, ", "))
}
