package bootstrap

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/efortin/vllm-chill/pkg/catalog"
	"github.com/efortin/vllm-chill/pkg/manifest"
)

// Action says what applying an object did to it.
type Action string

const (
	Created    Action = "created"
	Configured Action = "configured"
	Unchanged  Action = "unchanged"
)

// Result is the outcome of applying one document.
type Result struct {
	File      string // manifest file, "" for objects built in code
	Index     int    // document index in File
	Kind      string
	Namespace string // "" for cluster-scoped objects
	Name      string
	Action    Action
}

// actionFor compares resourceVersions: the API server bumps it on every
// real change and leaves it alone for a no-op apply, which makes "a second
// run changes nothing" observable.
func actionFor(existed bool, before, after string) Action {
	switch {
	case !existed:
		return Created
	case before == after:
		return Unchanged
	default:
		return Configured
	}
}

// ApplyDir server-side applies every manifest in dir (sorted *.yaml/*.yml,
// in file order; dir may also be a single file) with strict field validation. Namespaced objects without
// a namespace go to Options.Namespace.
func (b *Bootstrapper) ApplyDir(ctx context.Context, dir string) ([]Result, error) {
	docs, err := manifest.Read(dir)
	if err != nil {
		return nil, err
	}
	done := b.progress.step()
	results, err := b.applyDocs(ctx, docs)
	if err != nil {
		return results, err
	}
	done("applied %s from %s (%s)", plural(len(results), "object", "objects"), dir, summarize(results))
	return results, nil
}

func (b *Bootstrapper) applyDocs(ctx context.Context, docs []manifest.Document) ([]Result, error) {
	results := make([]Result, 0, len(docs))
	for _, d := range docs {
		r, _, err := b.apply(ctx, d.Object, d.Where())
		if err != nil {
			return results, err
		}
		r.File, r.Index = d.File, d.Index
		results = append(results, r)
	}
	return results, nil
}

// apply server-side applies one object and returns the object as stored;
// where names its source in errors.
func (b *Bootstrapper) apply(ctx context.Context, obj *unstructured.Unstructured, where string) (Result, *unstructured.Unstructured, error) {
	gvk := obj.GroupVersionKind()
	r := Result{Kind: gvk.Kind, Name: obj.GetName()}
	if r.Name == "" {
		return r, nil, fmt.Errorf("apply %s from %s: metadata.name is required (server-side apply cannot use generateName)", gvk.Kind, where)
	}
	mapping, err := b.restMapping(gvk)
	if err != nil {
		return r, nil, fmt.Errorf("apply %s %q from %s: %w", gvk.Kind, r.Name, where, err)
	}
	client := b.dynamic.Resource(mapping.Resource)
	var res dynamic.ResourceInterface = client
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
		r.Namespace = obj.GetNamespace()
		if r.Namespace == "" {
			r.Namespace = b.opts.Namespace
		}
		res = client.Namespace(r.Namespace)
	}
	before, err := res.Get(ctx, r.Name, metav1.GetOptions{})
	existed := err == nil
	if err != nil && !apierrors.IsNotFound(err) {
		return r, nil, fmt.Errorf("read %s %q before applying %s: %w", gvk.Kind, r.Name, where, err)
	}
	body, err := obj.MarshalJSON()
	if err != nil {
		return r, nil, fmt.Errorf("encode %s: %w", where, err)
	}
	after, err := catalog.ServerSideApply(ctx, res, r.Name, body, b.opts.FieldManager)
	if err != nil {
		return r, nil, fmt.Errorf("apply %s %q from %s: %w", gvk.Kind, r.Name, where, err)
	}
	var beforeRV string
	if existed {
		beforeRV = before.GetResourceVersion()
	}
	r.Action = actionFor(existed, beforeRV, after.GetResourceVersion())
	return r, after, nil
}

// restMapping resolves a kind through discovery; on a miss it forgets the
// cached discovery once and retries, since a CRD may have been installed
// after the cache was filled.
func (b *Bootstrapper) restMapping(gvk schema.GroupVersionKind) (*meta.RESTMapping, error) {
	m, err := b.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if meta.IsNoMatchError(err) {
		b.mapper.Reset()
		m, err = b.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	}
	if err != nil {
		return nil, fmt.Errorf("resolve %s through API discovery: %w", gvk, err)
	}
	return m, nil
}

// summarize counts results by action: "1 created, 0 configured, 1 unchanged".
func summarize(results []Result) string {
	n := map[Action]int{}
	for _, r := range results {
		n[r.Action]++
	}
	return fmt.Sprintf("%d created, %d configured, %d unchanged", n[Created], n[Configured], n[Unchanged])
}
