package daggercheck

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"
	"sigs.k8s.io/yaml"
)

// Call is one `dagger call` or `dagger check` written down for users.
type Call struct {
	Where string   // file:line
	Verb  string   // call or check
	Words []string // what follows the verb
}

func (c Call) String() string { return "dagger " + c.Verb + " " + strings.Join(c.Words, " ") }

// DocFiles are the files whose commands users copy: the README, docs/, the
// Taskfiles, the CI workflows and the CI entry point (globs, from the root).
var DocFiles = []string{"README.md", "docs/*.md", "docs/*/*.md", "Taskfile.yml", "taskfiles/*.yml", ".github/workflows/*.yml", ".ci/*"}

// A command ends where the shell, Markdown or YAML ends it.
var callPattern = regexp.MustCompile("dagger\\s+(call|check)\\b([^`|;&#)'\"\\\\\\n]*)")

// FindCalls lists every `dagger call` and `dagger check` in DocFiles under
// root, including the `verb: call` steps of the dagger-for-github action.
func FindCalls(root string) ([]Call, error) {
	var calls []Call
	for _, glob := range DocFiles {
		paths, err := filepath.Glob(filepath.Join(root, glob))
		if err != nil {
			return nil, err
		}
		for _, path := range paths {
			data, err := os.ReadFile(path)
			if err != nil {
				return nil, err
			}
			rel, _ := filepath.Rel(root, path)
			for i, line := range strings.Split(string(data), "\n") {
				for _, m := range callPattern.FindAllStringSubmatch(line, -1) {
					calls = append(calls, Call{Where: fmt.Sprintf("%s:%d", rel, i+1), Verb: m[1], Words: strings.Fields(m[2])})
				}
			}
			if strings.HasPrefix(rel, filepath.Join(".github", "workflows")) {
				steps, err := actionCalls(rel, data)
				if err != nil {
					return nil, err
				}
				calls = append(calls, steps...)
			}
		}
	}
	return calls, nil
}

// actionCalls reads the steps of a workflow that run dagger/dagger-for-github
// with a verb: their `args` are the words after the verb.
func actionCalls(rel string, data []byte) ([]Call, error) {
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Name string            `json:"name"`
				Uses string            `json:"uses"`
				With map[string]string `json:"with"`
			} `json:"steps"`
		} `json:"jobs"`
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		return nil, fmt.Errorf("parse %s: %w", rel, err)
	}
	var out []Call
	for job, j := range wf.Jobs {
		for i, s := range j.Steps {
			if !strings.HasPrefix(s.Uses, "dagger/dagger-for-github") || s.With["verb"] == "" {
				continue
			}
			out = append(out, Call{Where: fmt.Sprintf("%s: job %s step %d (%s)", rel, job, i+1, s.Name), Verb: s.With["verb"], Words: strings.Fields(s.With["args"])})
		}
	}
	slices.SortFunc(out, func(a, b Call) int { return strings.Compare(a.Where, b.Where) })
	return out, nil
}

// CallProblems checks each call against the CLI: functions and flags it
// would not know, and `dagger check` names that are no check.
func CallProblems(cli *CLI, calls []Call) []Problem {
	var out []Problem
	for _, c := range calls {
		var whys []string
		switch c.Verb {
		case "call":
			whys = cli.Check(c.Words)
		case "check":
			for _, w := range c.Words {
				if !strings.HasPrefix(w, "-") && !placeholder(w) && !strings.ContainsAny(w, "*?[") && !slices.Contains(cli.Checks, w) {
					whys = append(whys, fmt.Sprintf("no check %q (the checks: %s)", w, strings.Join(cli.Checks, ", ")))
				}
			}
		default:
			whys = []string{"the dagger CLI has no verb " + c.Verb + " here"}
		}
		for _, why := range whys {
			out = append(out, Problem{c.Where, fmt.Sprintf("`%s`: %s", c, why)})
		}
	}
	return out
}

// Problems reads the module of the repository at root and every documented
// call, and lists what the engine or the CLI would get wrong.
func Problems(root string) ([]Problem, error) {
	cfg, m, cli, err := loadCLI(root)
	if err != nil {
		return nil, err
	}
	calls, err := FindCalls(root)
	if err != nil {
		return nil, err
	}
	out := NameProblems(m)
	for i := range out {
		out[i].Where = relTo(root, out[i].Where)
	}
	modPath, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return nil, err
	}
	inc, err := IncludeProblems(root, cfg, modfile.ModulePath(modPath))
	if err != nil {
		return nil, err
	}
	out = append(out, inc...)
	return append(out, CallProblems(cli, calls)...), nil
}

// loadCLI reads dagger.json and the module of the repository at root, and
// the CLI the pinned SDK would build for it.
func loadCLI(root string) (*moduleConfig, *Module, *CLI, error) {
	cfg, err := readConfig(filepath.Join(root, "dagger.json"))
	if err != nil {
		return nil, nil, nil, err
	}
	m, err := ReadModule(filepath.Join(root, cfg.Source), cfg.Name)
	if err != nil {
		return nil, nil, nil, err
	}
	sdk, err := downloadSDK(root, cfg.EngineVersion)
	if err != nil {
		return nil, nil, nil, err
	}
	cli, err := NewCLI(m, sdk)
	if err != nil {
		return nil, nil, nil, err
	}
	return cfg, m, cli, nil
}

func relTo(root, where string) string {
	if rel, err := filepath.Rel(root, where); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return where
}

// IncludeProblems compares dagger.json's "include" with what the module's
// load needs (IncludeFor): a missing folder fails every call on the engine,
// an extra one only widens the upload, and both mean the list was edited by
// hand. `go run ./hack/daggercheck include -w` writes the derived list.
func IncludeProblems(root string, cfg *moduleConfig, modulePath string) ([]Problem, error) {
	want, why, err := IncludeFor(root, cfg, modulePath)
	if err != nil {
		// An import that is not in the repository fails the load anyway.
		return []Problem{{"dagger.json", "cannot derive the include: " + err.Error()}}, nil
	}
	var out []Problem
	for _, w := range want {
		if !slices.Contains(cfg.Include, w) {
			reason := why[w]
			if reason == "" {
				reason = "the module replaces " + modulePath + " with the repository"
			}
			out = append(out, Problem{"dagger.json", fmt.Sprintf("include lacks %q: %s; the engine would not upload it and `go mod tidy` fails the load (run `go run ./hack/daggercheck include -w`)", w, reason)})
		}
	}
	for _, inc := range cfg.Include {
		if !slices.Contains(want, inc) {
			out = append(out, Problem{"dagger.json", fmt.Sprintf("include has %q, which the module's load does not need (run `go run ./hack/daggercheck include -w`)", inc)})
		}
	}
	return out, nil
}
