package repo

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRootFromBelowANestedModule(t *testing.T) {
	want, _ := filepath.Abs("../..")
	t.Chdir("../../tools/controlplane/etcd") // a nested module of its own
	got, err := Root()
	if err != nil || got != want {
		t.Errorf("Root() = %q, %v; want %q", got, err, want)
	}
	t.Chdir(os.TempDir())
	if _, err := Root(); err == nil {
		t.Errorf("Root() outside the repository succeeded")
	}
}
