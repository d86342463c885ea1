//go:build integration

package faults

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/efortin/vllm-chill/internal/contract"
	"github.com/efortin/vllm-chill/internal/proc/proctest"
)

// signalBound is how long a signalled run may take to stop everything:
// vllm-local gives the command 10s after forwarding, then stops the components.
const signalBound = 30 * time.Second

// TestSignalToRunGroup sends SIGINT and SIGTERM to the process group of
// `vllm-local up` and of `vllm-local run -- <the suite>`, the way a terminal
// (Ctrl-C) or a CI runner (cancel) does, once while the suite sets up and once
// while its tests run: everything must stop within the bound, exit 128+signal,
// say what it cleaned up, and leave no process and no temp dir.
//
// The suite's setup takes half a second and its tests a few: on a loaded
// machine a signal sent when a line appears can land in the next phase. So
// the suite gets a bootstrap CLI that holds (holdBootstrap) at the call
// the case is about, and the signal goes once it holds. The held CLI is in
// the suite's process group and dies of the same signal, which is the
// ordering the suite must report as the signal, not as the CLI's failure.
func TestSignalToRunGroup(t *testing.T) {
	t.Parallel()
	suite := []string{bin.vllmLocal, "run", "--", bin.suite, "-test.v", "-test.count=1"}
	for _, tc := range []struct {
		name string
		argv []string
		// hold > 0: the bootstrap CLI holds at that call (1 is the suite's
		// setup, 2 the first test that runs it), and the signal goes then.
		// Otherwise the signal goes once the output shows ready.
		hold  int
		ready string
		says  string // and the suite must then say this (empty: no suite)
	}{
		// up: once the kubeconfig is printed, the plane is up and idle.
		{name: "up", argv: []string{bin.vllmLocal, "up"}, ready: "kubeconfig: "},
		{name: "run/setup", argv: suite, hold: 1, says: "received during setup: stopping"},
		// Once the tests run, the suite deletes its models before it exits.
		{name: "run/tests", argv: suite, hold: 2, says: "received: deleted this run's models"},
	} {
		for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
			name := tc.name + "/" + sigName(sig)
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				tmp := t.TempDir()
				env := caseEnv(tmp)
				held := ""
				if tc.hold > 0 {
					h := holdBootstrap(t, tc.hold)
					env = append(env, contract.EnvBootstrapBin+"="+h.path)
					held = h.held
				}
				r := start(t, filepath.Join(root, "test"), env, tc.argv...)
				if held != "" {
					r.waitFile(t, held, 2*time.Minute)
				} else {
					r.waitOutput(t, tc.ready, 2*time.Minute)
				}
				seen := proctest.Descendants(r.group.PID())
				_ = r.group.Signal(sig)
				code, took := r.wait(t, signalBound)
				out := r.out.String()
				t.Logf("vllm-local %s exited %d %.1fs after %v:\n%s", tc.name, code, took.Seconds(), sig, tail(out, 12))
				if code != 128+int(sig) {
					t.Errorf("exit code %d after %v, want %d", code, sig, 128+int(sig))
				}
				// vllm-local says what it did with the signal and where its
				// data went; the suite, when there is one, what it cleaned up.
				wants := []string{"vllm-local: stopped in", "removed " + tmp + "/vllm-local-"}
				if tc.says != "" {
					wants = append(wants, "suite: "+sig.String()+" "+tc.says)
				}
				for _, want := range wants {
					if !strings.Contains(out, want) {
						t.Errorf("output lacks %q", want)
					}
				}
				// The CLI that died of the signal is not the reason given.
				if bad := lineWith(out, "suite: bootstrap setup exited"); bad != "" {
					t.Errorf("the suite reports the CLI's death instead of the signal: %q", bad)
				}
				assertNothingLeft(t, seen, tmp)
				fault(t, "vllm-local "+name, lineWith(out, "vllm-local: stopped in"), took)
			})
		}
	}
}

// TestSignalToTaskGroup is how people start a control plane: `go tool task
// local:up`, stopped by Ctrl-C in its terminal (SIGINT to the group). go-task
// only logs the signal; vllm-local, in the same group, gets it too.
func TestSignalToTaskGroup(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	r := start(t, root, caseEnv(tmp), "go", "tool", "task", "local:up")
	r.waitOutput(t, "kubeconfig: ", 3*time.Minute)
	seen := proctest.Descendants(r.group.PID())
	_ = r.group.Signal(syscall.SIGINT)
	code, took := r.wait(t, signalBound)
	out := r.out.String()
	if code == 0 {
		t.Errorf("exit code 0 after SIGINT: an interrupted run must not look like a success")
	}
	failed := lineWith(out, "task: Failed to run task")
	if failed == "" || !strings.Contains(out, "vllm-local: stopped in") {
		t.Errorf("go-task does not name the failed task, or vllm-local did not stop:\n%s", tail(out, 10))
	}
	assertNothingLeft(t, seen, tmp)
	fault(t, "go tool task local:up/SIGINT", failed, took)
}

func sigName(s syscall.Signal) string {
	if s == syscall.SIGINT {
		return "SIGINT"
	}
	return "SIGTERM"
}
