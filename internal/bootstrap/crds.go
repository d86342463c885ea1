package bootstrap

import (
	"context"
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/efortin/vllm-chill/pkg/manifest"
)

var crdGVR = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// crdTarget is what must be true of an installed CRD before its resources
// can be used: the conditions below, and plural served in every listed
// group-version of discovery.
type crdTarget struct {
	Name          string
	Plural        string
	GroupVersions []string // e.g. "vllm.sir-alfred.io/v1alpha1", served versions only
}

// InstallCRDs server-side applies every CustomResourceDefinition in dir (a
// directory or a single file),
// then waits (bounded by Options.Timeout) until each is Established, its
// names are accepted, and every served version lists it in discovery. A
// document that is not a CRD is refused before anything is applied.
func (b *Bootstrapper) InstallCRDs(ctx context.Context, dir string) error {
	docs, err := manifest.Read(dir)
	if err != nil {
		return err
	}
	targets := make([]crdTarget, 0, len(docs))
	for _, d := range docs {
		t, err := targetOf(d.Object)
		if err != nil {
			return fmt.Errorf("install CRDs from %s: %w", d.Where(), err)
		}
		targets = append(targets, t)
	}
	done := b.progress.step()
	results, err := b.applyDocs(ctx, docs)
	if err != nil {
		return fmt.Errorf("install CRDs: %w", err)
	}
	done("applied %s from %s (%s)", plural(len(results), "CRD", "CRDs"), dir, summarize(results))

	if err := b.waitCRDs(ctx, targets); err != nil {
		return err
	}
	// Kinds from these CRDs must now resolve in ApplyDir.
	b.mapper.Reset()
	return nil
}

// targetOf checks that obj is an apiextensions.k8s.io/v1 CRD and reads
// what its readiness means.
func targetOf(obj *unstructured.Unstructured) (crdTarget, error) {
	gvk := obj.GroupVersionKind()
	if gvk.GroupKind() != (schema.GroupKind{Group: crdGVR.Group, Kind: "CustomResourceDefinition"}) || gvk.Version != crdGVR.Version {
		return crdTarget{}, fmt.Errorf("%s %q is not an apiextensions.k8s.io/v1 CustomResourceDefinition", gvk, obj.GetName())
	}
	t := crdTarget{Name: obj.GetName()}
	group, _, _ := unstructured.NestedString(obj.Object, "spec", "group")
	t.Plural, _, _ = unstructured.NestedString(obj.Object, "spec", "names", "plural")
	versions, _, _ := unstructured.NestedSlice(obj.Object, "spec", "versions")
	for _, v := range versions {
		m, _ := v.(map[string]any)
		name, _ := m["name"].(string)
		if served, _ := m["served"].(bool); served && name != "" {
			t.GroupVersions = append(t.GroupVersions, group+"/"+name)
		}
	}
	// A CRD without these is broken; the API server's own validation names
	// the field, so let the apply report it rather than guess here.
	return t, nil
}

// waitCRDs polls until every target is established and discoverable.
func (b *Bootstrapper) waitCRDs(ctx context.Context, targets []crdTarget) error {
	names := make([]string, len(targets))
	for i, t := range targets {
		names[i] = t.Name
	}
	what := fmt.Sprintf("CRD %s to be Established and served", strings.Join(names, ", "))
	b.progress.printf("waiting up to %s for %s", b.opts.Timeout, what)
	done := b.progress.step()
	pending := slices.Clone(targets)
	err := b.poll(ctx, what, func(ctx context.Context) error {
		for len(pending) > 0 {
			if err := b.crdReady(ctx, pending[0]); err != nil {
				return err
			}
			pending = pending[1:]
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("install CRDs: %w", err)
	}
	done("crds established (%s)", plural(len(targets), "CRD", "CRDs"))
	return nil
}

// crdReady returns nil when t is ready, else an error naming the CRD and
// what is missing (its conditions, or the discovery entry).
func (b *Bootstrapper) crdReady(ctx context.Context, t crdTarget) error {
	obj, err := b.dynamic.Resource(crdGVR).Get(ctx, t.Name, metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("read CRD %q: %w", t.Name, err)
	}
	conds := crdConditions(obj)
	if conds["Established"].status != "True" || conds["NamesAccepted"].status != "True" {
		return fmt.Errorf("CRD %q not established: conditions %s", t.Name, conds)
	}
	for _, gv := range t.GroupVersions {
		list, err := b.discovery.ServerResourcesForGroupVersionWithContext(ctx, gv)
		if err != nil {
			return fmt.Errorf("CRD %q established but %s not in discovery: %w", t.Name, gv, err)
		}
		if !slices.ContainsFunc(list.APIResources, func(r metav1.APIResource) bool { return r.Name == t.Plural }) {
			return fmt.Errorf("CRD %q established but discovery of %s does not list %q yet", t.Name, gv, t.Plural)
		}
	}
	return nil
}

type condition struct{ status, reason, message string }

// conditions prints as "[Established=False (Installing: ...), NamesAccepted=True]"
// so a timeout shows the API server's own explanation.
type conditions map[string]condition

func (c conditions) String() string {
	if len(c) == 0 {
		return "(none reported yet)"
	}
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		v := c[k]
		parts[i] = k + "=" + v.status
		if v.reason != "" || v.message != "" {
			parts[i] += fmt.Sprintf(" (%s: %s)", v.reason, v.message)
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func crdConditions(obj *unstructured.Unstructured) conditions {
	list, _, _ := unstructured.NestedSlice(obj.Object, "status", "conditions")
	out := conditions{}
	for _, c := range list {
		m, _ := c.(map[string]any)
		typ, _ := m["type"].(string)
		if typ == "" {
			continue
		}
		st, _ := m["status"].(string)
		reason, _ := m["reason"].(string)
		msg, _ := m["message"].(string)
		out[typ] = condition{st, reason, msg}
	}
	return out
}
