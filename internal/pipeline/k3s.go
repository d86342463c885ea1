package pipeline

// DefaultK3sImage is the k3s image the module runs when no other is given.
// It carries Kubernetes v1.37.2, the same minor as the local control plane
// (tools/controlplane). It is pinned by tag only: no registry is reachable where
// this module was written, so no digest could be resolved and checked.
const DefaultK3sImage = "rancher/k3s:v1.37.2-k3s1"

// K3sAlias is the host name under which test containers reach the k3s service.
const K3sAlias = "k3s"

// K3sPort is the port of the k3s API server (and of its supervisor).
const K3sPort = 6443

// KubeContext is the context name the rewritten kubeconfig carries, so tools
// given an explicit context never act on another cluster by accident.
const KubeContext = "vllm-k3s"

// K3sKubeconfigDir is where the k3s service writes its kubeconfig; the module
// mounts a per-run cache volume there to read the file from another container.
const K3sKubeconfigDir = "/run/vllm-kubeconfig"

// K3sKubeconfigPath is the kubeconfig file k3s writes inside K3sKubeconfigDir.
const K3sKubeconfigPath = K3sKubeconfigDir + "/k3s.yaml"

// K3sEntrypointPath is where the module installs K3sEntrypoint in the image.
const K3sEntrypointPath = "/usr/local/bin/vllm-k3s-entrypoint"

// K3sStateDirs are the directories holding cluster state. The module mounts a
// fresh tmpfs on each, so no two runs ever share a datastore or certificates.
var K3sStateDirs = []string{"/var/lib/rancher/k3s", "/var/lib/kubelet", "/var/lib/cni", "/var/log"}

// K3sDisabled lists the packaged components a CRD test never uses: no ingress,
// load balancer, metrics, storage, or in-cluster DNS (tests talk to the API
// server directly and no pod needs to resolve a service name).
var K3sDisabled = []string{"traefik", "servicelb", "metrics-server", "local-storage", "coredns"}

// K3sServerArgs is the full `k3s server` command line for a service reached as
// alias. The API server certificate gets alias as a SAN so TLS verification
// works from other containers; the kubeconfig is world-readable so the reader
// container does not need to match k3s's user.
func K3sServerArgs(alias string) []string {
	args := []string{"k3s", "server"}
	for _, c := range K3sDisabled {
		args = append(args, "--disable", c)
	}
	return append(args,
		"--disable-helm-controller",
		"--disable-network-policy",
		"--disable-cloud-controller",
		"--tls-san", alias,
		"--write-kubeconfig", K3sKubeconfigPath,
		"--write-kubeconfig-mode", "644",
	)
}

// K3sEntrypoint wraps k3s in the service container. k3s moves itself out of the
// root cgroup only when it runs as PID 1, which it is not under Dagger's init, and
// on a cgroup v2 host the kubelet then fails to enable controllers for its
// children. The script moves every process into a leaf group, delegates the
// controllers, removes a kubeconfig left in the per-run volume by an earlier
// start (so readers never see stale credentials), then execs its arguments.
const K3sEntrypoint = `#!/bin/sh
set -eu
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
	mkdir -p /sys/fs/cgroup/vllm-init
	for pid in $(cat /sys/fs/cgroup/cgroup.procs); do
		echo "$pid" > /sys/fs/cgroup/vllm-init/cgroup.procs 2>/dev/null || true
	done
	for c in $(cat /sys/fs/cgroup/cgroup.controllers); do
		echo "+$c" > /sys/fs/cgroup/cgroup.subtree_control || echo "vllm-k3s: cannot delegate cgroup controller $c" >&2
	done
fi
rm -f "` + K3sKubeconfigPath + `"
exec "$@"
`

// WaitForFileScript waits until file $1 exists and is not empty, for at most
// $2 seconds, then prints it. The service health check only proves the port is
// open; k3s writes its kubeconfig a little later.
const WaitForFileScript = `set -eu
i=0
until [ -s "$1" ]; do
	i=$((i + 1))
	if [ "$i" -gt "$2" ]; then
		echo "waited $2s for $1: still missing or empty" >&2
		exit 1
	fi
	sleep 1
done
cat "$1"
`

// WaitForFileArgs runs WaitForFileScript for path with a timeout in seconds.
func WaitForFileArgs(path string, timeoutSeconds int) []string {
	return []string{"sh", "-c", WaitForFileScript, "wait-for-file", path, itoa(timeoutSeconds)}
}
