package controlplane

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Environment overrides, all in one place. A field set in code wins over its
// variable; a variable wins over the built-in default.
//
//	VLLM_CONTROLPLANE_BIN_DIR        directory holding the binaries (BinDir below;
//	                                 default .cache/controlplane/bin in the repository)
//	VLLM_CONTROLPLANE_START_TIMEOUT  bound on Start, a Go duration (default 60s)
//	VLLM_CONTROLPLANE_VERBOSE        "1" copies component logs to stderr when Out is nil
//	TMPDIR                           parent of the run directories (Go's os.TempDir)
const (
	EnvBinDir       = "VLLM_CONTROLPLANE_BIN_DIR"
	EnvStartTimeout = "VLLM_CONTROLPLANE_START_TIMEOUT"
	EnvVerbose      = "VLLM_CONTROLPLANE_VERBOSE"
)

// DefaultBinSubdir is where `go tool task local:binaries` puts the binaries,
// relative to the repository root.
const DefaultBinSubdir = ".cache/controlplane/bin"

const defaultStartTimeout = 60 * time.Second // generous: CI machines are shared and slow

// BinDir is the binary directory for a repository root: $VLLM_CONTROLPLANE_BIN_DIR
// when set, else DefaultBinSubdir under root.
func BinDir(root string) (string, error) {
	if d := os.Getenv(EnvBinDir); d != "" {
		return filepath.Abs(d)
	}
	return filepath.Join(root, DefaultBinSubdir), nil
}

func missingBinaryError(path string) error {
	return fmt.Errorf("control-plane binary %s not found: run `go tool task local:binaries` (or set %s)", path, EnvBinDir)
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
