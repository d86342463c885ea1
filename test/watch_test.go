//go:build integration

package test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/watch"

	"github.com/efortin/vllm-chill/pkg/catalog"
)

func TestWatchSeesModifyAndDelete(t *testing.T) {
	m := newModel(t, "watch")
	created := mustApply(t, m)

	ctx, cancel := context.WithTimeout(context.Background(), 2*waitTimeout)
	defer cancel()
	events, err := suite.catalog.Watch(ctx, m.Spec.ServedModelName)
	if err != nil {
		t.Fatalf("watch %q: %v", m.Spec.ServedModelName, err)
	}
	// The watch starts with the current model; acting before it arrived
	// could fold the change into that first event.
	awaitEvent(t, events, "ADDED of the existing model", func(e catalog.Event) bool {
		return e.Type == watch.Added && e.Model.UID == created.UID
	})

	m.Spec.MaxNumSeqs = created.Spec.MaxNumSeqs + 8
	mustApply(t, m)
	awaitEvent(t, events, fmt.Sprintf("MODIFIED with maxNumSeqs %d", m.Spec.MaxNumSeqs), func(e catalog.Event) bool {
		return e.Type == watch.Modified && e.Model.Spec.MaxNumSeqs == m.Spec.MaxNumSeqs
	})

	if err := suite.catalog.Delete(ctxFor(t, callTimeout), m.Name); err != nil {
		t.Fatalf("delete %q: %v", m.Name, err)
	}
	awaitEvent(t, events, "DELETED", func(e catalog.Event) bool {
		return e.Type == watch.Deleted && e.Model.Name == m.Name
	})

	// The channel closes once the context ends, so watchers never leak.
	cancel()
	deadline := time.After(waitTimeout)
	for {
		select {
		case _, ok := <-events:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatalf("watch channel still open %s after its context ended", waitTimeout)
		}
	}
}

// awaitEvent reads events until one matches, within waitTimeout; the
// failure says what was awaited and what was seen instead.
func awaitEvent(t *testing.T, events <-chan catalog.Event, what string, match func(catalog.Event) bool) {
	t.Helper()
	var seen []string
	timeout := time.After(waitTimeout)
	for {
		select {
		case e, ok := <-events:
			if !ok {
				t.Fatalf("watch closed while awaiting %s; seen %v", what, seen)
			}
			seen = append(seen, describe(e))
			if match(e) {
				return
			}
		case <-timeout:
			t.Fatalf("no %s within %s; seen %v", what, waitTimeout, seen)
		}
	}
}

func describe(e catalog.Event) string {
	if e.Model == nil {
		return string(e.Type)
	}
	return fmt.Sprintf("%s %s rv=%s maxNumSeqs=%d", e.Type, e.Model.Name, e.Model.ResourceVersion, e.Model.Spec.MaxNumSeqs)
}
