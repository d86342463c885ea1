package daggercheck

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/iancoleman/strcase"
)

// Module is what a Go SDK module exposes, as read from its sources: the
// objects (the main one and any other exported struct with functions), each
// with its functions and their arguments, by their Go names.
type Module struct {
	Name    string // dagger.json name
	Main    string // Go type of the main object
	Objects map[string]*Object
}

// Object is one exported struct type of the module.
type Object struct {
	GoName      string
	Constructor *Function // New, for the main object
	Functions   []*Function
}

// Function is a method, the constructor, or a public field (the engine
// exposes a field without +private as a function with no arguments).
type Function struct {
	GoName  string
	Pos     token.Position
	Args    []*Arg
	Returns string // Go type of the first result, "" for none (error only)
	Pragmas map[string]string
}

// Arg is one argument of a function; ctx context.Context is not one.
type Arg struct {
	GoName   string
	Pos      token.Position
	Type     string
	Optional bool   // +optional, +default or +defaultPath
	Default  string // the +default pragma's value as written (JSON), "" without one
	// DefaultPath and Ignore are the +defaultPath and +ignore pragmas of a
	// contextual Directory argument, as written (Ignore is a JSON array).
	DefaultPath string
	Ignore      string
}

// Function finds a function of o by Go name.
func (o *Object) Function(goName string) *Function {
	for _, f := range o.Functions {
		if f.GoName == goName {
			return f
		}
	}
	return nil
}

// parseDir parses the Go files of one directory that the host's build would
// use, tests and the files named in skip aside.
func parseDir(fset *token.FileSet, dir string, mode parser.Mode, skip ...string) ([]*ast.File, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []*ast.File
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") || slices.Contains(skip, name) {
			continue
		}
		if ok, err := build.Default.MatchFile(dir, name); err != nil || !ok {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, mode)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", filepath.Join(dir, name), err)
		}
		files = append(files, f)
	}
	return files, nil
}

// ReadModule parses the Go files of a module's source directory (the engine's
// generated files and tests aside). name is dagger.json's name: the main
// object is its Go type, strcase.ToCamel(name), as the Go SDK expects.
func ReadModule(dir, name string) (*Module, error) {
	fset := token.NewFileSet()
	// dagger.gen.go is the engine's, written by `dagger develop`.
	files, err := parseDir(fset, dir, parser.ParseComments, "dagger.gen.go")
	if err != nil {
		return nil, err
	}
	m := &Module{Name: name, Main: strcase.ToCamel(name), Objects: map[string]*Object{}}
	// Objects first: methods may come before their type in file order.
	eachStruct(files, func(ts *ast.TypeSpec, st *ast.StructType) {
		if !ts.Name.IsExported() {
			return
		}
		o := &Object{GoName: ts.Name.Name}
		for _, field := range st.Fields.List {
			for _, n := range field.Names {
				if n.IsExported() && !hasPragma(field.Doc, "private") {
					o.Functions = append(o.Functions, &Function{GoName: n.Name, Pos: fset.Position(n.Pos()), Returns: typeString(fset, field.Type)})
				}
			}
		}
		m.Objects[o.GoName] = o
	})
	main := m.Objects[m.Main]
	if main == nil {
		return nil, fmt.Errorf("%s: no exported struct %s (the main object of module %q)", dir, m.Main, name)
	}
	for _, f := range files {
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || !fd.Name.IsExported() {
				continue
			}
			fn := readFunction(fset, f, fd)
			switch {
			case fd.Recv == nil && fd.Name.Name == "New":
				main.Constructor = fn
			case fd.Recv != nil:
				if o := m.Objects[receiverType(fd)]; o != nil {
					o.Functions = append(o.Functions, fn)
				}
			}
		}
	}
	return m, nil
}

// eachStruct calls fn with every struct type declared in files.
func eachStruct(files []*ast.File, fn func(*ast.TypeSpec, *ast.StructType)) {
	for _, f := range files {
		for _, decl := range f.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.TYPE {
				continue
			}
			for _, spec := range gen.Specs {
				ts := spec.(*ast.TypeSpec)
				if st, ok := ts.Type.(*ast.StructType); ok {
					fn(ts, st)
				}
			}
		}
	}
}

func receiverType(fd *ast.FuncDecl) string {
	t := fd.Recv.List[0].Type
	if star, ok := t.(*ast.StarExpr); ok {
		t = star.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

func readFunction(fset *token.FileSet, f *ast.File, fd *ast.FuncDecl) *Function {
	fn := &Function{GoName: fd.Name.Name, Pos: fset.Position(fd.Name.Pos()), Pragmas: pragmas(fd.Doc)}
	if res := fd.Type.Results; res != nil && len(res.List) > 0 {
		if t := typeString(fset, res.List[0].Type); t != "error" {
			fn.Returns = t
		}
	}
	for _, field := range fd.Type.Params.List {
		t := typeString(fset, field.Type)
		if t == "context.Context" {
			continue
		}
		doc := paramDoc(fset, f, field)
		p := pragmas(doc)
		_, opt := p["optional"]
		defValue, def := p["default"]
		path, defPath := p["defaultPath"]
		for _, n := range field.Names {
			fn.Args = append(fn.Args, &Arg{GoName: n.Name, Pos: fset.Position(n.Pos()), Type: t, Optional: opt || def || defPath,
				Default: defValue, DefaultPath: strings.Trim(path, `"`), Ignore: p["ignore"]})
		}
	}
	return fn
}

// paramDoc is the comment group that ends on the line before a parameter:
// where the Go SDK reads an argument's description and pragmas.
func paramDoc(fset *token.FileSet, f *ast.File, field *ast.Field) *ast.CommentGroup {
	line := fset.Position(field.Pos()).Line
	for _, cg := range f.Comments {
		if fset.Position(cg.End()).Line == line-1 {
			return cg
		}
	}
	return nil
}

// pragmas reads "+name" and "+name=value" lines of a comment group.
func pragmas(cg *ast.CommentGroup) map[string]string {
	out := map[string]string{}
	if cg == nil {
		return out
	}
	for _, c := range cg.List {
		text := strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(c.Text, "//"), "/*"))
		if !strings.HasPrefix(text, "+") {
			continue
		}
		name, value, _ := strings.Cut(text[1:], "=")
		out[name] = value
	}
	return out
}

func hasPragma(cg *ast.CommentGroup, name string) bool {
	_, ok := pragmas(cg)[name]
	return ok
}

func typeString(fset *token.FileSet, e ast.Expr) string {
	var b strings.Builder
	_ = printer.Fprint(&b, fset, e)
	return b.String()
}

// Checks are the CLI names of the main object's functions marked +check.
func (m *Module) Checks() []string {
	var out []string
	for _, f := range m.Objects[m.Main].Functions {
		if _, ok := f.Pragmas["check"]; ok {
			out = append(out, CLIName(FunctionName(f.GoName)))
		}
	}
	slices.Sort(out)
	return out
}
