package bootstrap

import (
	"testing"

	"github.com/efortin/vllm-chill/pkg/manifest"
)

func TestLocate(t *testing.T) {
	got := locate([]manifest.Document{
		{File: "a.yaml", Index: 0}, {File: "a.yaml", Index: 1}, {File: "b.yaml", Index: 0},
	})
	want := []string{`"a.yaml" document 1 of 2`, `"a.yaml" document 2 of 2`, `"b.yaml"`}
	for i := range want {
		if got[i].Where != want[i] {
			t.Errorf("%d: got %s, want %s", i, got[i].Where, want[i])
		}
	}
}
