package catalog

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"

	"github.com/efortin/vllm-chill/api/v1alpha1"
)

// Event is a change to the watched model.
type Event struct {
	// Type is watch.Added, watch.Modified or watch.Deleted.
	Type  watch.EventType
	Model *v1alpha1.VLLMModel
}

// Watch follows the model served as servedName (the same rule as Get). The
// current model, if any, comes first as Added. A model that starts or stops
// claiming the name (its spec.servedModelName changed) comes as Added or
// Deleted. The watch is backed by an informer, so a dropped connection or an
// expired resourceVersion is resumed by relisting; events replayed by a
// relist with an unchanged resourceVersion are not delivered twice. The
// channel is closed once ctx is done and the informer has stopped.
func (c *Catalog) Watch(ctx context.Context, servedName string) (<-chan Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("watch model served as %q: %w", servedName, err)
	}
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return c.models.List(ctx, o)
		},
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			return c.models.Watch(ctx, o)
		},
	}
	_, _, w, done := watchtools.NewIndexerInformerWatcher(lw, &unstructured.Unstructured{})
	out := make(chan Event)
	go func() {
		defer close(out)
		defer func() { <-done }() // the informer's goroutines end before the channel closes
		defer w.Stop()
		f := newFilter(servedName)
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-w.ResultChan():
				if !ok {
					return
				}
				e, ok := f.next(ev)
				if !ok {
					continue
				}
				select {
				case out <- e:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}

// filter turns informer events for all models into events for the model
// served as one name. It remembers, per metadata.name, the resourceVersion
// last delivered: that is how it knows a model stopped matching, and how it
// drops the replays of a relist.
type filter struct {
	served string
	seen   map[string]string // metadata.name -> resourceVersion delivered
}

func newFilter(served string) *filter {
	return &filter{served: served, seen: map[string]string{}}
}

func (f *filter) next(ev watch.Event) (Event, bool) {
	u, ok := ev.Object.(*unstructured.Unstructured)
	if !ok {
		return Event{}, false
	}
	m, err := toModel(u)
	if err != nil {
		return Event{}, false
	}
	rv, was := f.seen[m.Name]
	matches := m.Spec.ServedModelName == f.served
	switch {
	case ev.Type == watch.Deleted:
		if !was {
			return Event{}, false
		}
		delete(f.seen, m.Name)
		return Event{Type: watch.Deleted, Model: m}, true
	case !matches && was:
		// It no longer answers to the name: for the watcher it is gone.
		delete(f.seen, m.Name)
		return Event{Type: watch.Deleted, Model: m}, true
	case !matches:
		return Event{}, false
	case was && rv == m.ResourceVersion:
		return Event{}, false
	}
	f.seen[m.Name] = m.ResourceVersion
	if !was {
		return Event{Type: watch.Added, Model: m}, true
	}
	return Event{Type: watch.Modified, Model: m}, true
}
