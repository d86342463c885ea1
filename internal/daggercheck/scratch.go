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
)

// generated are the module paths the engine writes; a local `dagger develop`
// may have left them behind, and the shim replaces them.
var generated = []string{"dagger.gen.go", "internal/dagger", "internal/querybuilder", "internal/telemetry"}

// copyModule copies the module sources (Go files, go.mod, go.sum) into dst,
// leaving generated files out.
func copyModule(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		for _, g := range generated {
			if filepath.ToSlash(rel) == g {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !strings.HasSuffix(rel, ".go") && rel != "go.mod" && rel != "go.sum" {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
}

// prepareGoMod makes the scratch go.mod resolve: relative replace targets are
// made absolute (they were relative to the real module dir), and the SDK is
// required at the pinned version.
func prepareGoMod(scratch, srcDir, version string) error {
	out, err := goCmd(scratch, "mod", "edit", "-json")
	if err != nil {
		return fmt.Errorf("read scratch go.mod: %s", out)
	}
	var mod struct {
		Replace []struct {
			Old struct{ Path, Version string }
			New struct{ Path, Version string }
		}
	}
	if err := json.Unmarshal([]byte(out), &mod); err != nil {
		return fmt.Errorf("parse go mod edit -json: %w", err)
	}
	args := []string{"mod", "edit", "-require", sdkModule + "@" + version}
	for _, r := range mod.Replace {
		if r.New.Version != "" || !(strings.HasPrefix(r.New.Path, "./") || strings.HasPrefix(r.New.Path, "../") || r.New.Path == "." || r.New.Path == "..") {
			continue
		}
		old := r.Old.Path
		if r.Old.Version != "" {
			old += "@" + r.Old.Version
		}
		args = append(args, "-replace", old+"="+filepath.Join(srcDir, r.New.Path))
	}
	if out, err := goCmd(scratch, args...); err != nil {
		return fmt.Errorf("edit scratch go.mod: %s", out)
	}
	// tidy adds the SDK's own dependencies to go.sum (from the module proxy or cache).
	if out, err := goCmd(scratch, "mod", "tidy"); err != nil {
		return fmt.Errorf("go mod tidy in %s: %s", scratch, out)
	}
	return nil
}

// readModulePath is the module path of the copied go.mod.
func readModulePath(dir string) (string, error) {
	out, err := goCmd(dir, "list", "-m", "-f", "{{.Path}}")
	if err != nil {
		return "", fmt.Errorf("read module path in %s: %s", dir, out)
	}
	return strings.TrimSpace(out), nil
}

// downloadSDK returns the module-cache directory of the SDK at version.
func downloadSDK(dir, version string) (string, error) {
	out, err := goCmd(dir, "mod", "download", "-json", sdkModule+"@"+version)
	if err != nil {
		return "", fmt.Errorf("download %s@%s: %s", sdkModule, version, out)
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal([]byte(out), &info); err != nil || info.Dir == "" {
		return "", fmt.Errorf("download %s@%s: %s %s", sdkModule, version, info.Error, out)
	}
	return info.Dir, nil
}

// goCmd runs the go command in dir, ignoring any go.work, and returns its
// combined output.
func goCmd(dir string, args ...string) (string, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	return buf.String(), err
}
