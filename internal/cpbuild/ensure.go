package cpbuild

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/efortin/vllm-chill/internal/contract"
	"github.com/efortin/vllm-chill/internal/heartbeat"
	"github.com/efortin/vllm-chill/internal/repo"
)

// Cache builds and finds the binaries of one repository's pins. The zero
// value works inside the repository; every field has a default.
type Cache struct {
	// Repo is the repository root, where the pins are. Default: repo.Root().
	Repo string
	// Root is the cache folder of every entry. Default: CacheRoot().
	Root string
	// Go is the go command. Default "go" from PATH.
	Go string
	// Out receives what a build says (steps, heartbeats, waits). Default:
	// discarded. A binary that is already built prints nothing.
	Out io.Writer
	// Interval is the heartbeat of a running step. Default heartbeat.Interval.
	Interval time.Duration
	// LockTimeout bounds the wait for another run's build of the same entry.
	// Default 60 min: a cold build on a loaded 2-core machine took 25.
	LockTimeout time.Duration

	// build makes the named binaries in dir; default goBuild. Tests replace
	// it so that they do not compile Kubernetes.
	build func(ctx context.Context, s spec) error
}

// spec is one build: the binaries to make, where, and what they must report.
type spec struct {
	dir      string   // an empty build-* folder of the entry
	names    []string // in Needed order
	repo     string
	pins     Pins
	goCmd    string
	out      io.Writer
	interval time.Duration
}

// Entry is where this machine keeps the binaries of the current pins.
type Entry struct {
	Key  string
	Dir  string // Root/Key: the lock, build-* folders and bin
	Bin  string // Dir/bin: only verified binaries, each placed by a rename
	Pins Pins
}

func (c *Cache) defaults() error {
	var err error
	if c.Repo == "" {
		if c.Repo, err = repo.Root(); err != nil {
			return err
		}
	}
	if c.Root == "" {
		if c.Root, err = CacheRoot(); err != nil {
			return err
		}
	}
	if c.Go == "" {
		c.Go = "go"
	}
	if c.Out == nil {
		c.Out = io.Discard
	}
	c.Out = heartbeat.SyncWriter(c.Out)
	if c.Interval <= 0 {
		c.Interval = heartbeat.Interval
	}
	if c.LockTimeout <= 0 {
		c.LockTimeout = 60 * time.Minute
	}
	if c.build == nil {
		c.build = goBuild
	}
	return nil
}

// Entry finds the entry of the current pins and Go, without building.
func (c *Cache) Entry(ctx context.Context) (Entry, error) {
	if err := c.defaults(); err != nil {
		return Entry{}, err
	}
	pins, err := ReadPins(c.Repo)
	if err != nil {
		return Entry{}, err
	}
	tc, err := readToolchain(ctx, c.Go, filepath.Join(c.Repo, PinsDir))
	if err != nil {
		return Entry{}, err
	}
	key := Key(pins, tc)
	dir := filepath.Join(c.Root, key)
	return Entry{Key: key, Dir: dir, Bin: filepath.Join(dir, "bin"), Pins: pins}, nil
}

// Ensure returns the folder holding names (see Needed), building the missing
// ones first. With $VLLM_CONTROLPLANE_BIN_DIR set it builds nothing and
// fails when a binary is missing there.
func (c *Cache) Ensure(ctx context.Context, names []string) (string, error) {
	if dir, err := override(); err != nil || dir != "" {
		if err != nil {
			return "", err
		}
		if m := missing(dir, names); len(m) > 0 {
			return "", fmt.Errorf("%s=%s has no %s: put the binaries there or unset it to build them into the per-user cache", contract.EnvControlPlaneBinDir, dir, strings.Join(m, ", "))
		}
		return dir, nil
	}
	e, err := c.Entry(ctx)
	if err != nil {
		return "", err
	}
	if len(missing(e.Bin, names)) == 0 {
		return e.Bin, nil
	}
	l, err := c.lock(ctx, e, names)
	if err != nil {
		return "", err
	}
	defer l.unlock()
	todo := missing(e.Bin, names)
	if len(todo) == 0 {
		fmt.Fprintf(c.Out, "control-plane binaries: another run built them meanwhile; using %s\n", e.Bin)
		return e.Bin, nil
	}
	if err := c.removeLeftovers(e); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(e.Dir, "build-")
	if err != nil {
		return "", fmt.Errorf("create a build folder in %s: %w", e.Dir, err)
	}
	defer os.RemoveAll(tmp)
	s := spec{dir: tmp, names: todo, repo: c.Repo, pins: e.Pins, goCmd: c.Go, out: c.Out, interval: c.Interval}
	if err := c.build(ctx, s); err != nil {
		return "", err
	}
	if err := verify(ctx, s); err != nil {
		return "", err
	}
	if err := publish(tmp, e.Bin, todo); err != nil {
		return "", err
	}
	fmt.Fprintf(c.Out, "control-plane binaries: %s ready in %s, reused by every clone on this machine\n", strings.Join(todo, ", "), e.Bin)
	return e.Bin, nil
}

// removeLeftovers deletes the build-* folders of builds that died (a
// SIGKILL, a power cut): nothing in them was ever trusted, and only the
// lock holder builds, so none of them is in use.
func (c *Cache) removeLeftovers(e Entry) error {
	old, err := filepath.Glob(filepath.Join(e.Dir, "build-*"))
	if err != nil {
		return err
	}
	for _, d := range old {
		if err := os.RemoveAll(d); err != nil {
			return fmt.Errorf("remove the leftovers of an interrupted build %s: %w", d, err)
		}
		fmt.Fprintf(c.Out, "control-plane binaries: removed %s, left by a build that was interrupted\n", d)
	}
	return nil
}

// verify runs each new binary with --version: a binary that does not start
// or reports another version is never published.
func verify(ctx context.Context, s spec) error {
	for _, n := range s.names {
		want := "Kubernetes " + s.pins.Kubernetes
		if n == Etcd {
			want = "etcd Version: " + strings.TrimPrefix(s.pins.Etcd, "v")
		}
		path := filepath.Join(s.dir, n)
		vctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		out, err := exec.CommandContext(vctx, path, "--version").CombinedOutput()
		cancel()
		if err != nil {
			return fmt.Errorf("check the new %s (%s --version): %w: %s", n, path, err, strings.TrimSpace(string(out)))
		}
		if !strings.Contains(string(out), want) {
			return fmt.Errorf("check the new %s: %s --version says %q, want %q", n, path, strings.TrimSpace(string(out)), want)
		}
	}
	return nil
}

// publish moves verified binaries into bin. A rename within one file system
// is atomic: bin/<name> is either absent or whole. The data is synced first
// so that a power cut after the rename cannot leave a truncated file.
func publish(tmp, bin string, names []string) error {
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", bin, err)
	}
	for _, n := range names {
		src := filepath.Join(tmp, n)
		if err := syncFile(src); err != nil {
			return fmt.Errorf("sync the new %s: %w", src, err)
		}
		if err := os.Rename(src, filepath.Join(bin, n)); err != nil {
			return fmt.Errorf("move the new %s into %s: %w", n, bin, err)
		}
	}
	return syncFile(bin)
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}

// Ensure is Cache{Out: out}.Ensure(ctx, Needed(controllers)): the folder of
// the binaries a control plane runs, built when missing.
func Ensure(ctx context.Context, controllers bool, out io.Writer) (string, error) {
	return (&Cache{Out: out}).Ensure(ctx, Needed(controllers))
}
