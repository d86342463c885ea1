// Tests vllm-chill in containers: a throwaway k3s cluster, the VLLMModel CRD and
// reference models installed by the repository's bootstrap CLI, unit and
// integration tests, and merged coverage with JUnit reports.
//
// Needs only a container engine Dagger can use and the Dagger CLI. Go commands
// and their flags come from the repository's own tools (cmd/vllm-coverage,
// cmd/vllm-bootstrap), so this graph runs exactly what the local path runs.
//
// Caching: no call replays another call's cluster or test result. Every
// function that starts a cluster or runs tests is cached for its session only
// (one `dagger call`), and each cluster start and test run carries a random
// nonce, so its execs are new to the engine; steps without side effects
// (module download, building the tools, compiling) stay cached across calls.
package main

import (
	"github.com/efortin/vllm-chill/.dagger/internal/dagger"

	"github.com/efortin/vllm-chill/internal/pipeline"
)

// VllmChill is the containerized test pipeline of the vllm-chill repository.
type VllmChill struct {
	// Repository under test.
	// +private
	Source *dagger.Directory
	// Image that builds and tests the Go code.
	// +private
	GoImage string
	// Default k3s image of the test clusters.
	// +private
	ClusterImage string
	// Names this run's cluster volumes.
	// +private
	RunID string
	// Whether the run id was given (a cluster kept up is found by it).
	// +private
	RunIDGiven bool
	// Whether k3s runs its agent (pods) or only the server.
	// +private
	Agent bool
}

// New configures the pipeline. Options go before the function name:
// `dagger call --run-id dev cluster up --ports 6443:6443`.
//
// +cache="session"
func New(
	// Repository to test; defaults to the one holding dagger.json. Caches,
	// reports, build output, VCS data and the engine's generated client are
	// not uploaded; the module's own sources are, since tests check them.
	// +defaultPath="/"
	// +ignore=[".git", ".cache", ".task", ".dagger/dagger.gen.go", ".dagger/internal", "coverage", "reports", "bin", "**/*.test", "**/*.out"]
	source *dagger.Directory,
	// Go image that builds and tests the code; it must satisfy the go line of go.mod.
	// +default="golang:1.26"
	goImage string,
	// k3s image of the test clusters (the Kubernetes release of the local control plane).
	// +default="rancher/k3s:v1.37.2-k3s1"
	clusterImage string,
	// Names this run's clusters (lower-case letters, digits, '-'). Give the
	// same one to `cluster` and `kubeconfig`; empty picks a random one.
	// +optional
	runID string,
	// Run k3s with its agent (kubelet, containerd: pods run) instead of the
	// default agentless server (API server, datastore and controllers; no
	// node, no pods). The agent needs root capabilities in its container and
	// fails on some cgroup v2 hosts; the suite needs no pod.
	// +optional
	agent bool,
) (*VllmChill, error) {
	given := runID != ""
	if !given {
		runID = pipeline.NewRunID()
	}
	if err := pipeline.CheckRunID(runID); err != nil {
		return nil, err
	}
	return &VllmChill{Source: source, GoImage: goImage, ClusterImage: clusterImage, RunID: runID, RunIDGiven: given, Agent: agent}, nil
}

// image is the k3s image to use: the argument when given, else the constructor's.
func (m *VllmChill) image(arg string) string {
	if arg != "" {
		return arg
	}
	return m.ClusterImage
}
