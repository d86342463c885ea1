package coverage

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/efortin/vllm-chill/internal/pipeline"
)

// throwaway is a tiny module: a library with a passing unit test, a package
// without tests (to prove it still counts, golang/go#73842), and an
// integration test that fails on purpose.
var throwaway = map[string]string{
	"go.mod":          "module example.com/throwaway\n\ngo 1.26\n",
	"lib/lib.go":      "package lib\n\nfunc Add(a, b int) int { return a + b }\n\nfunc Sub(a, b int) int { return a - b }\n",
	"lib/lib_test.go": "package lib\n\nimport \"testing\"\n\nfunc TestAdd(t *testing.T) {\n\tif Add(1, 2) != 3 {\n\t\tt.Fatal(\"add\")\n\t}\n}\n",
	"notests/n.go":    "package notests\n\nfunc N() int { return 7 }\n",
	"test/fail_test.go": "//go:build integration\n\npackage test\n\nimport (\n\t\"testing\"\n\n\t\"example.com/throwaway/lib\"\n)\n\n" +
		"func TestDeliberateFailure(t *testing.T) {\n\t_ = lib.Sub(3, 1)\n\tt.Fatal(\"deliberate failure\")\n}\n",
}

// TestFailingPartStillLeavesEveryReport runs a throwaway module whose
// integration part fails through the same Run("all") the command uses, and
// checks that every report is still written and the summary names the part.
func TestFailingPartStillLeavesEveryReport(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()

	mod := t.TempDir()
	for name, body := range throwaway {
		path := filepath.Join(mod, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The throwaway module has no tool directive, so build this module's
	// pinned gotestsum once and hand it over; the rest of the path is unchanged.
	// `go tool -n` prints the path of the cached tool binary.
	path, lookErr := exec.CommandContext(ctx, "go", "tool", "-n", "gotestsum").Output()
	if lookErr != nil {
		t.Fatalf("go tool -n gotestsum: %v", lookErr)
	}
	bin := strings.TrimSpace(string(path))
	// The integration part insists on these; the throwaway test ignores them.
	t.Setenv("KUBECONFIG", "/nonexistent/kubeconfig")
	t.Setenv("VLLM_KUBE_CONTEXT", "throwaway")

	out := filepath.Join(t.TempDir(), "coverage")
	var stdout, stderr bytes.Buffer
	// The parts side by side, as local:coverage:all runs them.
	o := Options{Out: out, Dir: mod, Gotestsum: []string{bin}, Stdout: &stdout, Stderr: &stderr, Parallel: true}
	start := time.Now()
	err := Run(ctx, o, "all")
	t.Logf("Run(all) = %v in %s", err, time.Since(start).Round(time.Millisecond))
	if err == nil || !strings.Contains(err.Error(), "integration") {
		t.Fatalf("want an error naming the failing integration part, got %v\nstdout:\n%s\nstderr:\n%s", err, &stdout, &stderr)
	}

	if !strings.Contains(stderr.String(), "unit | coverage: unit part passed") || !strings.Contains(stderr.String(), "integration | coverage: integration part FAILED") {
		t.Errorf("the parts' lines are not prefixed with their names:\n%s", &stderr)
	}
	l := Layout{Dir: out}
	for _, f := range []string{l.Profile("unit"), l.Profile("integration"), l.Combined(), l.CombinedHTML(),
		l.CombinedFunc(), l.Summary(), l.JUnit("unit"), l.JUnit("integration"), l.Result("unit"), l.Result("integration")} {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("report %s missing or empty after a failed part: %v", f, err)
		}
	}
	summary, err := os.ReadFile(l.Summary())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("summary.txt:\n%s", summary)
	for _, want := range []string{"unit         PASS", "integration  FAIL", "integration part failed", "result: FAIL", "tests: 1 passed, 1 failed, 0 skipped",
		"example.com/throwaway/lib", "example.com/throwaway/notests"} {
		if !strings.Contains(string(summary), want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
	if strings.Contains(string(summary), "without coverage data") {
		t.Errorf("a package of the throwaway module lost its coverage data:\n%s", summary)
	}
	if strings.Contains(string(summary), "unit part failed") {
		t.Errorf("summary blames the unit part, which passed:\n%s", summary)
	}

	// The Dagger module's rule, on these real reports: what coverage-all
	// would fail with, and what `verdict` says of the exported directory
	// (logs/<part>.log as the module writes them).
	outcomes := map[string][]byte{}
	for _, p := range []pipeline.Part{pipeline.PartUnit, pipeline.PartIntegration} {
		junit, err := os.ReadFile(l.JUnit(string(p)))
		if err != nil {
			t.Fatal(err)
		}
		code := 0
		if p == pipeline.PartIntegration {
			code = 1
		}
		outcomes[pipeline.PartLogPath(p)] = []byte(pipeline.PartLog(p, code, "(output)\n"))
		outcomes[pipeline.JUnitPath(p)] = junit
	}
	parts, err := pipeline.OutcomesFromReports(outcomes)
	if err != nil {
		t.Fatal(err)
	}
	red := pipeline.Decide(pipeline.FnVerdict, parts, false)
	if red == nil || !strings.Contains(red.Error(), "--- FAIL: example.com/throwaway/test TestDeliberateFailure") || !strings.Contains(red.Error(), "deliberate failure") {
		t.Errorf("verdict of the real reports = %v, want the failed test named with its output", red)
	}
	t.Logf("verdict of the real reports:\n%v", red)

	// The failing test ran Sub before failing: its coverage must still count.
	integ, err := ReadProfile(l.Profile("integration"))
	if err != nil {
		t.Fatal(err)
	}
	per, _ := integ.Stmts(integ)
	if c := per["example.com/throwaway/lib"]; c[0] == 0 {
		t.Errorf("integration coverage of lib lost after the failure: %v", c)
	}
	combined, err := ReadProfile(l.Combined())
	if err != nil {
		t.Fatal(err)
	}
	if !combined.Files()["example.com/throwaway/notests/n.go"] {
		t.Errorf("the package without tests is missing from the combined profile (golang/go#73842)")
	}
	if _, total := combined.Stmts(combined); Percent(total) < 50 {
		t.Errorf("combined total %.1f%% lower than expected (Add and Sub covered)", Percent(total))
	}

	// A part run alone leaves its own profile (what Dagger's
	// test-integration-coverage returns), and no merged report.
	o.Out, o.Parallel = filepath.Join(t.TempDir(), "alone"), false
	if err := Run(ctx, o, "integration"); err == nil {
		t.Fatalf("integration alone: want the failure, got none\nstderr:\n%s", &stderr)
	}
	la := Layout{Dir: o.Out}
	alone, err := ReadProfile(la.Profile("integration"))
	if err != nil {
		t.Fatal(err)
	}
	if per, _ := alone.Stmts(alone); per["example.com/throwaway/lib"][0] == 0 {
		t.Errorf("integration run alone: %s does not cover lib: %v", la.Profile("integration"), per)
	}
	if _, err := os.Stat(la.Combined()); !os.IsNotExist(err) {
		t.Errorf("integration run alone wrote %s (stat: %v)", la.Combined(), err)
	}
}
