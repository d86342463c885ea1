// Package catalog reads and writes VLLMModel resources: the model catalog of
// vllm-chill. It talks to the API server through client-go's dynamic client
// with a *rest.Config the caller built (it never reads a kubeconfig nor
// picks a current context), and it decodes, validates and renders models
// without a cluster.
package catalog

import (
	"errors"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/efortin/vllm-chill/api/v1alpha1"
)

// DefaultFieldManager owns the fields Apply and SetStatus write.
const DefaultFieldManager = "vllm-chill"

// Catalog is a client of the VLLMModel resources of one cluster.
type Catalog struct {
	models       dynamic.NamespaceableResourceInterface
	fieldManager string
}

// Option changes how New builds a Catalog.
type Option func(*Catalog)

// WithFieldManager sets the server-side apply field manager (default
// DefaultFieldManager). Two tools writing the same model need two managers.
func WithFieldManager(name string) Option {
	return func(c *Catalog) { c.fieldManager = name }
}

// New builds a Catalog for the cluster cfg points at. It does not contact
// the server: the first call does.
func New(cfg *rest.Config, opts ...Option) (*Catalog, error) {
	if cfg == nil {
		return nil, errors.New("new catalog: rest config is nil")
	}
	c := &Catalog{fieldManager: DefaultFieldManager}
	for _, o := range opts {
		o(c)
	}
	if c.fieldManager == "" {
		return nil, errors.New("new catalog: field manager is empty")
	}
	dc, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("new catalog: %w", err)
	}
	// Models are cluster-scoped: no namespace is ever set.
	c.models = dc.Resource(v1alpha1.GroupVersionResource)
	return c, nil
}

// FieldManager is the server-side apply field manager of this catalog.
func (c *Catalog) FieldManager() string { return c.fieldManager }

// toModel converts what the server returned. It is lenient on purpose: a
// newer server may add fields, and reading must not break on them.
func toModel(u *unstructured.Unstructured) (*v1alpha1.VLLMModel, error) {
	m := &v1alpha1.VLLMModel{}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, m); err != nil {
		return nil, fmt.Errorf("convert model %q: %w", u.GetName(), err)
	}
	return m, nil
}
