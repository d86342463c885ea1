package pipeline

import "fmt"

// Part is one step of the coverage tool (cmd/vllm-coverage).
type Part string

// The coverage tool's steps. Unit and integration each write a profile, JUnit
// XML and raw GOCOVERDIR data; merge combines whatever parts left behind.
const (
	PartUnit        Part = "unit"
	PartIntegration Part = "integration"
	PartMerge       Part = "merge"
)

// Environment variables read by the coverage tool and the integration suite.
const (
	EnvKubeconfig  = "KUBECONFIG"
	EnvKubeContext = "VLLM_KUBE_CONTEXT"
	// EnvTestRun carries the -run filter; empty runs every test.
	EnvTestRun = "VLLM_TEST_RUN"
)

// CoverageArgs is the command that runs one part of the coverage tool, writing
// into outDir. The Dagger path runs exactly what the local path runs, so the go
// test flags live in one place: the tool.
func CoverageArgs(part Part, outDir string) []string {
	return []string{"go", "run", "./cmd/vllm-coverage", string(part), "--out", outDir}
}

// BootstrapArgs runs the shared bootstrap CLI against kubeconfig with an
// explicit context, e.g. BootstrapArgs(k, ctx, "install-crds", "manifests/crds").
func BootstrapArgs(kubeconfig, context string, command ...string) []string {
	args := []string{"go", "run", "./cmd/vllm-bootstrap", "--kubeconfig", kubeconfig, "--context", context}
	return append(args, command...)
}

// EnvVar is one environment variable of a test container.
type EnvVar struct{ Name, Value string }

// TestEnv is the environment of a test container, in a stable order so the
// container definition (and so Dagger's cache key) does not change between
// calls. kubeconfig empty means no cluster (unit tests); run empty means no
// filter and is left unset.
func TestEnv(kubeconfig, context, run string) []EnvVar {
	var env []EnvVar
	if kubeconfig != "" {
		env = append(env, EnvVar{EnvKubeconfig, kubeconfig}, EnvVar{EnvKubeContext, context})
	}
	if run != "" {
		env = append(env, EnvVar{EnvTestRun, run})
	}
	return env
}

// PartLog is the text kept as logs/<part>.log in a report directory: the exit
// code on the first line, then what the part printed, so a failed run can be
// read from the exported reports alone.
func PartLog(part Part, exitCode int, output string) string {
	return fmt.Sprintf("%s: exit code %d\n%s", part, exitCode, output)
}

// PartLogPath is where PartLog goes inside a report directory.
func PartLogPath(part Part) string { return "logs/" + string(part) + ".log" }
