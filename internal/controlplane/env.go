package controlplane

import (
	"fmt"
	"os"
	"time"

	"github.com/efortin/vllm-chill/internal/contract"
)

// Environment overrides, all in one place. A field set in code wins over its
// variable; a variable wins over the built-in default.
//
//	VLLM_CONTROLPLANE_BIN_DIR        a folder of ready binaries (callers resolve
//	                                 BinDir with cpbuild.Ensure; default: the
//	                                 per-user cache, built on first use)
//	VLLM_CONTROLPLANE_START_TIMEOUT  bound on Start, a Go duration (default 60s)
//	VLLM_CONTROLPLANE_VERBOSE        "1" copies component logs to stderr when Out is nil
//	TMPDIR                           parent of the run directories (Go's os.TempDir)
const (
	EnvStartTimeout = "VLLM_CONTROLPLANE_START_TIMEOUT"
	EnvVerbose      = "VLLM_CONTROLPLANE_VERBOSE"
)

const defaultStartTimeout = 60 * time.Second // generous: CI machines are shared and slow

func missingBinaryError(path string) error {
	return fmt.Errorf("control-plane binary %s not found: run `go tool task local:binaries` (or set %s)", path, contract.EnvControlPlaneBinDir)
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
