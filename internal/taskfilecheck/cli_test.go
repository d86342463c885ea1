package taskfilecheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestListShowsPublicTasksOnly runs the real `go tool task --list` from the
// repository root (it compiles go-task once, then it is cached).
func TestListShowsPublicTasksOnly(t *testing.T) {
	r := load(t)
	cmd := exec.Command("go", "tool", "task", "--list")
	cmd.Dir = r.root
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go tool task --list: %v\n%s", err, out)
	}
	listed := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\* (\S+):\s`).FindAllStringSubmatch(string(out), -1) {
		listed[m[1]] = true
	}
	for name, task := range r.tf.Tasks.All(nil) {
		switch {
		case task.Internal && listed[name]:
			t.Errorf("go tool task --list shows internal task %s", r.where(task))
		case !task.Internal && !listed[name]:
			t.Errorf("go tool task --list does not show public task %s", r.where(task))
		}
	}
	for _, name := range internalTasks {
		if listed[name] {
			t.Errorf("go tool task --list shows %s, a step of k3d:setup that must stay internal", name)
		}
	}
	for name := range listed {
		if !r.has(name) {
			t.Errorf("go tool task --list shows %s, which the Taskfile reader does not know", name)
		}
	}
	if t.Failed() {
		t.Logf("go tool task --list:\n%s", out)
	}
}

var (
	taskExeOnce sync.Once
	taskExe     string
	taskExeErr  error
)

// taskBinary is the binary `go tool task` runs: the dry runs below use a
// PATH of stubs only, without go.
func taskBinary(t *testing.T, root string) string {
	t.Helper()
	taskExeOnce.Do(func() {
		cmd := exec.Command("go", "tool", "-n", "task")
		cmd.Dir = root
		out, err := cmd.Output()
		taskExe, taskExeErr = strings.TrimSpace(string(out)), err
	})
	if taskExeErr != nil {
		t.Fatalf("go tool -n task: %v", taskExeErr)
	}
	return taskExe
}

// Stubs for the tools that preconditions and status checks run: --dry runs
// those (only the commands are skipped). Each logs its arguments; kubectl
// fails on `get service` when STUB_NO_SERVICE is set, k3d reports the
// cluster as absent so k3d:create is planned.
var stubs = map[string]string{
	"docker":  `echo "docker $*" >> "$STUB_LOG"`,
	"k3d":     `echo "k3d $*" >> "$STUB_LOG"; [ "$1 $2" = "cluster list" ] && exit 1; exit 0`,
	"kubectl": `echo "kubectl $*" >> "$STUB_LOG"; case "$*" in *"get service"*) [ -n "$STUB_NO_SERVICE" ] && exit 1;; esac; exit 0`,
}

type dryResult struct {
	out     string
	planned []planned // the "task: [NAME] CMD" lines, in order
	stubLog []string
	err     error
}

type planned struct{ task, cmd string }

var plannedLine = regexp.MustCompile(`(?m)^task: \[([^\]]+)\] (.*)$`)

// dryRun runs `task --dry ARGS` from the repository root with a fresh HOME,
// no KUBECONFIG, the given extra environment and a PATH of stubs.
func dryRun(t *testing.T, env []string, args ...string) dryResult {
	t.Helper()
	root := repoRoot(t)
	exe := taskBinary(t, root)
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range stubs {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	logPath := filepath.Join(dir, "stub.log")
	cmd := exec.Command(exe, append([]string{"--dry"}, args...)...)
	cmd.Dir = root
	cmd.Env = append([]string{"PATH=" + bin, "HOME=" + dir, "NO_COLOR=1", "STUB_LOG=" + logPath}, env...)
	out, err := cmd.CombinedOutput()
	res := dryResult{out: string(out), err: err}
	for _, m := range plannedLine.FindAllStringSubmatch(res.out, -1) {
		res.planned = append(res.planned, planned{m[1], m[2]})
	}
	if log, _ := os.ReadFile(logPath); len(log) > 0 {
		res.stubLog = strings.Split(strings.TrimSpace(string(log)), "\n")
	}
	return res
}

func TestDryRunSetupPlansTheStepsInOrder(t *testing.T) {
	res := dryRun(t, nil, "k3d:setup")
	if res.err != nil {
		t.Fatalf("task --dry k3d:setup: %v\n%s", res.err, res.out)
	}
	defer func() {
		if t.Failed() {
			t.Logf("task --dry k3d:setup:\n%s\nstub calls:\n%s", res.out, strings.Join(res.stubLog, "\n"))
		}
	}()
	if !strings.Contains(res.out, `Task "k3d:install" is up to date`) {
		t.Error(`k3d:install: with k3d on PATH its status check should skip it ("is up to date")`)
	}
	var order []string
	for _, p := range res.planned {
		if len(order) == 0 || order[len(order)-1] != p.task {
			order = append(order, p.task)
		}
	}
	if want := []string{"k3d:create", "k3d:namespace", "k3d:crd", "k3d:models"}; !slices.Equal(order, want) {
		t.Errorf("planned tasks in order %v, want %v", order, want)
	}
	for _, want := range []planned{
		{"k3d:create", "cluster create vllm-test --agents 1 "},
		{"k3d:create", "--wait"},
		{"k3d:create", "--kubeconfig-switch-context=false"},
		{"k3d:create", "kubectl --context k3d-vllm-test cluster-info"},
		{"k3d:create", "kubectl --context k3d-vllm-test get nodes"},
		{"k3d:namespace", "kubectl --context k3d-vllm-test create namespace vllm --dry-run=client -o yaml | kubectl --context k3d-vllm-test apply -f -"},
		{"k3d:crd", "--context k3d-vllm-test --timeout 60s install-crds manifests/crds"},
		{"k3d:crd", "kubectl --context k3d-vllm-test get crd models.vllm.sir-alfred.io"},
		{"k3d:models", "--context k3d-vllm-test --timeout 60s apply manifests/models"},
		{"k3d:models", "kubectl --context k3d-vllm-test get models.vllm.sir-alfred.io"},
	} {
		if !slices.ContainsFunc(res.planned, func(p planned) bool { return p.task == want.task && strings.Contains(p.cmd, want.cmd) }) {
			t.Errorf("task %s: no planned command contains %q", want.task, want.cmd)
		}
	}
	// The resolved plan, not only the source, names the context on every call.
	for _, p := range res.planned {
		for _, call := range invocations(p.cmd) {
			if call.context() != "k3d-vllm-test" {
				t.Errorf("task %s: planned %s call without --context k3d-vllm-test: %q", p.task, call.tool, call.text)
			}
		}
	}
	// --dry runs preconditions and status checks, nothing else.
	readOnly := regexp.MustCompile(`^(docker info|k3d version|k3d cluster list vllm-test|kubectl config get-contexts k3d-vllm-test)$`)
	for _, call := range res.stubLog {
		if !readOnly.MatchString(call) {
			t.Errorf("task --dry k3d:setup ran %q: only read-only checks may run in a dry run", call)
		}
	}
	if !slices.Contains(res.stubLog, "docker info") {
		t.Error("k3d:create: the Docker precondition (docker info) did not run")
	}
}

// The global vars follow the environment (and task's VAR=value arguments);
// K8S_CONTEXT follows CLUSTER_NAME unless set itself.
func TestGlobalVarsFollowTheEnvironment(t *testing.T) {
	cases := []struct {
		name      string
		env, args []string
		want      []string
	}{
		{"defaults", nil, nil, []string{"cluster create vllm-test ", "--context k3d-vllm-test create namespace vllm "}},
		{"CLUSTER_NAME", []string{"CLUSTER_NAME=other"}, nil, []string{"cluster create other ", "--context k3d-other create namespace vllm "}},
		{"K8S_CONTEXT and NAMESPACE", []string{"K8S_CONTEXT=ctx-env", "NAMESPACE=ns-env"}, nil, []string{"cluster create vllm-test ", "--context ctx-env create namespace ns-env "}},
		{"argument", nil, []string{"K8S_CONTEXT=ctx-arg"}, []string{"--context ctx-arg create namespace vllm "}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := dryRun(t, c.env, append(c.args, "k3d:setup")...)
			if res.err != nil {
				t.Fatalf("task --dry k3d:setup: %v\n%s", res.err, res.out)
			}
			for _, want := range c.want {
				if !strings.Contains(res.out, want) {
					t.Errorf("env %v args %v: plan does not contain %q:\n%s", c.env, c.args, want, res.out)
				}
			}
		})
	}
	// IMAGE and TAG show in k3d:port-forward's precondition message.
	for env, want := range map[string]string{"": "efortin/vllm-chill:latest", "IMAGE=example/img TAG=v1": "example/img:v1"} {
		res := dryRun(t, append(strings.Fields(env), "STUB_NO_SERVICE=1"), "k3d:port-forward")
		if res.err == nil || !strings.Contains(res.out, "deploy vllm-chill ("+want+") first") {
			t.Errorf("env %q: want k3d:port-forward to fail its precondition naming %s, got err %v:\n%s", env, want, res.err, res.out)
		}
	}
}
