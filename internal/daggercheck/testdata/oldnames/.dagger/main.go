// The module's constructor and its K3s function as they were before the
// naming check existed (a fixture of internal/daggercheck's TestOldNamesFail,
// trimmed to what the check reads: names, arguments and pragmas).
package main

import (
	"context"

	"dagger/vllm-chill/internal/dagger"

	"github.com/efortin/vllm-chill/pkg/pipeline"
)

// VllmChill is the containerized test pipeline of the vllm-chill repository.
type VllmChill struct {
	// Repository under test.
	// +private
	Source *dagger.Directory
	// Image that builds and tests the Go code.
	// +private
	GoImage string
	// Default k3s image of the test cluster.
	// +private
	K3sImage string
	// Names this run's cluster volumes.
	// +private
	RunID string
}

// New configures the pipeline.
func New(
	// Repository to test; defaults to the one holding dagger.json. Caches,
	// reports, build output and VCS data are not uploaded.
	// +defaultPath="/"
	// +ignore=[".git", ".cache", ".task", ".dagger", "coverage", "reports", "bin", "**/*.test", "**/*.out"]
	source *dagger.Directory,
	// Go image that builds and tests the code; it must satisfy the go line of go.mod.
	// +default="golang:1.26"
	goImage string,
	// k3s image of the test cluster (same Kubernetes minor as the local control plane).
	// +default="rancher/k3s:v1.37.2-k3s1"
	k3sImage string,
	// Id naming this run's cluster volumes (lower-case letters, digits, '-').
	// Empty picks a random one, so two runs never share a cluster.
	// +optional
	runID string,
) *VllmChill {
	if runID == "" {
		runID = pipeline.NewRunID()
	}
	return &VllmChill{Source: source, GoImage: goImage, K3sImage: k3sImage, RunID: runID}
}

// K3s returns the k3s server as a service reachable as "k3s" on port 6443.
// Only the API server and controllers run: ingress, load balancer, metrics,
// storage, DNS, Helm and network policies are disabled.
func (m *VllmChill) K3s(
	// k3s image; defaults to the constructor's.
	// +optional
	image string,
) (*dagger.Service, error) {
	return m.k3sService(m.image(image), "")
}

// TestIntegration runs the integration suite against a fresh k3s cluster.
// Returns its JUnit report and log; fails with the test output when a test fails.
func (m *VllmChill) TestIntegration(
	ctx context.Context,
	// Only run tests matching this regular expression (go test -run).
	// +optional
	run string,
	// k3s image; defaults to the constructor's.
	// +optional
	image string,
) (*dagger.Directory, error) {
	res := m.integrationPart(ctx, run, m.image(image), "")
	if err := res.err(); err != nil {
		return nil, err
	}
	return res.Reports.Filter(dagger.DirectoryFilterOpts{Include: []string{"*-junit.xml", "logs/**"}}), nil
}
