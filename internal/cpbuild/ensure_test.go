package cpbuild

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/efortin/vllm-chill/internal/contract"
	"github.com/efortin/vllm-chill/internal/poll"
	"github.com/efortin/vllm-chill/internal/proc/proctest"
)

// The unit tests never compile Kubernetes: a fake builder puts small shell
// scripts where the binaries go, and the real check runs them with
// --version, as it runs real binaries.

// TestMain doubles as the helper process of TestKilledBuildLeavesNothingTrusted.
func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		os.Exit(killedBuilderHelper())
	}
	os.Exit(m.Run())
}

// waitFor waits (bounded) until check passes, naming what it waited for.
func waitFor(t *testing.T, what string, check func() error) {
	t.Helper()
	if err := poll.Until(context.Background(), poll.Options{What: what, Timeout: 30 * time.Second, Interval: 5 * time.Millisecond}, func(context.Context) error { return check() }); err != nil {
		t.Fatal(err)
	}
}

func repoRoot(t testing.TB) string {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// templates writes one script per binary that answers --version as the
// pinned release would (or as given in wrong), once, before anything runs
// concurrently; builds hard-link them, so no file is ever open for writing
// while a test executes one (Linux refuses to exec such a file: ETXTBSY).
func templates(t testing.TB, wrong map[string]string) string {
	pins, err := ReadPins(repoRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	say := map[string]string{
		Etcd:              "etcd Version: " + strings.TrimPrefix(pins.Etcd, "v") + "\nGit SHA: fake",
		APIServer:         "Kubernetes " + pins.Kubernetes,
		ControllerManager: "Kubernetes " + pins.Kubernetes,
	}
	for n, s := range wrong {
		say[n] = s
	}
	for n, s := range say {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("#!/bin/sh\necho '"+s+"'\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// fakeBuild links the templates into the build folder and records each call.
type fakeBuild struct {
	tpl   string
	calls atomic.Int32
	mu    sync.Mutex
	built [][]string
	// before runs first, in the build; a non-nil error ends the build.
	before func(s spec) error
}

func (f *fakeBuild) build(_ context.Context, s spec) error {
	f.calls.Add(1)
	f.mu.Lock()
	f.built = append(f.built, slices.Clone(s.names))
	f.mu.Unlock()
	if f.before != nil {
		if err := f.before(s); err != nil {
			return err
		}
	}
	for _, n := range s.names {
		if err := os.Link(filepath.Join(f.tpl, n), filepath.Join(s.dir, n)); err != nil {
			return err
		}
	}
	return nil
}

func newCache(t testing.TB, root string, f *fakeBuild, out *proctest.Buffer) *Cache {
	return &Cache{Repo: repoRoot(t), Root: root, Out: out, Interval: time.Hour, build: f.build}
}

// buildFolders are the build-* folders left in the entry.
func buildFolders(t testing.TB, c *Cache) []string {
	e, err := c.Entry(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	m, _ := filepath.Glob(filepath.Join(e.Dir, "build-*"))
	return m
}

func TestEnsureBuildsWhatIsMissingOnce(t *testing.T) {
	t.Setenv(contract.EnvControlPlaneBinDir, "")
	f := &fakeBuild{tpl: templates(t, nil)}
	var out proctest.Buffer
	c := newCache(t, t.TempDir(), f, &out)
	ctx := context.Background()

	bin, err := c.Ensure(ctx, Needed(false))
	if err != nil {
		t.Fatal(err)
	}
	if m := missing(bin, Needed(false)); len(m) > 0 {
		t.Errorf("after Ensure, %s lacks %v", bin, m)
	}
	if m := missing(bin, []string{ControllerManager}); len(m) == 0 {
		t.Errorf("Ensure without controllers built kube-controller-manager")
	}
	again, err := c.Ensure(ctx, Needed(false))
	if err != nil || again != bin {
		t.Fatalf("second Ensure = %q, %v; want %q", again, err, bin)
	}
	if _, err := c.Ensure(ctx, Needed(true)); err != nil {
		t.Fatal(err)
	}
	want := [][]string{{Etcd, APIServer}, {ControllerManager}}
	if !slices.EqualFunc(f.built, want, slices.Equal) {
		t.Errorf("builds = %v, want %v (each binary once, the controller manager only when asked for)", f.built, want)
	}
	if left := buildFolders(t, c); len(left) > 0 {
		t.Errorf("build folders left: %v", left)
	}
	e, _ := c.Entry(ctx)
	if filepath.Dir(bin) != filepath.Join(c.Root, e.Key) || !strings.HasPrefix(e.Key, "k8s-"+contract.KubernetesVersion+"_etcd-"+contract.EtcdVersion+"_") {
		t.Errorf("bin = %s, key %s: want Root/k8s-%s_etcd-%s_.../bin", bin, e.Key, contract.KubernetesVersion, contract.EtcdVersion)
	}
	if !strings.Contains(out.String(), "ready in "+bin) {
		t.Errorf("output does not say where the binaries are:\n%s", out.String())
	}
}

// TestConcurrentRunsBuildOnce: two runs want the binaries at once; the
// second waits on the lock, says so, and uses what the first built.
func TestConcurrentRunsBuildOnce(t *testing.T) {
	t.Setenv(contract.EnvControlPlaneBinDir, "")
	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	f := &fakeBuild{tpl: templates(t, nil), before: func(spec) error {
		once.Do(func() { close(entered) })
		<-release
		return nil
	}}
	root := t.TempDir()
	var outA, outB proctest.Buffer
	a, b := newCache(t, root, f, &outA), newCache(t, root, f, &outB)
	type result struct {
		bin string
		err error
	}
	resA, resB := make(chan result, 1), make(chan result, 1)
	go func() { bin, err := a.Ensure(context.Background(), Needed(false)); resA <- result{bin, err} }()
	<-entered
	go func() { bin, err := b.Ensure(context.Background(), Needed(false)); resB <- result{bin, err} }()
	waitFor(t, "the second run to wait for the first one's lock", func() error {
		if !strings.Contains(outB.String(), "waiting (up to 1h0m0s) for another run that builds them: pid ") {
			return fmt.Errorf("second run's output: %q", outB.String())
		}
		return nil
	})
	close(release)
	ra, rb := <-resA, <-resB
	if ra.err != nil || rb.err != nil {
		t.Fatalf("Ensure: first %v, second %v", ra.err, rb.err)
	}
	if ra.bin != rb.bin {
		t.Errorf("the runs use %s and %s, want one folder", ra.bin, rb.bin)
	}
	if n := f.calls.Load(); n != 1 {
		t.Errorf("%d builds, want 1", n)
	}
	if !strings.Contains(outB.String(), "another run built them meanwhile") {
		t.Errorf("the second run does not say it reused the first one's build:\n%s", outB.String())
	}
}

func TestLockWaitIsBounded(t *testing.T) {
	t.Setenv(contract.EnvControlPlaneBinDir, "")
	f := &fakeBuild{tpl: templates(t, nil)}
	var out proctest.Buffer
	c := newCache(t, t.TempDir(), f, &out)
	c.LockTimeout = 50 * time.Millisecond
	e, err := c.Entry(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(e.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	held, err := tryLock(lockPath(e))
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	_, err = c.Ensure(context.Background(), Needed(false))
	var pe *poll.Error
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "lock "+lockPath(e)) {
		t.Errorf("Ensure with the lock held elsewhere = %v; want a timed-out wait naming the lock", err)
	}
	if f.calls.Load() != 0 {
		t.Errorf("built without the lock")
	}
}

func TestFailedOrWrongBuildPublishesNothing(t *testing.T) {
	t.Setenv(contract.EnvControlPlaneBinDir, "")
	for name, tc := range map[string]struct {
		wrong   map[string]string
		failing bool
		want    string
	}{
		"build fails after writing a binary": {failing: true, want: "compile error"},
		"kube-apiserver reports another version": {wrong: map[string]string{APIServer: "Kubernetes v0.0.0-master"},
			want: `kube-apiserver --version says "Kubernetes v0.0.0-master", want "Kubernetes ` + contract.KubernetesVersion + `"`},
	} {
		t.Run(name, func(t *testing.T) {
			f := &fakeBuild{tpl: templates(t, tc.wrong)}
			if tc.failing {
				f.before = func(s spec) error {
					if err := os.Link(filepath.Join(f.tpl, Etcd), filepath.Join(s.dir, Etcd)); err != nil {
						return err
					}
					return errors.New("compile error")
				}
			}
			var out proctest.Buffer
			c := newCache(t, t.TempDir(), f, &out)
			_, err := c.Ensure(context.Background(), Needed(false))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Ensure = %v, want an error containing %q", err, tc.want)
			}
			e, _ := c.Entry(context.Background())
			if m := missing(e.Bin, Needed(false)); len(m) != 2 {
				t.Errorf("a failed build published binaries: only %v missing from %s", m, e.Bin)
			}
			if left := buildFolders(t, c); len(left) > 0 {
				t.Errorf("build folders left: %v", left)
			}
		})
	}
}

func TestOverrideBuildsNothing(t *testing.T) {
	f := &fakeBuild{tpl: templates(t, nil)}
	c := newCache(t, t.TempDir(), f, &proctest.Buffer{})
	t.Setenv(contract.EnvControlPlaneBinDir, f.tpl)
	if got, err := c.Ensure(context.Background(), Needed(true)); err != nil || got != f.tpl {
		t.Errorf("Ensure with %s=%s = %q, %v", contract.EnvControlPlaneBinDir, f.tpl, got, err)
	}
	empty := t.TempDir()
	t.Setenv(contract.EnvControlPlaneBinDir, empty)
	_, err := c.Ensure(context.Background(), Needed(false))
	if err == nil || !strings.Contains(err.Error(), contract.EnvControlPlaneBinDir+"="+empty+" has no etcd, kube-apiserver") {
		t.Errorf("Ensure with an empty override = %v, want an error naming the variable and the binaries", err)
	}
	if f.calls.Load() != 0 {
		t.Errorf("built with an override set")
	}
}

func TestWhereAndClean(t *testing.T) {
	t.Setenv(contract.EnvControlPlaneBinDir, "")
	f := &fakeBuild{tpl: templates(t, nil)}
	root := filepath.Join(t.TempDir(), "controlplane")
	c := newCache(t, root, f, &proctest.Buffer{})
	var where bytes.Buffer
	if err := c.Where(context.Background(), &where); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(where.String(), "control-plane binary cache: "+root+" (0 MiB in 0 entries)") || !strings.Contains(where.String(), "built: none\n  not built: etcd, kube-apiserver, kube-controller-manager\n") {
		t.Errorf("Where on an empty cache:\n%s", where.String())
	}
	bin, err := c.Ensure(context.Background(), Needed(false))
	if err != nil {
		t.Fatal(err)
	}
	// An entry another run is building stays.
	busy := filepath.Join(root, "k8s-other")
	if err := os.MkdirAll(busy, 0o755); err != nil {
		t.Fatal(err)
	}
	held, err := tryLock(lockPath(Entry{Dir: busy}))
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	where.Reset()
	if err := c.Where(context.Background(), &where); err != nil {
		t.Fatal(err)
	}
	e, _ := c.Entry(context.Background())
	for _, want := range []string{"in 2 entries", e.Key + "  (these pins and this Go)", "k8s-other", "built: etcd, kube-apiserver\n  not built: kube-controller-manager\n"} {
		if !strings.Contains(where.String(), want) {
			t.Errorf("Where lacks %q:\n%s", want, where.String())
		}
	}
	var clean bytes.Buffer
	if err := c.Clean(&clean); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bin); !os.IsNotExist(err) {
		t.Errorf("%s still there after Clean (%v)", bin, err)
	}
	if _, err := os.Stat(busy); err != nil || !strings.Contains(clean.String(), "kept [k8s-other]: another run is building there now") {
		t.Errorf("Clean removed or did not report the entry being built (%v):\n%s", err, clean.String())
	}
}
