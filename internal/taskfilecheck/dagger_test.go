package taskfilecheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeDagger logs its arguments; for `export --path DIR` it writes
// DIR/summary.txt with the result line STUB_RESULT asks for, and `verdict`
// fails, as the module's does, when that result is FAIL.
const fakeDagger = `#!/bin/sh
echo "dagger $*" >> "$STUB_LOG"
verdict=
while [ $# -gt 0 ]; do
	if [ "$1" = "--path" ]; then mkdir -p "$2"; printf 'parts:\nresult: %s\n' "$STUB_RESULT" > "$2/summary.txt"; fi
	if [ "$1" = verdict ]; then verdict=1; fi
	shift
done
if [ -n "$verdict" ] && [ "$STUB_RESULT" = FAIL ]; then
	echo "verdict: 1 of 3 parts failed" >&2
	exit 1
fi
`

// runDaggerTask runs a dagger:* task for real with a fake dagger CLI and the
// given engine environment; PATH holds the stubs and the system's tools, not
// /usr/local/bin (where a real docker may live).
func runDaggerTask(t *testing.T, env []string, args ...string) (string, []string, error) {
	t.Helper()
	root := repoRoot(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "dagger"), []byte(fakeDagger), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "podman"), []byte("#!/bin/sh\n[ -n \"$STUB_PODMAN\" ]\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(dir, "stub.log")
	cmd := exec.Command(taskBinary(t, root), args...)
	cmd.Dir = root
	cmd.Env = append([]string{"PATH=" + bin + ":/usr/bin:/bin", "HOME=" + dir, "NO_COLOR=1", "STUB_LOG=" + logPath,
		"DAGGER_COVERAGE_DIR=" + filepath.Join(dir, "coverage")}, env...)
	out, err := cmd.CombinedOutput()
	log, _ := os.ReadFile(logPath)
	return string(out), strings.Split(strings.TrimSpace(string(log)), "\n"), err
}

func TestDaggerWrappers(t *testing.T) {
	t.Run("no engine", func(t *testing.T) {
		out, _, err := runDaggerTask(t, nil, "dagger:test:integration")
		if err == nil || !strings.Contains(out, "no container engine for Dagger") {
			t.Errorf("err %v, output:\n%s\nwant the precondition's message", err, out)
		}
	})
	t.Run("podman", func(t *testing.T) {
		out, log, err := runDaggerTask(t, []string{"STUB_PODMAN=1"}, "dagger:test:integration")
		if err != nil || log[0] != "dagger call test-integration" {
			t.Errorf("err %v, calls %q, output:\n%s", err, log, out)
		}
	})
	t.Run("runner host, options, passing run", func(t *testing.T) {
		out, log, err := runDaggerTask(t, []string{"_EXPERIMENTAL_DAGGER_RUNNER_HOST=tcp://127.0.0.1:1", "STUB_RESULT=PASS"},
			"dagger:coverage:all", "DAGGER_OPTS=--run-id ci", "--", "--run", "TestApply")
		if err != nil {
			t.Fatalf("err %v, output:\n%s", err, out)
		}
		if want := "dagger call --run-id ci coverage-all --allow-failure --run TestApply export --path "; !strings.HasPrefix(log[0], want) || !strings.HasSuffix(log[0], "/coverage --wipe") {
			t.Errorf("called %q, want %q…/coverage --wipe", log[0], want)
		}
		if len(log) != 2 || !strings.HasPrefix(log[1], "dagger call --run-id ci verdict --reports ") {
			t.Errorf("calls %q, want the export then the verdict", log)
		}
	})
	// A red run: the reports are exported first, then the task fails.
	for _, task := range []string{"dagger:coverage:all", "test:coverage:all", "test:integration:coverage"} {
		t.Run("failing run, "+task, func(t *testing.T) {
			out, log, err := runDaggerTask(t, []string{"_EXPERIMENTAL_DAGGER_RUNNER_HOST=tcp://127.0.0.1:1", "STUB_RESULT=FAIL"}, task)
			if err == nil || !strings.Contains(out, "verdict: 1 of 3 parts failed") {
				t.Errorf("err %v, output:\n%s\nwant the verdict's failure", err, out)
			}
			if len(log) != 2 || !strings.Contains(log[0], "--allow-failure") || !strings.Contains(log[0], "export --path") {
				t.Errorf("calls %q, want the reports exported before the verdict", log)
			}
		})
	}
}

// TestSeedNames: the names the vllm-chill Taskfile gave its test tasks run
// the containerized graph, and --dry shows the `dagger call`.
func TestSeedNames(t *testing.T) {
	for task, want := range map[string]string{
		"test:integration":          "dagger call  test-integration",
		"test:integration:coverage": "dagger call  test-integration-coverage --allow-failure  export --path ",
		"test:all":                  "dagger call  test-all",
		"test:coverage:all":         "dagger call  coverage-all --allow-failure  export --path ",
	} {
		out, _, err := runDaggerTask(t, []string{"_EXPERIMENTAL_DAGGER_RUNNER_HOST=tcp://127.0.0.1:1"}, "--dry", task)
		if err != nil || !strings.Contains(out, want) {
			t.Errorf("task --dry %s: err %v, output:\n%s\nwant %q", task, err, out, want)
		}
	}
	out, _, err := runDaggerTask(t, nil, "test:coverage:all")
	if err == nil || !strings.Contains(out, "no container engine for Dagger") {
		t.Errorf("without an engine: err %v, output:\n%s\nwant the precondition's message", err, out)
	}
}
