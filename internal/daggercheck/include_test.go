package daggercheck

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeTree writes files (slash paths) under a new temp dir and, so that the
// views can list them as a clone would, makes it a git repository with every
// file added.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for path, body := range files {
		p := filepath.Join(root, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v: %s", args[0], err, out)
		}
	}
	return root
}

// fixtureModule is a repository example.com/m whose Dagger module imports a;
// a's test imports b, b imports c, and b's test imports d. An
// integration-tagged file of a imports e; an "ignore" file imports f.
func fixtureModule(include string) map[string]string {
	return map[string]string{
		"go.mod":          "module example.com/m\n\ngo 1.26\n",
		"dagger.json":     `{"name": "m", "engineVersion": "v0.21.8", "sdk": {"source": "go"}, "include": ` + include + `, "source": ".dagger"}` + "\n",
		".dagger/go.mod":  "module example.com/m/.dagger\n\ngo 1.26\n\nrequire example.com/m v0.0.0\n\nreplace example.com/m => ..\n",
		".dagger/main.go": "package main\n\nimport _ \"example.com/m/a\"\n",
		"a/a.go":          "package a\n",
		"a/a_test.go":     "package a\n\nimport _ \"example.com/m/b\"\n",
		"a/tagged.go":     "//go:build integration\n\npackage a\n\nimport _ \"example.com/m/e\"\n",
		"a/gen.go":        "//go:build ignore\n\npackage main\n\nimport _ \"example.com/m/f\"\n",
		"b/b.go":          "package b\n\nimport _ \"example.com/m/c\"\n",
		"b/b_test.go":     "package b_test\n\nimport _ \"example.com/m/d\"\n",
		"c/c.go":          "package c\n",
		"d/d.go":          "package d\n",
		"e/e.go":          "package e\n",
		"f/f.go":          "package f\n",
		".gitignore":      "/.cache\n",
	}
}

// TestIncludeForFollowsTidy: tidy resolves the tests of every package the
// module reaches, one level deep, whatever their build tags but "ignore".
func TestIncludeForFollowsTidy(t *testing.T) {
	root := writeTree(t, fixtureModule(`["go.mod"]`))
	got, why, err := Include(root, "example.com/m")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"go.mod", "go.sum", "a", "b", "c", "e"}
	if !slices.Equal(got, want) {
		t.Fatalf("include = %q, want %q (d is a test-only import of a test-only package; f is behind //go:build ignore)", got, want)
	}
	if !strings.Contains(why["b"], "tests of a") {
		t.Errorf("why b = %q, want it to name the tests of a", why["b"])
	}
}

func TestIncludeProblemsNameMissingAndExtra(t *testing.T) {
	root := writeTree(t, fixtureModule(`["go.mod", "go.sum", "a", "c", "e", "old"]`))
	cfg, err := readConfig(filepath.Join(root, "dagger.json"))
	if err != nil {
		t.Fatal(err)
	}
	problems, err := IncludeProblems(root, cfg, "example.com/m")
	if err != nil {
		t.Fatal(err)
	}
	var text []string
	for _, p := range problems {
		text = append(text, p.String())
	}
	got := strings.Join(text, "\n")
	for _, want := range []string{`include lacks "b": the tests of a import it`, `include has "old", which the module's load does not need`} {
		if !strings.Contains(got, want) {
			t.Errorf("not reported: %s\ngot:\n%s", want, got)
		}
	}
	if len(problems) != 2 {
		t.Errorf("%d problems, want 2:\n%s", len(problems), got)
	}
}

// TestUploadReplay replays the engine's load of the fixture: with an include
// that lacks b (needed by a's tests), go mod tidy fails in the upload as it
// did on the engine; with the derived include it passes.
func TestUploadReplay(t *testing.T) {
	root := writeTree(t, fixtureModule(`["go.mod", "go.sum", "a", "c", "e"]`))
	_, err := TypeCheck(root, false)
	if err == nil || !strings.Contains(err.Error(), "go mod tidy") || !strings.Contains(err.Error(), "example.com/m/b") {
		t.Fatalf("replay with b missing: err = %v, want go mod tidy failing on example.com/m/b", err)
	}
	if _, err := WriteInclude(root, "example.com/m"); err != nil {
		t.Fatal(err)
	}
	line, err := TypeCheck(root, false)
	if err != nil {
		t.Fatalf("replay with the derived include: %v", err)
	}
	t.Log(line)
}

func TestReplaceIncludeKeepsTheRest(t *testing.T) {
	in := "{\n  \"name\": \"m\",\n  \"include\": [\"go.mod\"],\n  \"source\": \".dagger\"\n}\n"
	out, err := replaceInclude([]byte(in), []string{"go.mod", "a"})
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"name\": \"m\",\n  \"include\": [\n    \"go.mod\",\n    \"a\"\n  ],\n  \"source\": \".dagger\"\n}\n"
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	out, err = replaceInclude([]byte("{\n  \"name\": \"m\"\n}\n"), []string{"a"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"name\": \"m\",\n  \"include\": [\n    \"a\"\n  ]\n}\n"; string(out) != want {
		t.Errorf("without include: got\n%s\nwant\n%s", out, want)
	}
}

// TestFilterFilesAsBuildkit pins the pattern rules the engine applies
// (moby/patternmatcher, MatchesOrParentMatches): anchored at the root, `*`
// within one path element, `**` across them, a folder drops what is below
// it, `!` re-includes.
func TestFilterFilesAsBuildkit(t *testing.T) {
	files := []string{
		"coverage/unit.out", "internal/coverage/run.go", "a/b/c.test", "c.test", "x.out",
		"docs/a.md", "docs/sub/b.md", ".cache/bin/tool", "internal/contract/c.go",
		"internal/contract/sub/d.go", "internal/contractor/e.go", ".dagger/internal/dagger/gen.go", ".dagger/main.go",
	}
	got, err := filterFiles(files, nil, []string{"coverage", "**/*.test", "*.out", "docs/*", "!docs/sub", ".cache", ".dagger/internal"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"internal/coverage/run.go", "docs/sub/b.md", "internal/contract/c.go", "internal/contract/sub/d.go", "internal/contractor/e.go", ".dagger/main.go"}
	if !slices.Equal(got, want) {
		t.Errorf("exclude: got %q\nwant %q", got, want)
	}
	got, err = filterFiles(files, []string{"internal/contract", "c.test"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"c.test", "internal/contract/c.go", "internal/contract/sub/d.go"}; !slices.Equal(got, want) {
		t.Errorf("include: got %q\nwant %q", got, want)
	}
}

// viewFixture is a module whose constructor's +ignore drops data/, which a
// test reads.
func viewFixture(ignore string) map[string]string {
	return map[string]string{
		"go.mod":          "module example.com/v\n\ngo 1.26\n",
		"dagger.json":     `{"name": "v", "engineVersion": "v0.21.8", "sdk": {"source": "go"}, "source": ".dagger"}` + "\n",
		".dagger/main.go": "package main\n\ntype V struct{}\n\nfunc New(\n\t// +defaultPath=\"/\"\n\t// +ignore=" + ignore + "\n\tsource *dagger.Directory,\n) *V {\n\treturn &V{}\n}\n",
		"data/x.txt":      "x\n",
		"p/p.go":          "package p\n",
		"p/p_test.go":     "package p\n\nimport (\n\t\"os\"\n\t\"testing\"\n)\n\nfunc TestReadsData(t *testing.T) {\n\tif _, err := os.ReadFile(\"../data/x.txt\"); err != nil {\n\t\tt.Fatal(err)\n\t}\n}\n",
	}
}

// TestInSourceView: a test that reads a folder the constructor's +ignore
// drops passes on the host and fails in the replayed view, named.
func TestInSourceView(t *testing.T) {
	root := writeTree(t, viewFixture(`["data", ".dagger"]`))
	files, err := SourceViewFiles(root)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"dagger.json", "go.mod", "p/p.go", "p/p_test.go"}; !slices.Equal(files, want) {
		t.Errorf("view = %q, want %q", files, want)
	}
	err = UnitTestsInView(context.Background(), root, []string{"-count=1"}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "--- FAIL: TestReadsData") {
		t.Fatalf("err = %v, want TestReadsData named", err)
	}
	root = writeTree(t, viewFixture(`[".dagger"]`))
	if err := UnitTestsInView(context.Background(), root, []string{"-count=1"}, io.Discard); err != nil {
		t.Fatalf("nothing the test reads is dropped, yet: %v", err)
	}
}
