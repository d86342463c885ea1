package bootstrap

import (
	"bytes"
	"testing"
	"time"
)

func TestProgressStepLine(t *testing.T) {
	var out bytes.Buffer
	p := newProgress(&out)
	now := time.Unix(0, 0)
	p.now = func() time.Time { return now }
	done := p.step()
	now = now.Add(310 * time.Millisecond)
	done("crds established (%s)", plural(1, "CRD", "CRDs"))
	if got, want := out.String(), "bootstrap: crds established (1 CRD) in 0.31s\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestProgressNilWriter(t *testing.T) {
	newProgress(nil).printf("discarded %d", 1) // must not panic
}

func TestPlural(t *testing.T) {
	if got := plural(2, "CRD", "CRDs"); got != "2 CRDs" {
		t.Fatal(got)
	}
}
