package cpbuild

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/efortin/vllm-chill/internal/contract"
)

// Where prints the cache folder, each entry with its size (the current
// pins' entry marked), and the override when one is set.
func (c *Cache) Where(ctx context.Context, w io.Writer) error {
	if dir, err := override(); err != nil || dir != "" {
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s is set: the control plane runs the binaries in %s; the cache below is not used\n", contract.EnvControlPlaneBinDir, dir)
	}
	e, err := c.Entry(ctx)
	if err != nil {
		return err
	}
	entries, err := os.ReadDir(c.Root)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("read the cache %s: %w", c.Root, err)
	}
	var total int64
	var lines []string
	for _, d := range entries {
		if !d.IsDir() {
			continue
		}
		size, err := Size(filepath.Join(c.Root, d.Name()))
		if err != nil {
			return err
		}
		total += size
		mark := ""
		if d.Name() == e.Key {
			mark = "  (these pins and this Go)"
		}
		lines = append(lines, fmt.Sprintf("  %-8s %s%s", mib(size), d.Name(), mark))
	}
	sort.Strings(lines)
	entriesWord := "entries"
	if len(lines) == 1 {
		entriesWord = "entry"
	}
	fmt.Fprintf(w, "control-plane binary cache: %s (%s in %d %s)\n", c.Root, mib(total), len(lines), entriesWord)
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
	m := missing(e.Bin, Needed(true))
	var built []string
	for _, n := range Needed(true) {
		if !slices.Contains(m, n) {
			built = append(built, n)
		}
	}
	fmt.Fprintf(w, "these pins: %s\n  built: %s\n  not built: %s\n", e.Bin, list(built), list(m))
	if len(m) > 0 {
		fmt.Fprintln(w, "  (the first run that needs a binary builds it; kube-controller-manager only for runs with controllers)")
	}
	return nil
}

func list(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// Clean removes every entry of the cache but those another run is building
// right now (their lock is held); the next run builds what it needs again.
func (c *Cache) Clean(w io.Writer) error {
	if err := c.defaults(); err != nil {
		return err
	}
	entries, err := os.ReadDir(c.Root)
	if errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(w, "control-plane binary cache %s: nothing to remove\n", c.Root)
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the cache %s: %w", c.Root, err)
	}
	var freed int64
	var busy []string
	for _, d := range entries {
		dir := filepath.Join(c.Root, d.Name())
		if d.IsDir() {
			f, err := tryLock(lockPath(Entry{Dir: dir}))
			if errors.Is(err, errBusy) {
				busy = append(busy, d.Name())
				continue
			}
			if err != nil {
				return err
			}
			// Removed while locked: a run that waited on this lock finds its
			// file gone and takes a new one (tryLock checks).
			size, _ := Size(dir)
			err = os.RemoveAll(dir)
			f.Close()
			if err != nil {
				return fmt.Errorf("remove %s: %w", dir, err)
			}
			freed += size
			continue
		}
		if err := os.Remove(dir); err != nil {
			return fmt.Errorf("remove %s: %w", dir, err)
		}
	}
	fmt.Fprintf(w, "control-plane binary cache %s: removed %s\n", c.Root, mib(freed))
	if len(busy) > 0 {
		fmt.Fprintf(w, "kept %v: another run is building there now\n", busy)
		return nil
	}
	// Best effort: a run may have started a new entry meanwhile.
	_ = os.Remove(c.Root)
	return nil
}

func mib(n int64) string { return fmt.Sprintf("%d MiB", (n+1<<20-1)>>20) }
