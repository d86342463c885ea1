package controlplane

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Environment overrides, all in one place. A field set in code wins over its
// variable; a variable wins over the built-in default.
//
//	VLLM_CONTROLPLANE_BIN_DIR        directory holding etcd, kube-apiserver and
//	                                 kube-controller-manager (default: .cache/controlplane/bin
//	                                 under the repository root, found by walking up to go.mod)
//	VLLM_CONTROLPLANE_START_TIMEOUT  bound on Start, a Go duration (default 60s)
//	VLLM_CONTROLPLANE_STOP_TIMEOUT   SIGTERM-to-SIGKILL grace per component (default 10s)
//	VLLM_CONTROLPLANE_VERBOSE        "1" copies component logs to stderr when Out is nil
//	TMPDIR                           parent of the per-start temp dir (Go's os.TempDir)
const (
	EnvBinDir       = "VLLM_CONTROLPLANE_BIN_DIR"
	EnvStartTimeout = "VLLM_CONTROLPLANE_START_TIMEOUT"
	EnvStopTimeout  = "VLLM_CONTROLPLANE_STOP_TIMEOUT"
	EnvVerbose      = "VLLM_CONTROLPLANE_VERBOSE"
)

// DefaultBinSubdir is where `go tool task local:binaries` puts the binaries,
// relative to the repository root.
const DefaultBinSubdir = ".cache/controlplane/bin"

const (
	defaultStartTimeout = 60 * time.Second // generous: CI machines are shared and slow
	defaultStopTimeout  = 10 * time.Second
)

// Binaries are the component binaries Start needs in BinDir.
var Binaries = []string{"etcd", "kube-apiserver", "kube-controller-manager"}

// DefaultBinDir resolves the binary directory from the environment or the
// repository root, without checking that the binaries are there.
func DefaultBinDir() (string, error) {
	if d := os.Getenv(EnvBinDir); d != "" {
		return filepath.Abs(d)
	}
	root, err := RepoRoot()
	if err != nil {
		return "", fmt.Errorf("find control-plane binaries (set %s): %w", EnvBinDir, err)
	}
	return filepath.Join(root, DefaultBinSubdir), nil
}

// RepoRoot walks up from the working directory to the directory whose go.mod
// declares this module. Nested modules (tools/controlplane) are skipped so the
// answer is the same from anywhere in the tree.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && isRootModule(data) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod of github.com/efortin/vllm-chill above the working directory")
		}
		dir = parent
	}
}

func isRootModule(gomod []byte) bool {
	for _, line := range strings.Split(string(gomod), "\n") {
		if strings.TrimSpace(line) == "module github.com/efortin/vllm-chill" {
			return true
		}
	}
	return false
}

func durationFromEnv(name string, def time.Duration) (time.Duration, error) {
	v := os.Getenv(name)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s=%q: want a positive Go duration such as 30s", name, v)
	}
	return d, nil
}
