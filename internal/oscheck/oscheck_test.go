package oscheck

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var (
	darwin = Target{"darwin", "arm64"}
	linux  = Target{"linux", "amd64"}
)

// check runs Check on a fixture module of testdata (each has its own go.mod
// and no dependency, so go list needs no network).
func check(t *testing.T, fixture string, target Target, tags ...string) Result {
	t.Helper()
	res, err := Check(context.Background(), filepath.Join("testdata", fixture), target, tags)
	if err != nil {
		t.Fatalf("check testdata/%s for %s: %v", fixture, target, err)
	}
	return res
}

func messages(res Result) string {
	var lines []string
	for _, p := range res.Problems {
		lines = append(lines, p.String())
	}
	return strings.Join(lines, "\n")
}

func TestLinuxOnlyFieldFailsForDarwin(t *testing.T) {
	res := check(t, "linuxonly", darwin)
	want := "proc/proc.go:8:45: unknown field Pdeathsig in struct literal of type syscall.SysProcAttr"
	if messages(res) != want {
		t.Errorf("darwin: got problems\n%s\nwant exactly\n%s", messages(res), want)
	}
	if res := check(t, "linuxonly", linux); len(res.Problems) != 0 || res.Packages != 1 {
		t.Errorf("linux: got %d packages and problems\n%s\nwant 1 package and none", res.Packages, messages(res))
	}
}

func TestPerOSFilesPassForDarwin(t *testing.T) {
	for _, target := range []Target{darwin, {"darwin", "amd64"}, linux} {
		if res := check(t, "tagged", target); len(res.Problems) != 0 || res.Packages != 1 {
			t.Errorf("%s: got %d packages and problems\n%s\nwant 1 package and none", target, res.Packages, messages(res))
		}
	}
}

// TestTestFilesAndTagsAreChecked: a Linux-only call in a _test.go file
// breaks `go test` on macOS, and one behind the integration tag breaks the
// suite there; both must be found.
func TestTestFilesAndTagsAreChecked(t *testing.T) {
	got := messages(check(t, "hidden", darwin))
	if want := "viatest/viatest_test.go:9:26: unknown field Pdeathsig"; !strings.HasPrefix(got, want) || strings.Contains(got, "viatag") {
		t.Errorf("without tags: got problems\n%s\nwant only %s...", got, want)
	}
	got = messages(check(t, "hidden", darwin, "integration"))
	if want := "viatag/viatag.go:9:32: unknown field Pdeathsig"; !strings.Contains(got, want) || !strings.Contains(got, "viatest_test.go") {
		t.Errorf("with the integration tag: got problems\n%s\nwant %s... and the test file's", got, want)
	}
}

func TestRun(t *testing.T) {
	run := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := Run(context.Background(), append([]string{"-cache="}, args...), &out, &errOut)
		return code, out.String(), errOut.String()
	}
	code, stdout, stderr := run("-C", "testdata/linuxonly")
	if want := "proc/proc.go:8:45: unknown field Pdeathsig in struct literal of type syscall.SysProcAttr [darwin/arm64 darwin/amd64]\n"; code != 1 || stdout != want {
		t.Errorf("default targets: exit %d, stdout %q; want 1 and %q", code, stdout, want)
	}
	if !strings.Contains(stderr, "1 problem(s) for darwin/arm64, darwin/amd64") {
		t.Errorf("default targets: stderr %q does not sum up", stderr)
	}
	code, stdout, _ = run("-C", "testdata/linuxonly", "-targets", "linux/amd64")
	if code != 0 || !strings.Contains(stdout, "1 packages type-check for linux/amd64") {
		t.Errorf("linux: exit %d, stdout %q; want 0 and the count", code, stdout)
	}
	if code, _, stderr := run("-targets", "darwin"); code != 2 || !strings.Contains(stderr, "oscheck --help") {
		t.Errorf("bad target: exit %d, stderr %q; want 2 and a pointer to --help", code, stderr)
	}
	// Without the tag every file of viatag is excluded: a check of nothing
	// must not pass.
	if code, _, stderr := run("-C", "testdata/hidden", "./viatag/..."); code != 1 || !strings.Contains(stderr, "nothing was checked") {
		t.Errorf("no package: exit %d, stderr %q; want 1 and nothing was checked", code, stderr)
	}
	if code, stdout, _ := run("--help"); code != 0 || !strings.Contains(stdout, "Usage: oscheck") {
		t.Errorf("--help: exit %d, stdout %q", code, stdout)
	}
}

// copyFixture copies a fixture module of testdata to a temporary directory
// that the test may edit.
func copyFixture(t *testing.T, fixture string) string {
	t.Helper()
	dst := t.TempDir()
	src := filepath.Join("testdata", fixture)
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatalf("copy testdata/%s: %v", fixture, err)
	}
	return dst
}

// TestPassesAreRememberedByContent: an unchanged tree passes from the cache,
// an edit is checked again (and a failure is never remembered), and undoing
// the edit finds the first pass.
func TestPassesAreRememberedByContent(t *testing.T) {
	dir, cache := copyFixture(t, "tagged"), t.TempDir()
	run := func() (int, string) {
		var out, errOut bytes.Buffer
		code := Run(context.Background(), []string{"-C", dir, "-cache", cache, "-targets", "darwin/arm64"}, &out, &errOut)
		return code, out.String() + errOut.String()
	}
	const hit = "unchanged since it passed"
	if code, out := run(); code != 0 || strings.Contains(out, hit) {
		t.Fatalf("first run: exit %d, output %q; want a check that passes", code, out)
	}
	if code, out := run(); code != 0 || !strings.Contains(out, "1 packages type-check for darwin/arm64") || !strings.Contains(out, hit) {
		t.Fatalf("second run: exit %d, output %q; want the remembered pass", code, out)
	}
	file := filepath.Join(dir, "proc", "proc.go")
	clean, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	planted := append(clean, "\nvar _ = syscall.SysProcAttr{Pdeathsig: 9}\n"...)
	planted = bytes.Replace(planted, []byte(`import "os/exec"`), []byte("import (\n\t\"os/exec\"\n\t\"syscall\"\n)"), 1)
	if err := os.WriteFile(file, planted, 0o644); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if code, out := run(); code != 1 || !strings.Contains(out, "unknown field Pdeathsig") {
			t.Fatalf("planted, run %d: exit %d, output %q; want the error", i+1, code, out)
		}
	}
	if err := os.WriteFile(file, clean, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out := run(); code != 0 || !strings.Contains(out, hit) {
		t.Fatalf("undone: exit %d, output %q; want the first pass remembered", code, out)
	}
}

func TestKeyRefusesLocalReplaces(t *testing.T) {
	dir := copyFixture(t, "tagged")
	mod := filepath.Join(dir, "go.mod")
	data, err := os.ReadFile(mod)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mod, append(data, "\nreplace example.com/other => ../other\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := Key(dir, DefaultTargets, nil, nil); ok || err != nil {
		t.Errorf("Key with a local replace: ok %v, err %v; want not cacheable (the other directory is an input)", ok, err)
	}
}

func TestRememberDropsUnusedEntries(t *testing.T) {
	cache := t.TempDir()
	old := filepath.Join(cache, "old")
	if err := os.WriteFile(old, []byte("3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	then := time.Now().Add(-unusedFor - time.Hour)
	if err := os.Chtimes(old, then, then); err != nil {
		t.Fatal(err)
	}
	if err := remember(cache, "new", 5); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("an entry unused for longer than %s is still there (%v)", unusedFor, err)
	}
	if n, ok := cached(cache, "new"); !ok || n != 5 {
		t.Errorf("cached(new) = %d, %v; want 5, true", n, ok)
	}
}
