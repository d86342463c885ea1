package pipeline

import (
	"time"
)

// Alias is the host name under which test containers reach the k3s service.
const Alias = "k3s"

// APIPort is the port of the k3s API server.
const APIPort = 6443

// StateDir is where the k3s service writes its kubeconfig and heartbeat; the
// module mounts a cache volume there so that another container (another call,
// for a cluster kept up with `cluster up`) can read them.
const StateDir = "/run/vllm-cluster"

// KubeconfigFile and HeartbeatFile are the files k3s's entrypoint keeps in StateDir.
const (
	KubeconfigFile = StateDir + "/" + kubeconfigName
	HeartbeatFile  = StateDir + "/" + heartbeatName

	kubeconfigName = "k3s.yaml"
	heartbeatName  = "heartbeat"
)

// EntrypointPath is where the module installs Entrypoint in the k3s image.
const EntrypointPath = "/usr/local/bin/vllm-k3s-entrypoint"

// NonceEnv carries a cluster start's nonce into the k3s container, so two
// starts are never one service (or one cached result) to the engine.
const NonceEnv = "VLLM_CLUSTER_NONCE"

// HeartbeatEvery is how often the entrypoint stamps HeartbeatFile.
const HeartbeatEvery = time.Second

// StateDirs are the directories holding cluster state. The module mounts a
// fresh tmpfs on each, so no two starts share a datastore or certificates.
var StateDirs = []string{"/var/lib/rancher/k3s", "/var/lib/kubelet", "/var/lib/cni", "/var/log"}

// Disabled lists the packaged components a CRD test never uses: no ingress,
// load balancer, metrics, storage, or in-cluster DNS (tests talk to the API
// server directly and no pod needs to resolve a service name).
var Disabled = []string{"traefik", "servicelb", "metrics-server", "local-storage", "coredns"}

// Cluster is how k3s runs in its service container.
type Cluster struct {
	// Agent runs k3s's agent beside the server: kubelet, containerd and the
	// network, so pods run. It needs the container's root capabilities and a
	// cgroup v2 fix-up (cgroupSetup). Without it the server is agentless
	// (k3s's experimental --disable-agent): the API server, its datastore and
	// the controllers (namespace deletion, garbage collection) run, no node
	// registers and no pod ever starts, and the container needs no privilege.
	// The suite tests CRDs and custom resources, which are API-server
	// features, so agentless is the default.
	Agent bool
}

// ServerArgs is the `k3s server` command line. The serving certificate names
// the service alias (for test containers) and localhost (for a host that
// forwards the port with `up --ports`); the kubeconfig is world-readable so a
// reader container need not run as k3s's user.
//
// Agentless, the egress selector is disabled: in k3s's default mode (agent,
// or pod) the API server reaches kubelets and endpoints through agent tunnels
// (k3s-io/k3s#5603), and with no agent there is no tunnel to wait on.
// Disabled, it dials directly, which only exec, logs, admission webhooks and
// aggregated APIs would need, and the suite uses none of them.
func (c Cluster) ServerArgs() []string {
	args := []string{"k3s", "server"}
	for _, d := range Disabled {
		args = append(args, "--disable", d)
	}
	args = append(args,
		"--disable-helm-controller",
		"--disable-network-policy",
		"--disable-cloud-controller",
		"--tls-san", Alias,
		"--tls-san", "localhost",
		"--write-kubeconfig", KubeconfigFile,
		"--write-kubeconfig-mode", "644",
	)
	if !c.Agent {
		args = append(args, "--disable-agent", "--egress-selector-mode", "disabled")
	}
	return args
}

// Privileged says whether the service container needs Dagger's
// InsecureRootCapabilities: only the agent manages cgroups and mounts.
func (c Cluster) Privileged() bool { return c.Agent }

// Entrypoint wraps k3s in the service container: with the agent,
// cgroupSetup; then stateSetup for StateDir; then it execs its arguments
// (k3s gets the signals).
func (c Cluster) Entrypoint() string {
	script := "#!/bin/sh\nset -eu\n"
	if c.Agent {
		script += cgroupSetup
	}
	return script + stateSetup(StateDir) + "exec \"$@\"\n"
}

// cgroupSetup: k3s moves itself out of the root cgroup only when it runs as
// PID 1, which it is not under Dagger's init, and on a cgroup v2 host the
// kubelet then fails to enable controllers for its children. It moves every
// process into a leaf group and delegates the controllers. Only the agent's
// kubelet and containerd need it.
const cgroupSetup = `if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
	mkdir -p /sys/fs/cgroup/vllm-init
	for pid in $(cat /sys/fs/cgroup/cgroup.procs); do
		echo "$pid" > /sys/fs/cgroup/vllm-init/cgroup.procs 2>/dev/null || true
	done
	for c in $(cat /sys/fs/cgroup/cgroup.controllers); do
		echo "+$c" > /sys/fs/cgroup/cgroup.subtree_control || echo "vllm-k3s: cannot delegate cgroup controller $c" >&2
	done
fi
`

// stateSetup removes a kubeconfig an earlier start left in the state volume
// (readers never see stale credentials) and stamps a heartbeat every
// HeartbeatEvery in the background, so a reader in another call tells a live
// cluster from a stopped one.
func stateSetup(dir string) string {
	kubeconfig, heartbeat := dir+"/"+kubeconfigName, dir+"/"+heartbeatName
	return `mkdir -p "` + dir + `"
rm -f "` + kubeconfig + `"
(while :; do date +%s > "` + heartbeat + `"; sleep ` + secs(HeartbeatEvery) + `; done) &
`
}
