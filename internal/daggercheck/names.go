package daggercheck

import (
	"fmt"
	"slices"
	"strings"

	"github.com/iancoleman/strcase"
)

// The engine's naming, as dagger v0.21.8 applies it with strcase v0.3.0
// (pinned in go.mod to the engine's version):
//
//   - a function's GraphQL name is strcase.ToLowerCamel of its Go name
//     (core/typedef.go NewFunction), and its CLI name strcase.ToKebab of that
//     (cmd/dagger/module_inspect.go cliName);
//   - an argument is stored under ToLowerCamel of its Go name, and a call's
//     inputs are looked up under ToLowerCamel of that again
//     (core/modfunc.go setCallInputs): a name that changes on the second pass
//     fails every call that passes it with `find arg "…"`;
//   - its flag is "--" + ToKebab of the GraphQL name.

// FunctionName is the GraphQL name of a function or argument.
func FunctionName(goName string) string { return strcase.ToLowerCamel(goName) }

// LookupName is the name the engine looks an argument up by.
func LookupName(goName string) string { return strcase.ToLowerCamel(strcase.ToLowerCamel(goName)) }

// CLIName is the command or flag name (without "--") of a GraphQL name.
func CLIName(graphQLName string) string { return strcase.ToKebab(graphQLName) }

// Problem is one thing the engine or the CLI would get wrong, where it is.
type Problem struct {
	Where string // file:line
	What  string
}

func (p Problem) String() string { return p.Where + ": " + p.What }

// NameProblems lists every function and argument of m whose name the engine
// or the CLI would not keep: an argument the engine looks up under another
// name, or a CLI name that breaks the Go name apart at a digit (K3s is
// listed as k-3-s, which nobody types).
func NameProblems(m *Module) []Problem {
	var out []Problem
	for _, o := range sortedObjects(m) {
		fns := o.Functions
		if o.Constructor != nil {
			fns = append([]*Function{o.Constructor}, fns...)
		}
		for _, f := range fns {
			if f != o.Constructor {
				if why := shapeLost(f.GoName); why != "" {
					out = append(out, Problem{pos(f.Pos), fmt.Sprintf("function %s.%s: %s", o.GoName, f.GoName, why)})
				}
			}
			for _, a := range f.Args {
				gql, lookup := FunctionName(a.GoName), LookupName(a.GoName)
				if gql != lookup {
					out = append(out, Problem{pos(a.Pos), fmt.Sprintf("argument %s of %s.%s: the engine stores it as %q and looks it up as %q, so every call that passes --%s fails with `find arg %q`",
						a.GoName, o.GoName, f.GoName, gql, lookup, CLIName(gql), gql)})
					continue
				}
				if why := shapeLost(a.GoName); why != "" {
					out = append(out, Problem{pos(a.Pos), fmt.Sprintf("argument %s of %s.%s: %s", a.GoName, o.GoName, f.GoName, why)})
				}
			}
		}
	}
	out = append(out, checkProblems(m)...)
	return out
}

// checkProblems: `dagger check` runs a +check function with no arguments on
// a main object made with none, and silently skips a check that needs one
// (core/modtree.go functionRequiresArgs).
func checkProblems(m *Module) []Problem {
	var out []Problem
	main := m.Objects[m.Main]
	for _, f := range main.Functions {
		if _, ok := f.Pragmas["check"]; !ok {
			continue
		}
		for _, a := range f.Args {
			if !a.Optional {
				out = append(out, Problem{pos(a.Pos), fmt.Sprintf("argument %s of check %s is required: dagger check would skip the check", a.GoName, f.GoName)})
			}
		}
		if main.Constructor == nil {
			continue
		}
		for _, a := range main.Constructor.Args {
			if !a.Optional {
				out = append(out, Problem{pos(a.Pos), fmt.Sprintf("argument %s of New is required: dagger check would skip check %s", a.GoName, f.GoName)})
			}
		}
	}
	return out
}

// shapeLost says how the CLI name of goName differs from the name a user
// would type for it ("" when it does not): strcase splits at digits.
func shapeLost(goName string) string {
	cli := CLIName(FunctionName(goName))
	for _, seg := range strings.Split(cli, "-") {
		if seg != "" && strings.Trim(seg, "0123456789") == "" {
			return fmt.Sprintf("the CLI spells it %q (strcase splits at the digit); rename it without a digit inside", cli)
		}
	}
	if strings.ReplaceAll(cli, "-", "") != strings.ToLower(goName) {
		return fmt.Sprintf("the CLI spells it %q, which is not the Go name %s in kebab case", cli, goName)
	}
	return ""
}

func pos(p interface{ String() string }) string { return p.String() }

// sortedObjects lists the main object first, then the others by name.
func sortedObjects(m *Module) []*Object {
	out := []*Object{m.Objects[m.Main]}
	var rest []string
	for name := range m.Objects {
		if name != m.Main {
			rest = append(rest, name)
		}
	}
	slices.Sort(rest)
	for _, name := range rest {
		out = append(out, m.Objects[name])
	}
	return out
}
