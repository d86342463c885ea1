package daggercheck

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const fakeSDK = `package dagger

type Container struct{}
type ContainerOpts struct{ Platform string }
type Loadable[T any] interface{ Load(T) }
type Pair[K comparable, V any] struct{}
type hidden int

const ReturnTypeAny = "ANY"
const internalConst = 1

var Version = "v0"

func Connect() *Container { return nil }
func Generic[T any]() {}
func (c *Container) From(string) *Container { return c }
`

func TestListDeclsAndShim(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "sdk.go"), []byte(fakeSDK), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sdk_test.go"), []byte("package dagger\ntype FromTest int\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := listDecls(dir)
	if err != nil {
		t.Fatal(err)
	}
	wantTypes := map[string]string{"Container": "", "ContainerOpts": "", "Loadable": "[T any]", "Pair": "[K comparable, V any]"}
	if len(d.types) != len(wantTypes) {
		t.Errorf("types = %v, want %v", d.types, wantTypes)
	}
	for n, p := range wantTypes {
		if got, ok := d.types[n]; !ok || got != p {
			t.Errorf("type %s params = %q (present %v), want %q", n, got, ok, p)
		}
	}
	if !slices.Equal(d.consts, []string{"ReturnTypeAny"}) || !slices.Equal(d.values, []string{"Connect", "Version"}) {
		t.Errorf("consts = %v, values = %v", d.consts, d.values)
	}

	scratch := t.TempDir()
	if err := writeShim(scratch, "dagger/x", d); err != nil {
		t.Fatal(err)
	}
	shim, err := os.ReadFile(filepath.Join(scratch, "internal", "dagger", "dagger.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"type Pair[K comparable, V any] = sdk.Pair[K, V]",
		"const ReturnTypeAny = sdk.ReturnTypeAny",
		"var Connect = sdk.Connect",
	} {
		if !strings.Contains(string(shim), line) {
			t.Errorf("shim lacks %q:\n%s", line, shim)
		}
	}
	mainShim, err := os.ReadFile(filepath.Join(scratch, "zz_daggercheck.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(mainShim), `import "dagger/x/internal/dagger"`) || !strings.Contains(string(mainShim), "var dag *dagger.Client") {
		t.Errorf("main shim:\n%s", mainShim)
	}
}

func TestRelPath(t *testing.T) {
	in := "vet: ./k3s.go:3:1: x\n./main.go:1: y, see ../other"
	got := relPath.ReplaceAllString(in, "${1}.dagger/")
	want := "vet: .dagger/k3s.go:3:1: x\n.dagger/main.go:1: y, see ../other"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
