//go:build integration

package faults

import (
	"strings"
	"syscall"
	"testing"
	"time"
)

// signalBound is how long a signalled task may take to stop everything:
// vllm-local gives the suite 10s after forwarding, then stops the components.
const signalBound = 30 * time.Second

// TestSignalToTaskGroup sends SIGINT and SIGTERM to the process group of a
// real `go tool task local:up` and `go tool task local:test:integration`, the
// way a terminal (Ctrl-C) or a CI runner (cancel) does: go-task only logs the
// signal, so what stops the run is vllm-local getting it too and forwarding
// it to the suite's own group, whose members all get time to clean up.
func TestSignalToTaskGroup(t *testing.T) {
	for _, tc := range []struct {
		name  string
		task  string
		args  []string
		ready string // the signal lands once the output shows this
		says  string // and the suite must then say this (empty: no suite)
	}{
		// up: once the kubeconfig is printed, the plane is up and idle.
		{name: "local:up", task: "local:up", ready: "kubeconfig: "},
		// The suite's setup (build the bootstrap CLI, install the CRD and
		// models) starts right after its first line and takes a second or more.
		{name: "local:test:integration/setup", task: "local:test:integration", args: []string{"--", "-v"},
			ready: "suite: run ", says: "received during setup: stopping"},
		// Once the tests run, the suite deletes its models before it exits.
		{name: "local:test:integration/tests", task: "local:test:integration", args: []string{"--", "-v"},
			ready: "running the tests", says: "received: deleted this run's models"},
	} {
		for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
			name := tc.name + "/" + sigName(sig)
			t.Run(name, func(t *testing.T) {
				tmp := t.TempDir()
				argv := append([]string{"go", "tool", "task", tc.task}, tc.args...)
				r := start(t, root, caseEnv(tmp), argv...)
				r.waitOutput(t, tc.ready, 3*time.Minute)

				seen := descendants(r.cmd.Process.Pid)
				for _, want := range []string{"task", "vllm-local", "etcd", "kube-apiserver"} {
					if !hasName(seen, want) {
						t.Errorf("no %s among the run's processes before the signal: %s", want, names(seen))
					}
				}
				_ = syscall.Kill(-r.cmd.Process.Pid, sig)
				code, took := r.wait(t, signalBound)
				out := r.out.String()
				t.Logf("%s exited %d %.1fs after %v:\n%s", strings.Join(argv, " "), code, took.Seconds(), sig, tail(out, 15))
				if code == 0 {
					t.Errorf("exit code 0 after %v: a signalled run must not look like a success", sig)
				}
				// vllm-local says what it did with the signal, and where its data
				// went; the suite, when there is one, what it cleaned up.
				wants := []string{"vllm-local: stopped in", "removed " + tmp + "/vllm-local-"}
				// Under SIGTERM go test dies at once and the suite's lines go
				// with its pipe; the temp-dir check below still proves that the
				// suite ran its cleanup to the end.
				if tc.says != "" && sig == syscall.SIGINT {
					wants = append(wants, "suite: "+sig.String()+" "+tc.says)
				}
				for _, want := range wants {
					if !strings.Contains(out, want) {
						t.Errorf("output lacks %q", want)
					}
				}
				seenLine := lineWith(out, "task: Failed to run task")
				if seenLine == "" {
					t.Errorf("go-task does not name the failed task")
				}
				assertNothingLeft(t, seen, tmp)
				fault(t, name, seenLine, took)
			})
		}
	}
}

func sigName(s syscall.Signal) string {
	if s == syscall.SIGINT {
		return "SIGINT"
	}
	return "SIGTERM"
}

func hasName(procs map[int]string, name string) bool {
	for _, n := range procs {
		if n == name {
			return true
		}
	}
	return false
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
