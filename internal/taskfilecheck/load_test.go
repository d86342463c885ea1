package taskfilecheck

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/go-task/task/v3/taskfile"
	"github.com/go-task/task/v3/taskfile/ast"
)

// repo is the Taskfile as go-task sees it: the merged file that tasks run
// from, and each file of the include graph on its own.
type repo struct {
	root  string
	tf    *ast.Taskfile
	files map[string]*ast.Taskfile // by path relative to root
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "Taskfile.yml")); err != nil {
		t.Fatalf("repository root: %v", err)
	}
	return root
}

func load(t *testing.T) repo {
	t.Helper()
	r := repo{root: repoRoot(t), files: map[string]*ast.Taskfile{}}
	node, err := taskfile.NewFileNode(filepath.Join(r.root, "Taskfile.yml"), r.root)
	if err != nil {
		t.Fatalf("open Taskfile.yml: %v", err)
	}
	g, err := taskfile.NewReader().Read(context.Background(), node)
	if err != nil {
		t.Fatalf("read Taskfile.yml and its includes: %v", err)
	}
	adj, err := g.AdjacencyMap()
	if err != nil {
		t.Fatal(err)
	}
	for uri := range adj {
		v, err := g.Vertex(uri)
		if err != nil {
			t.Fatal(err)
		}
		r.files[r.rel(v.URI)] = v.Taskfile
	}
	if r.tf, err = g.Merge(); err != nil {
		t.Fatalf("merge the Taskfile graph: %v", err)
	}
	return r
}

func (r repo) rel(path string) string {
	if rel, err := filepath.Rel(r.root, path); err == nil {
		return rel
	}
	return path
}

// where names a task and the file and line that define it, for messages.
func (r repo) where(task *ast.Task) string {
	if task.Location == nil {
		return task.Task
	}
	return fmt.Sprintf("%s (%s:%d)", task.Task, r.rel(task.Location.Taskfile), task.Location.Line)
}

func (r repo) task(t *testing.T, name string) *ast.Task {
	t.Helper()
	task, ok := r.tf.Tasks.Get(name)
	if !ok {
		t.Fatalf("task %s is not defined", name)
	}
	return task
}

// A shellLine is one shell snippet of a task with where it came from.
type shellLine struct {
	kind string // "cmd", "precondition", "status"
	n    int    // 1-based index among its kind
	text string
}

func (l shellLine) String() string { return fmt.Sprintf("%s %d: %q", l.kind, l.n, l.text) }

func shellLines(task *ast.Task) []shellLine {
	var lines []shellLine
	for i, c := range task.Cmds {
		if c != nil && c.Cmd != "" {
			lines = append(lines, shellLine{"cmd", i + 1, c.Cmd})
		}
	}
	for i, p := range task.Preconditions {
		lines = append(lines, shellLine{"precondition", i + 1, p.Sh})
	}
	for i, s := range task.Status {
		lines = append(lines, shellLine{"status", i + 1, s})
	}
	return lines
}

var toolWord = regexp.MustCompile(`(?:^|[\s|;&(/"'` + "`" + `])(kubectl|vllm-bootstrap)(?:$|[\s;|&)"'])`)

var contextFlag = regexp.MustCompile(`--context(?:=|\s+)("?)(\S+?)("?)(?:\s|$)`)

// invocations returns each kubectl or vllm-bootstrap call in a shell
// snippet, from the tool's name to the end of its simple command (the next
// unquoted |, ;, &, newline or closing parenthesis), so the right-hand side
// of a pipe is a call of its own. Templates ({{...}}) are skipped whole:
// they may contain pipes.
func invocations(script string) []invocation {
	var out []invocation
	for _, m := range toolWord.FindAllStringSubmatchIndex(script, -1) {
		start := m[2]
		end := len(script)
		for i := start; i < len(script); i++ {
			if strings.HasPrefix(script[i:], "{{") {
				if j := strings.Index(script[i:], "}}"); j >= 0 {
					i += j + 1
					continue
				}
			}
			if strings.ContainsRune("|;&\n)", rune(script[i])) {
				end = i
				break
			}
		}
		out = append(out, invocation{tool: script[m[2]:m[3]], text: strings.TrimSpace(script[start:end])})
	}
	return out
}

type invocation struct{ tool, text string }

// context returns the value of the call's --context flag, or "".
func (c invocation) context() string {
	m := contextFlag.FindStringSubmatch(c.text + " ")
	if m == nil {
		return ""
	}
	return m[2]
}

type astPrecondition = ast.Precondition
