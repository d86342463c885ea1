package daggercheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
)

// What the module's load needs of the repository, derived the way the Go
// SDK's `go mod tidy` (run in the source folder on every load) reaches it:
// tidy loads the "all" pattern with tests, as if every build tag were set
// but "ignore" (cmd/go/internal/modload: every package in "all" is a root,
// and LoadTests loads the test of every root). So it resolves
//   - every package the module's packages import, with their tests' imports,
//     recursively (the module is the main module), and
//   - for each of those, the imports of its own tests, with what those
//     import in turn, but not the tests of the test-only packages.
// A package of the repository that tidy resolves and the upload lacks fails
// the load before any function runs.

// goImports are one package directory's imports of modulePath's packages.
type goImports struct {
	code, tests []string // imports of the non-test files, of the _test files
}

// readImports parses every Go file of dir, whatever its build constraints
// but "ignore" (as tidy does), and returns its imports below modulePath.
func readImports(dir, modulePath string) (goImports, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return goImports{}, err
	}
	var imp goImports
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ImportsOnly|parser.ParseComments)
		if err != nil {
			return goImports{}, fmt.Errorf("read the imports of %s: %w", filepath.Join(dir, name), err)
		}
		if ignoredFile(f.Comments, f.Package) {
			continue
		}
		list := &imp.code
		if strings.HasSuffix(name, "_test.go") {
			list = &imp.tests
		}
		for _, spec := range f.Imports {
			path := strings.Trim(spec.Path.Value, `"`)
			if (path == modulePath || strings.HasPrefix(path, modulePath+"/")) && !slices.Contains(*list, path) {
				*list = append(*list, path)
			}
		}
	}
	return imp, nil
}

// ignoredFile reports a `//go:build` line that needs the "ignore" tag: the
// one constraint tidy keeps.
func ignoredFile(comments []*ast.CommentGroup, pkg token.Pos) bool {
	for _, cg := range comments {
		if cg.Pos() > pkg {
			break
		}
		for _, c := range cg.List {
			if !constraint.IsGoBuild(c.Text) {
				continue
			}
			expr, err := constraint.Parse(c.Text)
			if err != nil {
				return false
			}
			// True for every tag but ignore: a file that then fails is for
			// "ignore" alone.
			return !expr.Eval(func(tag string) bool { return tag != "ignore" })
		}
	}
	return false
}

// dirOf is the repository folder of an import path below modulePath.
func dirOf(modulePath, importPath string) string {
	rel := strings.TrimPrefix(strings.TrimPrefix(importPath, modulePath), "/")
	if rel == "" {
		return "."
	}
	return rel
}

// IncludeFor derives dagger.json's "include" for the module of the
// repository at root: go.mod and go.sum (the module replaces modulePath with
// the repository), then every package folder tidy resolves, sorted. why
// says, for each folder, what reaches it.
func IncludeFor(root string, cfg *moduleConfig, modulePath string) (include []string, why map[string]string, err error) {
	why = map[string]string{}
	cache := map[string]goImports{}
	imports := func(dir string) (goImports, error) {
		if imp, ok := cache[dir]; ok {
			return imp, nil
		}
		imp, err := readImports(filepath.Join(root, filepath.FromSlash(dir)), modulePath)
		if os.IsNotExist(err) {
			return imp, fmt.Errorf("%s (%s) is imported but not in the repository", dir, why[dir])
		}
		cache[dir] = imp
		return imp, err
	}
	// closure adds dir and what its non-test files import, recursively.
	var closure func(dir, reason string, into map[string]bool) error
	closure = func(dir, reason string, into map[string]bool) error {
		if into[dir] || strings.HasPrefix(dir+"/", cfg.Source+"/") {
			return nil
		}
		into[dir] = true
		if _, ok := why[dir]; !ok {
			why[dir] = reason
		}
		imp, err := imports(dir)
		if err != nil {
			return err
		}
		for _, p := range imp.code {
			if err := closure(dirOf(modulePath, p), dir+" imports it", into); err != nil {
				return err
			}
		}
		return nil
	}

	// "all": the module's own packages (code and tests), and what they import.
	all := map[string]bool{}
	srcDirs, err := packageDirs(filepath.Join(root, filepath.FromSlash(cfg.Source)))
	if err != nil {
		return nil, nil, err
	}
	for _, d := range srcDirs {
		imp, err := readImports(d, modulePath)
		if err != nil {
			return nil, nil, err
		}
		for _, p := range append(imp.code, imp.tests...) {
			if err := closure(dirOf(modulePath, p), "the module imports it", all); err != nil {
				return nil, nil, err
			}
		}
	}
	// Then the tests of everything in "all", one level deep.
	need := map[string]bool{}
	for dir := range all {
		need[dir] = true
	}
	for dir := range all {
		for _, p := range cache[dir].tests {
			if err := closure(dirOf(modulePath, p), "the tests of "+dir+" import it (go mod tidy resolves them)", need); err != nil {
				return nil, nil, err
			}
		}
	}
	if len(need) == 0 {
		return nil, why, nil
	}
	include = []string{"go.mod", "go.sum"}
	for _, f := range include {
		why[f] = cfg.Source + "/go.mod replaces " + modulePath + " with the repository"
	}
	dirs := make([]string, 0, len(need))
	for d := range need {
		dirs = append(dirs, d)
	}
	slices.Sort(dirs)
	return append(include, dirs...), why, nil
}

// packageDirs lists dir and its subfolders that hold Go files, leaving out
// what the go command ignores (testdata, _ and . folders) and the engine's
// generated client.
func packageDirs(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			rel, _ := filepath.Rel(dir, path)
			name := d.Name()
			if path != dir && (name == "testdata" || strings.HasPrefix(name, "_") || strings.HasPrefix(name, ".") || slices.Contains(generated, filepath.ToSlash(rel))) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".go") && !slices.Contains(out, filepath.Dir(path)) {
			out = append(out, filepath.Dir(path))
		}
		return nil
	})
	return out, err
}

// WriteInclude rewrites the "include" array of root's dagger.json to the
// derived list, leaving every other byte of the file as it is, and says
// whether it changed.
func WriteInclude(root, modulePath string) (bool, error) {
	path := filepath.Join(root, "dagger.json")
	data, err := os.ReadFile(path)
	if err != nil {
		return false, err
	}
	cfg, err := readConfig(path)
	if err != nil {
		return false, err
	}
	want, _, err := IncludeFor(root, cfg, modulePath)
	if err != nil {
		return false, err
	}
	if slices.Equal(want, cfg.Include) {
		return false, nil
	}
	out, err := replaceInclude(data, want)
	if err != nil {
		return false, fmt.Errorf("%s: %w", path, err)
	}
	return true, os.WriteFile(path, out, 0o644)
}

// replaceInclude puts include, one entry a line, in place of the value of
// the top-level "include" key of a dagger.json (added before "source", or
// last, when there is none).
func replaceInclude(data []byte, include []string) ([]byte, error) {
	var b strings.Builder
	b.WriteString("[")
	for i, inc := range include {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "\n    %q", inc)
	}
	b.WriteString("\n  ]")
	start, end, err := keySpan(data, "include")
	if err != nil {
		return nil, err
	}
	if start < 0 {
		// No include yet: add it as the last key.
		i := bytes.LastIndexByte(data, '}')
		if i < 0 {
			return nil, errors.New("no closing brace")
		}
		j := bytes.LastIndexFunc(data[:i], func(r rune) bool { return !unicode.IsSpace(r) })
		return slices.Concat(data[:j+1], []byte(",\n  \"include\": "+b.String()+"\n"), data[i:]), nil
	}
	return slices.Concat(data[:start], []byte(b.String()), data[end:]), nil
}

// keySpan is the byte span of the value of a top-level key of a JSON
// object, or -1 when the key is absent.
func keySpan(data []byte, key string) (start, end int, err error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return 0, 0, fmt.Errorf("not a JSON object (%v)", err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return 0, 0, err
		}
		var raw json.RawMessage
		before := dec.InputOffset()
		if err := dec.Decode(&raw); err != nil {
			return 0, 0, err
		}
		if tok == key {
			end = int(dec.InputOffset())
			// The value starts after the colon and any space.
			start = int(before) + bytes.Index(data[before:end], []byte(strings.TrimSpace(string(raw))[:1]))
			return start, end, nil
		}
	}
	return -1, -1, nil
}

// Include derives the include of the repository at root (IncludeFor, with
// its dagger.json).
func Include(root, modulePath string) ([]string, map[string]string, error) {
	cfg, err := readConfig(filepath.Join(root, "dagger.json"))
	if err != nil {
		return nil, nil, err
	}
	return IncludeFor(root, cfg, modulePath)
}
