package taskfilecheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeDagger logs its arguments and, for `export --path DIR`, writes
// DIR/summary.txt with the result line STUB_RESULT asks for.
const fakeDagger = `#!/bin/sh
echo "dagger $*" >> "$STUB_LOG"
while [ $# -gt 0 ]; do
	if [ "$1" = "--path" ]; then mkdir -p "$2"; printf 'parts:\nresult: %s\n' "$STUB_RESULT" > "$2/summary.txt"; fi
	shift
done
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
	t.Run("runner host, options, passing summary", func(t *testing.T) {
		out, log, err := runDaggerTask(t, []string{"_EXPERIMENTAL_DAGGER_RUNNER_HOST=tcp://127.0.0.1:1", "STUB_RESULT=PASS"},
			"dagger:coverage:all", "DAGGER_OPTS=--run-id ci", "--", "--run", "TestApply")
		if err != nil {
			t.Fatalf("err %v, output:\n%s", err, out)
		}
		if want := "dagger call --run-id ci coverage-all --run TestApply export --path "; !strings.HasPrefix(log[0], want) || !strings.HasSuffix(log[0], "/coverage --wipe") {
			t.Errorf("called %q, want %q…/coverage --wipe", log[0], want)
		}
	})
	t.Run("failing summary", func(t *testing.T) {
		out, _, err := runDaggerTask(t, []string{"_EXPERIMENTAL_DAGGER_RUNNER_HOST=tcp://127.0.0.1:1", "STUB_RESULT=FAIL"}, "dagger:coverage:all")
		if err == nil || !strings.Contains(out, "result: FAIL") {
			t.Errorf("err %v, output:\n%s\nwant a failure showing the summary's result line", err, out)
		}
	})
}
