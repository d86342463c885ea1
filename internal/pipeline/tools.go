package pipeline

import (
	"fmt"

	"github.com/efortin/vllm-chill/internal/contract"
)

// Part is one step of the coverage tool (cmd/vllm-coverage).
type Part string

// The coverage tool's steps. Unit and integration each write a profile, JUnit
// XML and raw GOCOVERDIR data; merge combines whatever parts left behind.
const (
	PartUnit        Part = "unit"
	PartIntegration Part = "integration"
	PartMerge       Part = "merge"
)

// ToolsDir is where the module installs the repository's own commands in the
// Go container, built once per source change rather than `go run` per step.
const ToolsDir = "/usr/local/bin"

// Tools are the repository's commands every test container uses.
var Tools = []string{"vllm-bootstrap", "vllm-coverage"}

// PrepareArgs are the steps that make a Go container ready to test, each its
// own exec so that a warm run finds them in Dagger's cache and the test logs
// hold test output only: download the modules, then build the tools.
func PrepareArgs() [][]string {
	build := []string{"go", "build", "-o", ToolsDir + "/"}
	for _, t := range Tools {
		build = append(build, "./cmd/"+t)
	}
	return [][]string{{"go", "mod", "download"}, build}
}

// CoverageArgs is the command that runs one part of the coverage tool, writing
// into outDir. The Dagger path runs exactly what the local path runs, so the go
// test flags live in one place: the tool.
func CoverageArgs(part Part, outDir string) []string {
	return []string{ToolsDir + "/vllm-coverage", string(part), "--out", outDir}
}

// BootstrapArgs runs the shared bootstrap CLI against kubeconfig with an
// explicit context, e.g. BootstrapArgs(k, ctx, "install-crds", "manifests/crds").
func BootstrapArgs(kubeconfig, context string, command ...string) []string {
	args := []string{ToolsDir + "/vllm-bootstrap", "--kubeconfig", kubeconfig, "--context", context}
	return append(args, command...)
}

// EnvVar is one environment variable of a test container.
type EnvVar struct{ Name, Value string }

// RunNonceEnv carries a test run's nonce: the test exec differs from every
// earlier one, so Dagger runs the tests again instead of replaying a result.
const RunNonceEnv = "VLLM_RUN_NONCE"

// TestEnv is the environment of a test container, in a stable order.
// kubeconfig empty means no cluster (unit tests); run empty means no filter
// and is left unset; nonce makes this exec one of a kind.
func TestEnv(kubeconfig, run, nonce string) []EnvVar {
	var env []EnvVar
	if kubeconfig != "" {
		env = append(env, EnvVar{contract.EnvKubeconfig, kubeconfig}, EnvVar{contract.EnvKubeContext, contract.ContextK3s})
	}
	if run != "" {
		env = append(env, EnvVar{contract.EnvTestRun, run})
	}
	return append(env, EnvVar{RunNonceEnv, nonce})
}

// PartLog is the text kept as logs/<part>.log in a report directory: the exit
// code on the first line, then what the part printed, so a failed run can be
// read from the exported reports alone.
func PartLog(part Part, exitCode int, output string) string {
	return fmt.Sprintf("%s: exit code %d\n%s", part, exitCode, output)
}

// PartLogPath is where PartLog goes inside a report directory.
func PartLogPath(part Part) string { return "logs/" + string(part) + ".log" }
