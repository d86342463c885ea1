// Tests vllm-chill in containers: a throwaway k3s cluster, the VLLMModel CRD and
// reference models installed by the repository's bootstrap CLI, unit and
// integration tests, and merged coverage with JUnit reports.
//
// Needs only a container runtime (Docker) and the Dagger CLI. Go commands and
// their flags come from the repository's own tools (cmd/vllm-coverage,
// cmd/vllm-bootstrap), so this graph runs exactly what the local path runs.
package main

import (
	"context"

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

// Kubeconfig starts a k3s cluster and returns its kubeconfig, with context
// "vllm-k3s" and the server pointing at the service alias. The cluster stops
// when the call ends, so this shows what the tests are given; for a cluster to
// work with from the host, use `go tool task k3d:setup`.
func (m *VllmChill) Kubeconfig(
	ctx context.Context,
	// k3s image; defaults to the constructor's.
	// +optional
	image string,
	// API server address written in the kubeconfig.
	// +default="https://k3s:6443"
	server string,
) (*dagger.File, error) {
	cl, err := m.startCluster(ctx, m.image(image), "")
	if err != nil {
		return nil, err
	}
	defer cl.stop(ctx)
	return cl.kubeconfigFor(ctx, server)
}

// InstallCrd starts a k3s cluster and installs manifests/crds with the
// bootstrap CLI, which waits until each CRD is Established and discoverable.
// Returns the bootstrap progress lines.
func (m *VllmChill) InstallCrd(
	ctx context.Context,
	// k3s image; defaults to the constructor's.
	// +optional
	image string,
) (string, error) {
	return m.bootstrap(ctx, m.image(image), []string{"install-crds", "manifests/crds"})
}

// ApplyModels starts a k3s cluster, installs the CRD and applies
// manifests/models, then applies them a second time to show the apply is
// idempotent. Returns the bootstrap progress lines.
func (m *VllmChill) ApplyModels(
	ctx context.Context,
	// k3s image; defaults to the constructor's.
	// +optional
	image string,
) (string, error) {
	return m.bootstrap(ctx, m.image(image), []string{"setup"}, []string{"apply", "manifests/models"})
}

// TestUnit runs the unit tests. Returns their JUnit report, coverage profile
// and log; fails with the test output when a test fails.
func (m *VllmChill) TestUnit(
	ctx context.Context,
	// Only run tests matching this regular expression (go test -run).
	// +optional
	run string,
) (*dagger.Directory, error) {
	res := m.unitPart(ctx, run)
	return res.Reports, res.err()
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

// TestIntegrationCoverage runs the integration suite against a fresh k3s
// cluster with coverage. Returns integration-coverage.out, the raw GOCOVERDIR
// data, the JUnit report and the log; fails with the test output when a test fails.
func (m *VllmChill) TestIntegrationCoverage(
	ctx context.Context,
	// Only run tests matching this regular expression (go test -run).
	// +optional
	run string,
	// k3s image; defaults to the constructor's.
	// +optional
	image string,
) (*dagger.Directory, error) {
	res := m.integrationPart(ctx, run, m.image(image), "")
	return res.Reports, res.err()
}

// TestAll runs the unit tests and the integration suite in parallel. Returns
// both parts' reports; fails with the output of every part that failed.
func (m *VllmChill) TestAll(
	ctx context.Context,
	// Only run tests matching this regular expression (go test -run).
	// +optional
	run string,
) (*dagger.Directory, error) {
	unit, integ := m.bothParts(ctx, run)
	return mergeReports(unit, integ), joinErrs(unit.err(), integ.err())
}

// CoverageAll runs the unit tests and the integration suite, then merges their
// coverage. Returns a directory with unit-coverage.out, integration-coverage.out,
// combined-coverage.out, combined-coverage.html, summary.txt, raw/ (GOCOVERDIR
// data), the JUnit reports and logs/. It returns the directory even when a part
// failed: summary.txt and logs/ say which, so a failed run can still be exported.
func (m *VllmChill) CoverageAll(
	ctx context.Context,
	// Only run tests matching this regular expression (go test -run).
	// +optional
	run string,
) (*dagger.Directory, error) {
	unit, integ := m.bothParts(ctx, run)
	return m.merge(ctx, run, unit, integ)
}

// TestMatrix runs the integration suite against one k3s cluster per Kubernetes
// version, in parallel. Returns one report directory per version (named after
// the image tag); fails naming every version whose tests failed.
func (m *VllmChill) TestMatrix(
	ctx context.Context,
	// Kubernetes patch releases (v1.37.2, v1.37.2+k3s1) or full k3s image references.
	// +default=["v1.37.2"]
	versions []string,
	// Only run tests matching this regular expression (go test -run).
	// +optional
	run string,
) (*dagger.Directory, error) {
	entries, err := pipeline.ExpandMatrix(versions)
	if err != nil {
		return nil, err
	}
	return m.matrix(ctx, run, entries)
}

// image is the k3s image to use: the argument when given, else the constructor's.
func (m *VllmChill) image(arg string) string {
	if arg != "" {
		return arg
	}
	return m.K3sImage
}
