package catalog

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
)

func obj(t *testing.T, name, served, rv string) *unstructured.Unstructured {
	t.Helper()
	m := qwen()
	m.Name, m.Spec.ServedModelName, m.ResourceVersion = name, served, rv
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(m)
	if err != nil {
		t.Fatal(err)
	}
	return &unstructured.Unstructured{Object: u}
}

// TestWatchFilter replays informer events (as after a dropped watch and a
// relist) and checks what the watcher of served name "q" sees.
func TestWatchFilter(t *testing.T) {
	steps := []struct {
		in   watch.Event
		want watch.EventType // "" means nothing delivered
	}{
		{watch.Event{Type: watch.Added, Object: obj(t, "other", "x", "1")}, ""},
		{watch.Event{Type: watch.Added, Object: obj(t, "a", "q", "2")}, watch.Added},
		{watch.Event{Type: watch.Modified, Object: obj(t, "a", "q", "3")}, watch.Modified},
		{watch.Event{Type: watch.Modified, Object: obj(t, "a", "q", "3")}, ""}, // relist replay
		{watch.Event{Type: watch.Modified, Object: obj(t, "other", "x", "4")}, ""},
		{watch.Event{Type: watch.Modified, Object: obj(t, "a", "renamed", "5")}, watch.Deleted},
		{watch.Event{Type: watch.Modified, Object: obj(t, "a", "q", "6")}, watch.Added},
		{watch.Event{Type: watch.Deleted, Object: obj(t, "a", "q", "7")}, watch.Deleted},
		{watch.Event{Type: watch.Deleted, Object: obj(t, "other", "x", "8")}, ""},
		{watch.Event{Type: watch.Added, Object: obj(t, "b", "q", "9")}, watch.Added},
		{watch.Event{Type: watch.Bookmark, Object: &unstructured.Unstructured{}}, ""},
	}
	f := newFilter("q")
	for i, s := range steps {
		got, ok := f.next(s.in)
		if !ok {
			got.Type = ""
		}
		if got.Type != s.want {
			t.Fatalf("step %d: got %q, want %q", i, got.Type, s.want)
		}
		if ok && got.Model == nil {
			t.Fatalf("step %d: event without a model", i)
		}
	}
}
