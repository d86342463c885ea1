// Package repo finds this repository's root from anywhere inside it: the
// one place that knows how, for the commands and tests that read manifests
// or the control-plane binaries relative to it.
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

// ControlPlaneBinDir is where the local control plane's binaries are:
// $VLLM_CONTROLPLANE_BIN_DIR when set, else .cache/controlplane/bin of the
// repository (where `go tool task local:binaries` builds them).
func ControlPlaneBinDir() (string, error) {
	if d := os.Getenv(contract.EnvControlPlaneBinDir); d != "" {
		return filepath.Abs(d)
	}
	root, err := Root()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, contract.ControlPlaneBinSubdir), nil
}
