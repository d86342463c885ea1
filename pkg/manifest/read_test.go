package manifest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const model = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"

func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestParse(t *testing.T) {
	cases := []struct {
		name, body string
		docs       int
		// wantErr lists substrings the error must contain; empty means success.
		wantErr []string
	}{
		{name: "one", body: model, docs: 1},
		{name: "leading separator and comments", body: "---\n# c\n---\n" + model + "---\n# only a comment\n", docs: 1},
		{name: "two", body: model + "---\n" + model, docs: 2},
		{name: "integers stay integers", body: model + "data:\n  count: 3\n", docs: 1},
		{name: "malformed", body: "kind: [\n", wantErr: []string{`"f.yaml"`, "yaml"}},
		{name: "malformed second of two", body: model + "---\nkind: : x\n", wantErr: []string{`"f.yaml" document 2 of 2`}},
		{name: "duplicate key", body: model + "kind: Secret\n", wantErr: []string{`"f.yaml"`, "kind"}},
		{name: "list", body: "- a\n", wantErr: []string{"document is a list, not an object"}},
		{name: "scalar", body: "hello\n", wantErr: []string{"document is a string"}},
		{name: "no kind", body: "apiVersion: v1\n", wantErr: []string{"document has no kind"}},
		{name: "no apiVersion", body: "kind: X\n", wantErr: []string{"document has no apiVersion"}},
		{name: "empty", body: "", wantErr: []string{`"f.yaml": no YAML document`}},
		{name: "comments only", body: "# x\n---\n", wantErr: []string{"no YAML document"}},
		{name: "tab indentation", body: "apiVersion: v1\nkind: X\nmetadata:\n\tname: a\n", wantErr: []string{`"f.yaml"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			docs, err := Parse("f.yaml", []byte(tc.body))
			if len(tc.wantErr) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if len(docs) != tc.docs {
					t.Fatalf("got %d documents, want %d", len(docs), tc.docs)
				}
				for i, d := range docs {
					if d.Index != i || d.File != "f.yaml" || len(d.Raw) == 0 || d.Object.GetKind() == "" {
						t.Errorf("document %d: bad %+v", i, d)
					}
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want one containing %q", tc.wantErr)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			var me *Error
			if !errors.As(err, &me) || me.File != "f.yaml" {
				t.Errorf("error %v is not a *manifest.Error naming the file", err)
			}
		})
	}
}

func TestParseKeepsInt64(t *testing.T) {
	docs, err := Parse("f.yaml", []byte(model+"data:\n  count: 3\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := docs[0].Object.Object["data"].(map[string]interface{})["count"].(int64); !ok {
		t.Fatalf("count is %T, want int64 as the API server decodes it", docs[0].Object.Object["data"].(map[string]interface{})["count"])
	}
}

func TestReadDir(t *testing.T) {
	t.Run("sorted, yaml and yml only, not recursive", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, "b.yml", strings.Replace(model, "name: a", "name: b", 1))
		write(t, dir, "a.yaml", model)
		write(t, dir, "notes.txt", "not yaml")
		if err := os.Mkdir(filepath.Join(dir, "sub.yaml"), 0o755); err != nil {
			t.Fatal(err)
		}
		docs, err := ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(docs) != 2 || docs[0].Object.GetName() != "a" || docs[1].Object.GetName() != "b" {
			t.Fatalf("got %+v", docs)
		}
	})
	t.Run("missing", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "nope")
		_, err := ReadDir(dir)
		if err == nil || !strings.Contains(err.Error(), dir) || !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("empty", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, "README.md", "x")
		_, err := ReadDir(dir)
		if !errors.Is(err, ErrNoManifests) || !strings.Contains(err.Error(), "no manifests in "+`"`+dir) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("every broken file is reported", func(t *testing.T) {
		dir := t.TempDir()
		a := write(t, dir, "a.yaml", "kind: [\n")
		b := write(t, dir, "b.yaml", "- x\n")
		write(t, dir, "c.yaml", model)
		_, err := ReadDir(dir)
		if err == nil || !strings.Contains(err.Error(), a) || !strings.Contains(err.Error(), b) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "x.yaml")
		_, err := ReadFile(p)
		if err == nil || !strings.Contains(err.Error(), p) || !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestReadRepoManifests(t *testing.T) {
	for _, dir := range []string{"../../manifests/crds", "../../manifests/models", "../../manifests/test-assets"} {
		if _, err := ReadDir(dir); err != nil {
			t.Errorf("%s: %v", dir, err)
		}
	}
}

// Read takes a file or a directory, so commands accept either.
func TestReadFileOrDir(t *testing.T) {
	file, err := Read("../../manifests/models/qwen3-coder.yaml")
	if err != nil || len(file) != 1 || file[0].Object.GetName() != "qwen3-coder-30b-fp8" {
		t.Fatalf("Read(file) = %d docs, %v; want the qwen3-coder model", len(file), err)
	}
	dir, err := Read("../../manifests/models")
	if err != nil || len(dir) != 2 {
		t.Fatalf("Read(dir) = %d docs, %v; want 2 models", len(dir), err)
	}
	if _, err := Read("../../manifests/no-such-dir"); err == nil || !strings.Contains(err.Error(), "no-such-dir") {
		t.Fatalf("Read(missing) error %v does not name the path", err)
	}
}

// Where names a document as this package's errors do, so later steps (an
// apply the server refused) point at the same place.
func TestDocumentWhere(t *testing.T) {
	two, err := Parse("a.yaml", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: y}\n"))
	if err != nil {
		t.Fatal(err)
	}
	one, err := Parse("b.yaml", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: z}\n"))
	if err != nil {
		t.Fatal(err)
	}
	docs := append(two, one...)
	want := []string{`"a.yaml" document 1 of 2`, `"a.yaml" document 2 of 2`, `"b.yaml"`}
	for i := range want {
		if got := docs[i].Where(); got != want[i] {
			t.Errorf("%d: got %s, want %s", i, got, want[i])
		}
	}
}
