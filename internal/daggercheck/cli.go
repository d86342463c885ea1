package daggercheck

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strings"
)

// CLI is what `dagger call` offers, by CLI name: for each type, its functions,
// each with its flags and the type it returns. The module's objects come from
// its sources; the core types (Directory, File, Service, ...) from the Go SDK
// at the engine's version, whose methods mirror the engine's API.
type CLI struct {
	Main        string
	Constructor map[string]bool // flag → takes no value (bool)
	Types       map[string]map[string]*CLIFunction
	Checks      []string // CLI names of the +check functions
	ModuleTypes map[string]bool
}

// CLIFunction is one command of `dagger call`.
type CLIFunction struct {
	Flags   map[string]bool // flag → takes no value (bool)
	Returns string          // type name, "" for a scalar or nothing
}

// globalFlags are the flags of `dagger call` itself (cmd/dagger/main.go
// installGlobalFlags, module.go and functions.go at v0.21.8), mapped to
// whether they take no value.
var globalFlags = map[string]bool{
	"--workdir": false, "--progress": false, "--lock": false, "--interactive-command": false, "--x-release": false,
	"--dot-output": false, "--dot-focus-field": false, "-m": false, "--mod": false, "-o": false, "--output": false,
	"-v": true, "-vv": true, "-vvv": true, "--verbose": true, "-q": true, "--quiet": true, "-s": true, "--silent": true,
	"-d": true, "--debug": true, "-i": true, "--interactive": true, "-w": true, "--web": true, "-E": true, "--no-exit": true,
	"-y": true, "--auto-apply": true, "--dot-show-internal": true, "--cloud": true, "-j": true, "--json": true,
	"-h": true, "--help": true,
}

// NewCLI builds the CLI model of m with the core types of the SDK in sdkDir.
func NewCLI(m *Module, sdkDir string) (*CLI, error) {
	c := &CLI{Main: m.Main, Constructor: map[string]bool{}, Types: map[string]map[string]*CLIFunction{}, ModuleTypes: map[string]bool{}, Checks: m.Checks()}
	if err := c.addSDK(sdkDir); err != nil {
		return nil, err
	}
	for name, o := range m.Objects {
		c.ModuleTypes[name] = true
		fns := map[string]*CLIFunction{}
		for _, f := range o.Functions {
			fns[CLIName(FunctionName(f.GoName))] = &CLIFunction{Flags: flags(f.Args), Returns: typeName(f.Returns)}
		}
		c.Types[name] = fns
		if o.Constructor != nil {
			c.Constructor = flags(o.Constructor.Args)
		}
	}
	return c, nil
}

func flags(args []*Arg) map[string]bool {
	out := map[string]bool{}
	for _, a := range args {
		out["--"+CLIName(FunctionName(a.GoName))] = a.Type == "bool"
	}
	return out
}

// typeName reduces a Go result type to the CLI's type: *dagger.Directory →
// Directory, *Foo → Foo; scalars and lists have no functions.
func typeName(goType string) string {
	t := strings.TrimPrefix(strings.TrimPrefix(goType, "*"), "dagger.")
	if t == "" || strings.ContainsAny(t, "[]. ") || t == strings.ToLower(t) {
		return ""
	}
	return t
}

// addSDK reads the methods of every type of the SDK package: a method
// `func (r *Directory) Export(ctx, path string, opts ...DirectoryExportOpts)`
// is the command `export` of Directory with --path and the options' fields.
func (c *CLI) addSDK(dir string) error {
	fset := token.NewFileSet()
	files, err := parseDir(fset, dir, parser.SkipObjectResolution)
	if err != nil {
		return err
	}
	opts := map[string]map[string]bool{} // options struct → flags
	eachStruct(files, func(ts *ast.TypeSpec, st *ast.StructType) {
		if !strings.HasSuffix(ts.Name.Name, "Opts") {
			return
		}
		fl := map[string]bool{}
		for _, field := range st.Fields.List {
			for _, n := range field.Names {
				fl["--"+CLIName(FunctionName(n.Name))] = typeString(fset, field.Type) == "bool"
			}
		}
		opts[ts.Name.Name] = fl
	})
	for _, f := range files {
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || !fd.Name.IsExported() {
				continue
			}
			recv := receiverType(fd)
			if recv == "" || !ast.IsExported(recv) {
				continue
			}
			fn := &CLIFunction{Flags: map[string]bool{}}
			for _, p := range fd.Type.Params.List {
				t := typeString(fset, p.Type)
				switch {
				case t == "context.Context":
				case strings.HasPrefix(t, "..."):
					for k, v := range opts[strings.TrimPrefix(t, "...")] {
						fn.Flags[k] = v
					}
				default:
					for _, n := range p.Names {
						fn.Flags["--"+CLIName(FunctionName(n.Name))] = t == "bool"
					}
				}
			}
			if res := fd.Type.Results; res != nil && len(res.List) > 0 {
				fn.Returns = typeName(typeString(fset, res.List[0].Type))
			}
			if c.Types[recv] == nil {
				c.Types[recv] = map[string]*CLIFunction{}
			}
			c.Types[recv][CLIName(FunctionName(fd.Name.Name))] = fn
		}
	}
	for _, t := range []string{"Directory", "File", "Service", "Container"} {
		if len(c.Types[t]) == 0 {
			return fmt.Errorf("the SDK in %s has no functions for %s: is it dagger.io/dagger?", dir, t)
		}
	}
	return nil
}

// Check says what the CLI would refuse in the arguments of one `dagger call`
// (the words after "call"). A go-task variable ({{.CLI_ARGS}}) stands for
// flags and is passed over; any other placeholder (<fn>, $X, ...) ends the
// check: what follows it cannot be known.
func (c *CLI) Check(words []string) []string {
	// Flags before the function name: the constructor's, or dagger's own.
	i, why, done := skipFlags(words, 0, c.Constructor)
	if why != "" {
		return []string{why + " before the function name (constructor flags: " + keys(c.Constructor) + ")"}
	}
	for typ := c.Main; !done && i < len(words); {
		word := words[i]
		if placeholder(word) {
			return nil
		}
		fns := c.Types[typ]
		if typ == "" || len(fns) == 0 {
			return []string{fmt.Sprintf("%q follows a function whose result has no functions", word)}
		}
		fn, ok := fns[word]
		if !ok {
			what := "the module"
			if typ != c.Main {
				what = typ
			}
			return []string{fmt.Sprintf("%s has no function %q", what, word) + c.known(typ)}
		}
		if i, why, done = skipFlags(words, i+1, fn.Flags); why != "" {
			return []string{fmt.Sprintf("%s has %s (its flags: %s)", word, why, keys(fn.Flags))}
		}
		typ = fn.Returns
	}
	return nil
}

// skipFlags reads the flags from words[i] on, each known to take a value or
// not (dagger's own flags count everywhere), and returns where they end. An
// unknown flag is reported (why) and, since its value is unknown, ends the
// reading, as does a placeholder (done).
func skipFlags(words []string, i int, known map[string]bool) (next int, why string, done bool) {
	for ; i < len(words) && (strings.HasPrefix(words[i], "-") || isTemplate(words[i])); i++ {
		if isTemplate(words[i]) {
			continue
		}
		if placeholder(words[i]) {
			return i, "", true
		}
		name, _, hasValue := strings.Cut(words[i], "=")
		boolean, ok := known[name]
		if !ok {
			if boolean, ok = globalFlags[name]; !ok {
				return i, "no flag " + name, true
			}
		}
		if !boolean && !hasValue {
			i++ // its value
		}
	}
	return i, "", false
}

func (c *CLI) known(typ string) string {
	if !c.ModuleTypes[typ] {
		return ""
	}
	return " (its functions: " + keys(c.Types[typ]) + ")"
}

func isTemplate(w string) bool { return strings.HasPrefix(w, "{{") && strings.HasSuffix(w, "}}") }

func placeholder(w string) bool {
	return strings.ContainsAny(w, "{<$…") || strings.Contains(w, "...")
}

func keys[V any](m map[string]V) string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}
