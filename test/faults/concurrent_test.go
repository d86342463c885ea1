//go:build integration

package faults

import (
	"maps"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/efortin/vllm-chill/internal/contract"
	"github.com/efortin/vllm-chill/internal/proc/proctest"
)

// concurrentBound bounds a concurrent case: two suites plus two control
// planes on 2 cores.
const concurrentBound = 4 * time.Minute

// TestTwoRunsAtOnce runs two `vllm-local run -- <the suite>` at once on this
// machine, sharing one TMPDIR: each starts its own control plane (ports and
// run directories must not collide) and runs the suite; both must pass and
// leave nothing behind.
func TestTwoRunsAtOnce(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	t0 := time.Now()
	argv := []string{bin.vllmLocal, "run", "--", bin.suite, "-test.count=1"}
	runs := []*running{
		start(t, filepath.Join(root, "test"), caseEnv(tmp), argv...),
		start(t, filepath.Join(root, "test"), caseEnv(tmp), argv...),
	}
	seen := map[int]string{}
	for _, r := range runs {
		r.waitOutput(t, "control plane ready", concurrentBound)
		maps.Copy(seen, proctest.Descendants(r.group.PID()))
	}
	var verdicts, servers []string
	for i, r := range runs {
		code, _ := r.wait(t, concurrentBound-time.Since(t0))
		out := r.out.String()
		if code != 0 {
			t.Errorf("run %d exited %d; output:\n%s", i+1, code, out)
		}
		verdicts = append(verdicts, lineWith(out, "suite: done in"))
		servers = append(servers, regexp.MustCompile(`https://127\.0\.0\.1:\d+`).FindString(out))
	}
	took := time.Since(t0)
	t.Logf("both runs ended after %.1fs: %q, API servers %q", took.Seconds(), verdicts, servers)
	if servers[0] == "" || servers[0] == servers[1] {
		t.Errorf("the runs' API servers %q are not two distinct addresses", servers)
	}
	for i, v := range verdicts {
		if v == "" {
			t.Errorf("run %d: the suite did not finish", i+1)
		}
	}
	assertNothingLeft(t, seen, tmp)
	fault(t, "two vllm-local runs at once", "both pass", took)
}

// TestSuiteTwiceAgainstOneCluster runs the suite twice at once against one
// control plane, as two developers or CI jobs sharing a cluster would. Every
// name a run creates carries its own id, so both must pass, and each must
// leave the cluster as it found it (the suite checks that itself).
func TestSuiteTwiceAgainstOneCluster(t *testing.T) {
	t.Parallel()
	cp, stop := startControlPlane(t)
	defer stop()
	tmp := t.TempDir()
	env := caseEnv(tmp, contract.EnvKubeconfig+"="+cp.KubeconfigPath(), contract.EnvKubeContext+"="+contract.ContextLocal)
	t0 := time.Now()
	runs := []*running{
		start(t, filepath.Join(root, "test"), env, bin.suite, "-test.count=1"),
		start(t, filepath.Join(root, "test"), env, bin.suite, "-test.count=1"),
	}
	seen := map[int]string{}
	var lines []string
	for i, r := range runs {
		maps.Copy(seen, proctest.Descendants(r.group.PID()))
		code, _ := r.wait(t, concurrentBound)
		out := r.out.String()
		done := lineWith(out, "suite: done in")
		if code != 0 || done == "" {
			t.Errorf("run %d exited %d; output:\n%s", i+1, code, out)
		}
		lines = append(lines, done)
	}
	took := time.Since(t0)
	stop()
	assertNothingLeft(t, seen, tmp)
	fault(t, "suite twice at once on one cluster", "both pass: "+strings.Join(lines, "; "), took)
}
