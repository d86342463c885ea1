//go:build integration

package faults

import (
	"maps"
	"regexp"
	"strings"
	"testing"
	"time"
)

// concurrentBound bounds a concurrent case: two suites plus two control
// planes on 2 cores, go compiles included (cached after the first run).
const concurrentBound = 4 * time.Minute

// suiteOK is go test's verdict line for the suite package.
var suiteOK = regexp.MustCompile(`(?m)^ok\s+github\.com/efortin/vllm-chill/test\s.*$`)

// TestTwoLocalIntegrationRunsAtOnce runs two `go tool task
// local:test:integration` at once on this machine, sharing one TMPDIR: each
// starts its own control plane (ports and temp dirs must not collide) and
// runs the suite; both must pass and leave nothing behind.
func TestTwoLocalIntegrationRunsAtOnce(t *testing.T) {
	tmp := t.TempDir()
	t0 := time.Now()
	runs := []*running{
		start(t, root, caseEnv(tmp), "go", "tool", "task", "local:test:integration"),
		start(t, root, caseEnv(tmp), "go", "tool", "task", "local:test:integration"),
	}
	seen := map[int]string{}
	for _, r := range runs {
		r.waitOutput(t, "control plane ready", concurrentBound)
		maps.Copy(seen, descendants(r.cmd.Process.Pid))
	}
	var verdicts, servers []string
	for i, r := range runs {
		code, _ := r.wait(t, concurrentBound-time.Since(t0))
		out := r.out.String()
		if code != 0 {
			t.Errorf("run %d exited %d; output:\n%s", i+1, code, out)
		}
		verdicts = append(verdicts, suiteOK.FindString(out))
		servers = append(servers, regexp.MustCompile(`https://127\.0\.0\.1:\d+`).FindString(out))
	}
	took := time.Since(t0)
	t.Logf("both runs ended after %.1fs: %q, API servers %q", took.Seconds(), verdicts, servers)
	if servers[0] == "" || servers[0] == servers[1] {
		t.Errorf("the runs' API servers %q are not two distinct addresses", servers)
	}
	for i, v := range verdicts {
		if v == "" {
			t.Errorf("run %d: no `ok` line for the suite", i+1)
		}
	}
	assertNothingLeft(t, seen, tmp)
	fault(t, "two local:test:integration at once", "both pass: "+strings.Join(verdicts, "; "), took)
}

// TestSuiteTwiceAgainstOneCluster runs `go tool task
// local:test:integration:concurrent`: one control plane, the suite twice at
// once against it (vllm-coverage concurrent). The runs' names are unique, so
// both must pass.
func TestSuiteTwiceAgainstOneCluster(t *testing.T) {
	tmp := t.TempDir()
	r := start(t, root, caseEnv(tmp), "go", "tool", "task", "local:test:integration:concurrent")
	r.waitOutput(t, "control plane ready", concurrentBound)
	seen := descendants(r.cmd.Process.Pid)
	code, took := r.wait(t, concurrentBound)
	out := r.out.String()
	if code != 0 {
		t.Errorf("exited %d; output:\n%s", code, out)
	}
	var lines []string
	for _, run := range []string{"concurrent-1", "concurrent-2"} {
		line := lineWith(out, "coverage: "+run+" ")
		if !strings.Contains(line, " passed in ") {
			t.Errorf("%s did not pass: %q", run, line)
		}
		line, _, _ = strings.Cut(strings.TrimPrefix(line, "coverage: "), ", log ")
		lines = append(lines, line)
	}
	assertNothingLeft(t, seen, tmp)
	fault(t, "suite twice at once on one cluster", "both pass: "+strings.Join(lines, "; "), took)
}
