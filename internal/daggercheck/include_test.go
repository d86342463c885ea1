package daggercheck

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIncludeFollowsImports: the module imports internal/a, which imports
// internal/b; dagger.json includes only internal/a, so the engine would not
// upload internal/b.
func TestIncludeFollowsImports(t *testing.T) {
	root := t.TempDir()
	for path, body := range map[string]string{
		".dagger/main.go":      "package main\n\nimport _ \"example.com/m/internal/a\"\n",
		"internal/a/a.go":      "package a\n\nimport _ \"example.com/m/internal/b\"\n",
		"internal/a/a_test.go": "package a\n\nimport _ \"example.com/m/internal/c\"\n",
		"internal/b/b.go":      "package b\n",
	} {
		if err := os.MkdirAll(filepath.Join(root, filepath.Dir(path)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, path), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := &moduleConfig{Source: ".dagger", Include: []string{"go.mod", "internal/a"}}
	problems, err := IncludeProblems(root, cfg, "example.com/m")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range problems {
		got = append(got, p.What)
	}
	text := strings.Join(got, "\n")
	for _, want := range []string{`include lacks "internal/b": internal/a imports example.com/m/internal/b`, `include lacks "go.sum"`} {
		if !strings.Contains(text, want) {
			t.Errorf("not reported: %s\ngot:\n%s", want, text)
		}
	}
	if strings.Contains(text, "internal/a\"") || strings.Contains(text, "internal/c") {
		t.Errorf("reported an included package or a test-only import:\n%s", text)
	}
}
