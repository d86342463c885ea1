// Package contract is the one home of the facts every cluster path, tool and
// test shares: how a test run is told which cluster to use, the context names
// of the three paths, the client rate limits, the module path and the version
// pins. Where YAML, JSON or a Dagger pragma must spell one of these as a
// literal, a test (contract_test.go) checks that it equals the constant here.
package contract

// Module is the import path of this repository's Go module.
const Module = "github.com/efortin/vllm-chill"

// The environment a test run reads. KUBECONFIG and VLLM_KUBE_CONTEXT together
// name the cluster: the kubeconfig's current-context is never used.
const (
	EnvKubeconfig  = "KUBECONFIG"
	EnvKubeContext = "VLLM_KUBE_CONTEXT"
	// EnvTestRun carries a go test -run filter down to the coverage tool;
	// empty runs every test.
	EnvTestRun = "VLLM_TEST_RUN"
	// EnvBootstrapBin names a prebuilt bootstrap CLI for the suite to use
	// instead of building its own.
	EnvBootstrapBin = "VLLM_BOOTSTRAP_BIN"
)

// EnvControlPlaneBinDir names a folder of ready control-plane binaries. When
// it is unset, the local path builds them once per machine into a per-user
// cache (internal/cpbuild).
const EnvControlPlaneBinDir = "VLLM_CONTROLPLANE_BIN_DIR"

// The kubeconfig context of each cluster path.
const (
	ContextLocal = "vllm-local"    // the local control plane (cmd/vllm-local)
	ContextK3s   = "vllm-k3s"      // k3s in the Dagger module
	ContextK3d   = "k3d-vllm-test" // the k3d cluster of taskfiles/k3d.yml (k3d- + its name)
)

// Client rate limits of every client this repository builds: a test run
// polls, watches and runs twice at once, and client-go's default of 5 QPS
// would make it wait on itself.
const (
	ClientQPS   = 100
	ClientBurst = 200
)

// NotAwaitedReadyz are the /readyz checks that a test of CRDs and custom
// resources does not need, excluded (?exclude=) wherever this repository
// waits for an API server to be ready. Both are post-start hooks of
// kube-apiserver that finish a second or two after the rest:
//   - rbac/bootstrap-roles writes the default roles after a fixed 1 s wait;
//     the clients here are in system:masters (the local plane's admin, k3s's
//     admin), which the API server authorizes before RBAC;
//   - scheduling/bootstrap-system-priority-classes creates the priority
//     classes of pods; no pod is scheduled.
var NotAwaitedReadyz = []string{
	"poststarthook/rbac/bootstrap-roles",
	"poststarthook/scheduling/bootstrap-system-priority-classes",
}

// Version pins. Kubernetes and etcd are built from tools/controlplane's
// go.mod files, the k3s image runs the same Kubernetes release in Dagger and
// k3d, the Go image builds and tests inside Dagger, and the Dagger engine is
// dagger.json's engineVersion.
const (
	KubernetesVersion = "v1.37.2"
	EtcdVersion       = "v3.6.16"
	K3sImage          = "rancher/k3s:v1.37.2-k3s1"
	GoImage           = "golang:1.26"
	DaggerVersion     = "v0.21.8"
)
