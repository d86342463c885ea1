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
	bin := filepath.Join(t.TempDir(), "gotestsum")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "gotest.tools/gotestsum")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build gotestsum: %v\n%s", err, out)
	}
	// The integration part insists on these; the throwaway test ignores them.
	t.Setenv("KUBECONFIG", "/nonexistent/kubeconfig")
	t.Setenv("VLLM_KUBE_CONTEXT", "throwaway")

	out := filepath.Join(t.TempDir(), "coverage")
	var stdout, stderr bytes.Buffer
	o := Options{Out: out, Dir: mod, Gotestsum: []string{bin}, Stdout: &stdout, Stderr: &stderr}
	start := time.Now()
	code := Run(ctx, o, "all", &stderr)
	t.Logf("Run(all) exited %d in %s", code, time.Since(start).Round(time.Millisecond))
	if code != 1 {
		t.Fatalf("want exit 1 for a failing integration part, got %d\nstdout:\n%s\nstderr:\n%s", code, &stdout, &stderr)
	}

	for _, f := range []string{"unit-coverage.out", "integration-coverage.out", CombinedProfile, CombinedHTML,
		CombinedFunc, SummaryFile, "unit-junit.xml", "integration-junit.xml", "unit-result.json", "integration-result.json"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("report %s missing or empty after a failed part: %v", f, err)
		}
	}
	summary, err := os.ReadFile(filepath.Join(out, SummaryFile))
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

	// The failing test ran Sub before failing: its coverage must still count.
	integ, err := ReadProfile(filepath.Join(out, "integration-coverage.out"))
	if err != nil {
		t.Fatal(err)
	}
	per, _ := integ.Stmts(integ)
	if c := per["example.com/throwaway/lib"]; c[0] == 0 {
		t.Errorf("integration coverage of lib lost after the failure: %v", c)
	}
	combined, err := ReadProfile(filepath.Join(out, CombinedProfile))
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
	o.Out = filepath.Join(t.TempDir(), "alone")
	if code := Run(ctx, o, "integration", &stderr); code != 1 {
		t.Fatalf("integration alone: want exit 1, got %d\nstderr:\n%s", code, &stderr)
	}
	alone, err := ReadProfile(filepath.Join(o.Out, PartProfile("integration")))
	if err != nil {
		t.Fatal(err)
	}
	if per, _ := alone.Stmts(alone); per["example.com/throwaway/lib"][0] == 0 {
		t.Errorf("integration run alone: %s does not cover lib: %v", PartProfile("integration"), per)
	}
	if _, err := os.Stat(filepath.Join(o.Out, CombinedProfile)); !os.IsNotExist(err) {
		t.Errorf("integration run alone wrote %s (stat: %v)", CombinedProfile, err)
	}
}
