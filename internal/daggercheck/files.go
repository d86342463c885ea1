package daggercheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/moby/patternmatcher"
)

// The engine's two file views of this repository, replayed from its rules
// (dagger/dagger v0.21.8):
//
//   - the upload: loading a module reads the context directory (the git
//     root) with include = dagger.json, the source folder and dagger.json's
//     "include" (core/schema/modulesource.go, loadModuleSourceContext) and
//     gitignore on, so ignored files stay behind;
//   - the source view: a `+defaultPath` Directory argument is the context
//     directory with the argument's `+ignore` patterns as excludes and
//     nothing else (core/modfunc.go loadContextualArg, LoadContextDir).
//
// Both filters are buildkit's (internal/fsutil/filter.go): moby/patternmatcher
// at the version the engine pins, a path kept when it or a parent matches an
// include, dropped when it or a parent matches an exclude.

// scratchDir holds the replays (upload/, view/) below the repository root.
// It is never part of a view, ignored by git or not.
const scratchDir = ".cache/daggercheck"

// repoFiles lists the files under root that are on disk in a clone: tracked
// ones and untracked ones git does not ignore, as slash paths. `.git` is not
// among them.
func repoFiles(root string) ([]string, error) {
	cmd := exec.Command("git", "ls-files", "--cached", "--others", "--exclude-standard", "-z")
	cmd.Dir = root
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("list the files of %s (git ls-files): %v: %s", root, err, strings.TrimSpace(errb.String()))
	}
	var files []string
	seen := map[string]bool{}
	for _, f := range strings.Split(out.String(), "\x00") {
		// ls-files names a file twice during a merge, and still names a
		// tracked file deleted from the work tree: neither is uploaded twice.
		if f == "" || seen[f] || strings.HasPrefix(f, scratchDir+"/") {
			continue
		}
		if _, err := os.Lstat(filepath.Join(root, filepath.FromSlash(f))); err != nil {
			continue
		}
		seen[f] = true
		files = append(files, f)
	}
	return files, nil
}

// filterFiles keeps the files that an include pattern (or none, when include
// is empty) and no exclude pattern matches, as buildkit's filter does.
func filterFiles(files, include, exclude []string) ([]string, error) {
	var inc, exc *patternmatcher.PatternMatcher
	var err error
	if len(include) > 0 {
		if inc, err = patternmatcher.New(include); err != nil {
			return nil, fmt.Errorf("include patterns %q: %w", include, err)
		}
	}
	if len(exclude) > 0 {
		if exc, err = patternmatcher.New(exclude); err != nil {
			return nil, fmt.Errorf("exclude patterns %q: %w", exclude, err)
		}
	}
	var out []string
	for _, f := range files {
		p := filepath.FromSlash(f)
		if inc != nil {
			ok, err := inc.MatchesOrParentMatches(p)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
		}
		if exc != nil {
			drop, err := exc.MatchesOrParentMatches(p)
			if err != nil {
				return nil, err
			}
			if drop {
				continue
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// uploadPatterns are the include patterns of a module load: the config
// file, the source folder and dagger.json's include, in that order.
func uploadPatterns(cfg *moduleConfig) []string {
	pats := []string{"dagger.json"}
	if cfg.Source == "." {
		// The engine turns "." into "*": the whole context.
		pats = append(pats, "*")
	} else {
		pats = append(pats, cfg.Source)
	}
	return append(pats, cfg.Include...)
}

// UploadFiles lists the files the engine uploads to load the module of the
// repository at root.
func UploadFiles(root string) ([]string, error) {
	cfg, err := readConfig(filepath.Join(root, "dagger.json"))
	if err != nil {
		return nil, err
	}
	files, err := repoFiles(root)
	if err != nil {
		return nil, err
	}
	return filterFiles(files, uploadPatterns(cfg), nil)
}

// SourceViewFiles lists the files of the repository at root that the
// module's constructor receives as its +defaultPath source: every file but
// those its +ignore patterns drop.
func SourceViewFiles(root string) ([]string, error) {
	ignore, err := SourceIgnore(root)
	if err != nil {
		return nil, err
	}
	files, err := repoFiles(root)
	if err != nil {
		return nil, err
	}
	return filterFiles(files, nil, ignore)
}

// SourceIgnore is the +ignore list of the constructor's +defaultPath
// Directory argument, read from the module's source.
func SourceIgnore(root string) ([]string, error) {
	cfg, err := readConfig(filepath.Join(root, "dagger.json"))
	if err != nil {
		return nil, err
	}
	m, err := ReadModule(filepath.Join(root, cfg.Source), cfg.Name)
	if err != nil {
		return nil, err
	}
	ctor := m.Objects[m.Main].Constructor
	if ctor == nil {
		return nil, fmt.Errorf("module %s has no constructor New, so no source argument to replay", cfg.Name)
	}
	for _, a := range ctor.Args {
		if a.Type != "*dagger.Directory" || a.DefaultPath == "" {
			continue
		}
		var ignore []string
		if a.Ignore != "" {
			if err := json.Unmarshal([]byte(a.Ignore), &ignore); err != nil {
				return nil, fmt.Errorf("%s: +ignore of %s is not a JSON array of patterns: %w", a.Pos, a.GoName, err)
			}
		}
		return ignore, nil
	}
	return nil, fmt.Errorf("%s: New has no *dagger.Directory argument with +defaultPath", ctor.Pos)
}

// layOut copies files (slash paths relative to src) into dst, keeping each
// file's mode, so dst holds exactly that view.
func layOut(src, dst string, files []string) error {
	if err := os.RemoveAll(dst); err != nil {
		return fmt.Errorf("clear %s: %w", dst, err)
	}
	for _, f := range files {
		from, to := filepath.Join(src, filepath.FromSlash(f)), filepath.Join(dst, filepath.FromSlash(f))
		info, err := os.Lstat(from)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return err
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(from)
			if err != nil {
				return err
			}
			if err := os.Symlink(target, to); err != nil {
				return err
			}
			continue
		}
		data, err := os.ReadFile(from)
		if err != nil {
			return err
		}
		if err := os.WriteFile(to, data, info.Mode().Perm()); err != nil {
			return err
		}
		// go test reuses a cached result only while the files a test opened
		// keep their size and time: a view laid out again must keep both.
		if err := os.Chtimes(to, info.ModTime(), info.ModTime()); err != nil {
			return err
		}
	}
	return nil
}
