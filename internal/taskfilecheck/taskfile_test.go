package taskfilecheck

import (
	"fmt"
	"go/build/constraint"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// internalTasks is the whole internal set: the k3d helpers that k3d:setup
// composes, the Dagger wrappers' engine check, the build of the local
// path's commands. Any other task is for users and must say what it does.
var internalTasks = []string{"dagger:engine", "k3d:create", "k3d:crd", "k3d:install", "k3d:models", "k3d:namespace", "ci:checks", "fuzz:target", "fuzz:targets", "local:tools", "local:binaries:tests"}

// publicTasks are the names the design doc promises; each must exist.
var publicTasks = []string{
	"default", "generate", "crd:check", "vet", "test", "test:race", "fuzz", "test:integration:watch", "ci", "ci:repeat", "bench:firstrun",
	"k3d:setup", "k3d:teardown", "k3d:status", "k3d:logs", "k3d:port-forward", "k3d:reset", "k3d:test:integration",
	"local:binaries", "local:binaries:where", "local:binaries:clean", "local:up", "local:test:integration", "local:coverage:all", "local:bench",
	"dagger:vet", "dagger:view", "dagger:include", "dagger:test:integration", "dagger:test:integration:coverage",
	"test:integration", "test:integration:coverage", "test:all", "test:coverage:all", "dagger:test:all", "dagger:coverage:all", "dagger:cluster:up", "dagger:cluster:kubeconfig",
}

// globalVars are defined once, in the root Taskfile: go-task merges the vars
// of included files into the global set, so a redefinition elsewhere would
// silently retarget every task (K8S_CONTEXT above all).
var globalVars = []string{"IMAGE", "TAG", "CLUSTER_NAME", "K8S_CONTEXT", "NAMESPACE"}

func TestIncludes(t *testing.T) {
	r := load(t)
	want := map[string]string{"k3d": "taskfiles/k3d.yml", "local": "taskfiles/local.yml", "dagger": "taskfiles/dagger.yml"}
	for ns, file := range want {
		inc, ok := r.files["Taskfile.yml"].Includes.Get(ns)
		if !ok || inc.Taskfile != file {
			t.Errorf("Taskfile.yml: include %q should be %s", ns, file)
		}
		if _, ok := r.files[file]; !ok {
			t.Errorf("Taskfile.yml: included %s was not read", file)
		}
	}
}

func TestInternalSetIsExactlyTheK3dHelpers(t *testing.T) {
	r := load(t)
	var got []string
	for name, task := range r.tf.Tasks.All(nil) {
		if task.Internal {
			got = append(got, name)
			if !slices.Contains(internalTasks, name) {
				t.Errorf("task %s is internal; the only internal tasks are %v", r.where(task), internalTasks)
			}
		}
	}
	for _, name := range internalTasks {
		if task, ok := r.tf.Tasks.Get(name); !ok {
			t.Errorf("internal task %s is missing", name)
		} else if !task.Internal {
			t.Errorf("task %s must be internal (hidden from --list): it is a step of k3d:setup", r.where(task))
		}
	}
	sort.Strings(got)
	t.Logf("internal tasks: %v", got)
}

func TestPublicTasksHaveDescAndExist(t *testing.T) {
	r := load(t)
	for _, task := range r.tf.Tasks.All(nil) {
		if !task.Internal && strings.TrimSpace(task.Desc) == "" {
			t.Errorf("public task %s has no desc", r.where(task))
		}
		if strings.Contains(task.Desc, "\n") {
			t.Errorf("task %s: desc must be one line, got %q", r.where(task), task.Desc)
		}
		for _, c := range task.Cmds {
			if c.Task != "" && !r.has(c.Task) {
				t.Errorf("task %s calls task %s, which does not exist", r.where(task), c.Task)
			}
		}
		for _, d := range task.Deps {
			if !r.has(d.Task) {
				t.Errorf("task %s depends on task %s, which does not exist", r.where(task), d.Task)
			}
		}
	}
	for _, name := range publicTasks {
		if task, ok := r.tf.Tasks.Get(name); !ok {
			t.Errorf("public task %s is missing (design doc, task names)", name)
		} else if task.Internal {
			t.Errorf("task %s must be public", r.where(task))
		}
	}
}

func (r repo) has(name string) bool { _, ok := r.tf.Tasks.Get(name); return ok }

// Every kubectl call names its context, the right-hand side of a pipe
// included: k3d and root tasks use {{.K8S_CONTEXT}}, the other namespaces
// (local: vllm-local) any explicit context. The bootstrap CLI of the k3d
// tasks too. Only `kubectl config get-contexts` in a precondition or status
// check may go without: it reads the kubeconfig and never reaches a cluster.
func TestEveryKubectlCallNamesTheContext(t *testing.T) {
	r := load(t)
	calls := 0
	for _, task := range r.tf.Tasks.All(nil) {
		strict := task.Namespace == "" || task.Namespace == "k3d"
		for _, line := range shellLines(task) {
			for _, call := range invocations(line.text) {
				calls++
				ctx := call.context()
				switch {
				case call.tool == "vllm-bootstrap" && task.Namespace != "k3d":
					// Other paths may pass VLLM_KUBE_CONTEXT instead.
				case line.kind != "cmd" && strings.HasPrefix(call.text, "kubectl config get-contexts"):
				case ctx == "":
					t.Errorf("task %s, %s: %s call without --context: %q", r.where(task), line, call.tool, call.text)
				case strict && ctx != "{{.K8S_CONTEXT}}":
					t.Errorf("task %s, %s: %s call with --context %s, want --context {{.K8S_CONTEXT}}: %q", r.where(task), line, call.tool, ctx, call.text)
				}
			}
		}
	}
	if calls == 0 {
		t.Fatal("found no kubectl call at all: the scanner is broken")
	}
}

func TestNoTaskChangesTheCurrentContext(t *testing.T) {
	r := load(t)
	for _, task := range r.tf.Tasks.All(nil) {
		for _, line := range shellLines(task) {
			for _, bad := range []string{"use-context", "set-context --current"} {
				if strings.Contains(line.text, bad) {
					t.Errorf("task %s, %s: %q changes the user's kubeconfig; pass --context instead", r.where(task), line, bad)
				}
			}
		}
	}
	if _, ok := r.tf.Env.Get("KUBECONFIG"); ok {
		t.Error("KUBECONFIG is set in a global env: set it only on the tasks whose commands need it")
	}
}

func TestGlobalVarsAreDefinedOnlyInTheRootTaskfile(t *testing.T) {
	r := load(t)
	for file, tf := range r.files {
		for _, name := range globalVars {
			_, ok := tf.Vars.Get(name)
			if file == "Taskfile.yml" && !ok {
				t.Errorf("Taskfile.yml: global var %s is missing", name)
			}
			if file != "Taskfile.yml" && ok {
				t.Errorf("%s redefines global var %s: included vars become global in go-task and would override the root's", file, name)
			}
		}
	}
}

func TestOrderOfComposedTasks(t *testing.T) {
	r := load(t)
	order := func(name string) []string {
		var names []string
		for _, c := range r.task(t, name).Cmds {
			if c.Task != "" {
				names = append(names, c.Task)
			}
		}
		return names
	}
	for name, want := range map[string][]string{
		"k3d:setup": {"k3d:create", "k3d:namespace", "k3d:crd", "k3d:models"},
		"k3d:reset": {"k3d:teardown", "k3d:setup"},
		"ci":        {"ci:checks", "local:coverage:all"},
	} {
		if got := order(name); !slices.Equal(got, want) {
			t.Errorf("task %s calls %v, want %v in that order", r.where(r.task(t, name)), got, want)
		}
	}
	deps := func(name string) (names []string) {
		for _, d := range r.task(t, name).Deps {
			names = append(names, d.Task)
		}
		return names
	}
	// ci runs its checks one after the other, each through `stopwatch run`
	// (a line while it is quiet, its time in the report), the race
	// detector among them.
	var checks []string
	for i, c := range r.task(t, "ci:checks").Cmds {
		step, task, ok := strings.Cut(c.Cmd, " -- {{.TASK}} ")
		if !ok || !strings.HasPrefix(step, "{{.STEP}} -say ") {
			t.Errorf("ci:checks command %d %q: want {{.STEP}} -say \"...\" NAME -- {{.TASK}} TASK", i+1, c.Cmd)
			continue
		}
		checks = append(checks, strings.Fields(task)[0])
		r.task(t, checks[len(checks)-1]) // it exists
	}
	if want := []string{"vet", "crd:check", "dagger:vet", "dagger:view", "test:race"}; !slices.Equal(checks, want) {
		t.Errorf("ci:checks runs %v, want %v in that order", checks, want)
	}
	if step := r.task(t, "ci:checks").Vars; step == nil {
		t.Error("ci:checks has no vars")
	} else if v, ok := step.Get("STEP"); !ok || !strings.Contains(v.Value.(string), "/stopwatch\" run") {
		t.Errorf("ci:checks: STEP is %v, want the stopwatch's run", v.Value)
	}
	if got := deps("k3d:test:integration"); !slices.Contains(got, "k3d:setup") {
		t.Errorf("task k3d:test:integration depends on %v, want k3d:setup", got)
	}
	if got := deps("k3d:create"); !slices.Contains(got, "k3d:install") {
		t.Errorf("task k3d:create depends on %v, want k3d:install", got)
	}
}

func TestStatusChecksAndPreconditions(t *testing.T) {
	r := load(t)
	status := map[string]string{"k3d:install": "command -v k3d", "k3d:create": "cluster list {{.CLUSTER_NAME}}"}
	for name, want := range status {
		task := r.task(t, name)
		if !slices.ContainsFunc(task.Status, func(s string) bool { return strings.Contains(s, want) }) {
			t.Errorf("task %s: status %q has no check containing %q: it would redo finished work", r.where(task), task.Status, want)
		}
	}
	pre := map[string][]string{
		"k3d:create":    {"docker info", `"{{.K3D}}" version`},
		"k3d:namespace": {"kubectl config get-contexts {{.K8S_CONTEXT}}"},
		"k3d:crd":       {"kubectl config get-contexts {{.K8S_CONTEXT}}"},
		"k3d:models":    {"kubectl config get-contexts {{.K8S_CONTEXT}}"},
	}
	for name, wants := range pre {
		task := r.task(t, name)
		for _, want := range wants {
			if !slices.ContainsFunc(task.Preconditions, func(p *astPrecondition) bool { return strings.Contains(p.Sh, want) }) {
				t.Errorf("task %s: no precondition runs %q", r.where(task), want)
			}
		}
	}
	for name, task := range r.tf.Tasks.All(nil) {
		if !strings.HasPrefix(name, "k3d:") {
			continue
		}
		for i, p := range task.Preconditions {
			if strings.TrimSpace(p.Msg) == "" {
				t.Errorf("task %s, precondition %d %q has no msg", r.where(task), i+1, p.Sh)
			}
		}
	}
}

// TestIntegrationTagExcludesNothing: the vet task vets each package once
// with the integration tag on Linux, and hack/oscheck checks it once for each
// macOS target: that covers the untagged build only if, for each of these
// targets, no file is in that build but not in the tagged one.
func TestIntegrationTagExcludesNothing(t *testing.T) {
	root := repoRoot(t)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != root || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, line := range strings.Split(string(data), "\n") {
			if !constraint.IsGoBuild(line) {
				continue
			}
			expr, err := constraint.Parse(line)
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			for _, target := range [][]string{{"linux", "amd64"}, {"linux", "arm64"}, {"darwin", "arm64"}, {"darwin", "amd64"}} {
				without := expr.Eval(func(tag string) bool { return tag == "unix" || slices.Contains(target, tag) })
				with := expr.Eval(func(tag string) bool { return tag == "unix" || slices.Contains(target, tag) || tag == "integration" })
				if without && !with {
					t.Errorf("%s: %q excludes it for %s under the integration tag, so the vet task would not check it", path, line, strings.Join(target, "/"))
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
