// Package oscheck type-checks this module's packages as another OS would
// build them (macOS from a Linux CI), without compiling anything: code that
// builds only on Linux (syscall.SysProcAttr{Pdeathsig: ...} in an untagged
// file) is reported with its file and line.
//
// `GOOS=darwin go vet` finds the same errors, but it compiles every
// dependency (client-go, apiserver, go-task, ...) for darwin first, since
// vet needs their export data: with an empty cache that is 6 minutes of CPU
// per target (14 minutes on 2 busy cores). Here the dependencies and the
// standard library are parsed and type-checked from source for the target,
// with their function bodies dropped, since only their declarations can make
// this module's code wrong, and no code is generated: 8 s of CPU per target.
package oscheck

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

// Target is a GOOS/GOARCH pair.
type Target struct{ GOOS, GOARCH string }

func (t Target) String() string { return t.GOOS + "/" + t.GOARCH }

// ParseTarget reads "darwin/arm64".
func ParseTarget(s string) (Target, error) {
	goos, goarch, ok := strings.Cut(s, "/")
	if !ok || goos == "" || goarch == "" || strings.Contains(goarch, "/") {
		return Target{}, fmt.Errorf("target %q is not GOOS/GOARCH", s)
	}
	return Target{goos, goarch}, nil
}

// Problem is one error that would stop `go build` or `go vet` of a package
// for the target.
type Problem struct {
	Pos string // file:line:col relative to the checked directory, or the package when there is no position
	Msg string
}

func (p Problem) String() string { return p.Pos + ": " + p.Msg }

// Result is what one target's check saw.
type Result struct {
	Target   Target
	Packages int // packages of the directory checked (a package and its test variant count once)
	Problems []Problem
}

// Check loads the packages that patterns match in dir (with their tests) as
// `go build -tags tags` would for target, type-checks them from source and
// returns their errors. Errors inside dependencies are not this module's to
// fix and their bodies are not checked, so only their list and parse errors
// (which break a build too) are kept.
func Check(ctx context.Context, dir string, target Target, tags []string, patterns ...string) (Result, error) {
	res := Result{Target: target}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return res, err
	}
	roots := []string{abs}
	// go list may report files under the resolved path (macOS temp dirs
	// live behind the /var → /private/var link).
	if real, err := filepath.EvalSymlinks(abs); err == nil && real != abs {
		roots = append(roots, real)
	}
	var flags []string
	if len(tags) > 0 {
		flags = append(flags, "-tags="+strings.Join(tags, ","))
	}
	cfg := &packages.Config{
		Context: ctx,
		Dir:     abs,
		// NeedDeps with NeedSyntax makes go/packages type-check every
		// dependency from source instead of asking `go list -export` for
		// export data, which would compile them. NeedTypesInfo is left out:
		// the checker reports every error without it, and its maps would
		// hold an entry for each expression of every dependency.
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedImports | packages.NeedDeps |
			packages.NeedTypes | packages.NeedSyntax,
		// CGO_ENABLED=0 as in a cross build from Linux (there is no darwin C
		// toolchain here); this module has no cgo of its own.
		Env:        append(os.Environ(), "GOOS="+target.GOOS, "GOARCH="+target.GOARCH, "CGO_ENABLED=0"),
		BuildFlags: flags,
		// Test files build on macOS too (go test), and go vet checks them.
		Tests:     true,
		ParseFile: parseFile(roots),
	}
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return res, fmt.Errorf("load %s for %s: %w", strings.Join(patterns, " "), target, err)
	}
	// A package and its test variant ("p [p.test]") share files, so they
	// report the same error twice, worded differently when the variant
	// sees two packages of one name (syscall and internal/runtime/syscall
	// make it write "syscall".SysProcAttr): kept once, in the plain
	// package's wording.
	byPos := map[string]int{}
	ours := map[string]bool{}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		// The generated test main (ID "p.test") lives in the build cache;
		// an external test package (p_test) is counted as p.
		if len(p.GoFiles) > 0 && within(roots, p.GoFiles[0]) {
			ours[strings.TrimSuffix(p.PkgPath, "_test")] = true
		}
		variant := strings.Contains(p.ID, " [")
		for _, e := range p.Errors {
			file, _, _ := strings.Cut(e.Pos, ":")
			if e.Kind == packages.TypeError && !within(roots, file) {
				continue
			}
			pr := Problem{Pos: relative(roots, e.Pos), Msg: e.Msg}
			if e.Pos == "" || e.Pos == "-" {
				pr.Pos = p.ID
			}
			key := pr.Pos + "\x00" + strings.ReplaceAll(pr.Msg, `"`, "")
			if i, ok := byPos[key]; ok {
				if !variant {
					res.Problems[i] = pr
				}
				continue
			}
			byPos[key] = len(res.Problems)
			res.Problems = append(res.Problems, pr)
		}
	})
	res.Packages = len(ours)
	slices.SortFunc(res.Problems, func(a, b Problem) int { return strings.Compare(a.String(), b.String()) })
	return res, nil
}

// parseFile parses a file as go/packages would, but drops the function
// bodies of files outside roots: the type checker then checks only the
// declarations of dependencies, which is all this module's code can see.
func parseFile(roots []string) func(*token.FileSet, string, []byte) (*ast.File, error) {
	return func(fset *token.FileSet, filename string, src []byte) (*ast.File, error) {
		f, err := parser.ParseFile(fset, filename, src, parser.AllErrors|parser.ParseComments|parser.SkipObjectResolution)
		if f != nil && !within(roots, filename) {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok {
					fd.Body = nil
				}
			}
		}
		return f, err
	}
}

func within(roots []string, file string) bool {
	for _, r := range roots {
		if rel, err := filepath.Rel(r, file); err == nil && filepath.IsLocal(rel) {
			return true
		}
	}
	return false
}

func relative(roots []string, pos string) string {
	for _, r := range roots {
		if rest, ok := strings.CutPrefix(pos, r+string(filepath.Separator)); ok {
			return rest
		}
	}
	return pos
}
