package oscheck

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
)

// A check that passed is remembered by a key of everything its result
// depends on, so an unchanged tree (in any clone) is not type-checked
// again: on 2 cores a check costs about 13 s of CPU every time, while a
// warm `go vet` answers from Go's build cache. Only passes are kept; a
// failing tree is checked every time and prints its errors.

// DefaultCacheDir is os.UserCacheDir()/vllm-chill/oscheck, beside the
// control-plane binaries' per-user cache.
func DefaultCacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "vllm-chill", "oscheck")
}

// cacheKeyFiles are the files whose contents decide what go list selects and
// what the type checker sees. Directories starting with "." are skipped:
// no import path may have such an element, so none holds a package.
func cacheKeyFile(name string) bool {
	switch name {
	case "go.mod", "go.sum", "go.work", "go.work.sum", "modules.txt":
		return true
	}
	return strings.HasSuffix(name, ".go")
}

// Key is the cache key of a check of patterns in dir for targets with tags:
// the Go toolchain and the settings that change its file selection, the
// request, and the path and contents of every Go, go.mod and go.sum file
// under dir (not dir itself, so clones share it). ok is false when the
// result depends on more than that: dir is not a module root, a workspace
// is in use, or go.mod replaces a module with a local directory.
func Key(dir string, targets []Target, tags, patterns []string) (key string, ok bool, err error) {
	modData, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	} else if err != nil {
		return "", false, err
	}
	mod, err := modfile.Parse("go.mod", modData, nil)
	if err != nil {
		return "", false, fmt.Errorf("parse %s: %w", filepath.Join(dir, "go.mod"), err)
	}
	for _, r := range mod.Replace {
		if modfile.IsDirectoryPath(r.New.Path) {
			return "", false, nil
		}
	}
	cmd := exec.Command("go", "env", "GOVERSION", "GOFLAGS", "GOEXPERIMENT", "GOWORK")
	cmd.Dir = dir
	env, err := cmd.Output()
	if err != nil {
		return "", false, fmt.Errorf("go env in %s: %w", dir, err)
	}
	if lines := strings.Split(string(env), "\n"); len(lines) < 4 || lines[3] != "" && lines[3] != "off" {
		return "", false, nil // a go.work adds modules outside dir
	}

	h := sha256.New()
	// The checker's own code decides the result too. Built from the module
	// it checks (go run ./hack/oscheck), its sources are among the files
	// hashed below and its dependencies in go.sum; the binary itself holds
	// the clone's path, so hashing it would keep clones from sharing a pass.
	// Built from elsewhere, the binary is the only record of its code.
	fmt.Fprintf(h, "oscheck %s\n", runtime.Version())
	if bi, ok := debug.ReadBuildInfo(); !ok || mod.Module == nil || bi.Main.Path != mod.Module.Mod.Path {
		exe, err := os.Executable()
		if err != nil {
			return "", false, err
		}
		if err := hashFile(h, exe); err != nil {
			return "", false, err
		}
	}
	fmt.Fprintf(h, "%s%v\n%q\n%q\n", env, targets, tags, patterns)
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != dir && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if d.IsDir() || !cacheKeyFile(d.Name()) {
			return nil
		}
		rel, _ := filepath.Rel(dir, path)
		fmt.Fprintf(h, "%s\x00", filepath.ToSlash(rel))
		return hashFile(h, path)
	})
	if err != nil {
		return "", false, fmt.Errorf("hash the Go files of %s: %w", dir, err)
	}
	return hex.EncodeToString(h.Sum(nil)), true, nil
}

func hashFile(h io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(h, f)
	return err
}

// cached returns the package count of a pass recorded under key.
func cached(cacheDir, key string) (int, bool) {
	if key == "" {
		return 0, false
	}
	path := filepath.Join(cacheDir, key)
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(string(bytes.TrimSpace(data)))
	if err != nil {
		return 0, false
	}
	now := time.Now()
	_ = os.Chtimes(path, now, now) // still in use: keep it past the next trim
	return n, true
}

// unusedFor is how long an entry stays after its last use.
const unusedFor = 14 * 24 * time.Hour

// remember records a pass of n packages under key, through a rename so a
// reader never sees half a file, and drops entries unused for two weeks
// (each tree that passed leaves one).
func remember(cacheDir, key string, n int) error {
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return fmt.Errorf("create the oscheck cache %s: %w", cacheDir, err)
	}
	tmp, err := os.CreateTemp(cacheDir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("write to the oscheck cache %s: %w", cacheDir, err)
	}
	_, werr := fmt.Fprintln(tmp, n)
	if err := errors.Join(werr, tmp.Close()); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(cacheDir, key)); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("record a pass in the oscheck cache: %w", err)
	}
	entries, _ := os.ReadDir(cacheDir)
	for _, e := range entries {
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > unusedFor {
			os.Remove(filepath.Join(cacheDir, e.Name()))
		}
	}
	return nil
}
