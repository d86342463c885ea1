// Package repo finds this repository's root from anywhere inside it: the
// one place that knows how, for the commands and tests that read manifests,
// build test binaries or find the control-plane pins relative to it.
package repo

import (
	"errors"
	"os"
	"path/filepath"

	"golang.org/x/mod/modfile"

	"github.com/efortin/vllm-chill/internal/contract"
)

// Root walks up from the working directory to the directory whose go.mod
// declares this module (tools/controlplane's nested modules are passed by).
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && modfile.ModulePath(data) == contract.Module {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the repository: no go.mod of " + contract.Module + " in the working directory or above")
		}
		dir = parent
	}
}

// TestBinDir is a directory under .cache/testbin for binaries that tests
// build (the commands they drive). It is the same on every run, so `go
// build -o` finds its earlier output up to date and skips the link.
func TestBinDir(name string) (string, error) {
	root, err := Root()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, ".cache", "testbin", name)
	return dir, os.MkdirAll(dir, 0o755)
}
