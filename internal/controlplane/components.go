package controlplane

import (
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/efortin/vllm-chill/internal/cpbuild"
)

// component is one binary of the plane, as data: its name (the binary's name
// in BinDir), its command line for a start's layout, and when it starts.
type component struct {
	name  string
	flags func(layout) flagMap
	// afterReady: started once the API server is ready, not with the others.
	afterReady bool
}

// The components, in start order. etcd and kube-apiserver start at once
// (the API server retries etcd until it answers).
// The names are those of the binaries cpbuild builds.
var (
	etcd                  = component{name: cpbuild.Etcd, flags: etcdFlags}
	kubeAPIServer         = component{name: cpbuild.APIServer, flags: apiServerFlags}
	kubeControllerManager = component{name: cpbuild.ControllerManager, flags: controllerManagerFlags, afterReady: true}
)

// plan is what this plane runs, in start order.
func (cp *ControlPlane) plan() []component {
	c := []component{etcd, kubeAPIServer}
	if cp.Controllers {
		c = append(c, kubeControllerManager)
	}
	return c
}

// Binaries are the names of every component binary, in start order.
var Binaries = []string{etcd.name, kubeAPIServer.name, kubeControllerManager.name}

// layout is what the command lines of one start refer to.
type layout struct {
	dir                    string
	etcdPort, etcdPeerPort int
	apiPort                int
	files                  map[string]string // from pki.writeFiles
	kcmKubeconfig          string
}

func (l layout) etcdURL() string      { return "http://127.0.0.1:" + strconv.Itoa(l.etcdPort) }
func (l layout) apiServerURL() string { return "https://127.0.0.1:" + strconv.Itoa(l.apiPort) }

// flagMap keeps a command line as data until exec time, so defaults and
// caller overrides merge by name instead of by string surgery.
type flagMap map[string]string

func (f flagMap) merge(over map[string]string) flagMap {
	for k, v := range over {
		f[k] = v
	}
	return f
}

// args renders --name=value pairs in a stable order (stable error messages).
func (f flagMap) args() []string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, "--"+k+"="+f[k])
	}
	return out
}

func etcdFlags(l layout) flagMap {
	peer := "http://127.0.0.1:" + strconv.Itoa(l.etcdPeerPort)
	return flagMap{
		"name":                        "vllm-local",
		"data-dir":                    filepath.Join(l.dir, "etcd"),
		"listen-client-urls":          l.etcdURL(),
		"advertise-client-urls":       l.etcdURL(),
		"listen-peer-urls":            peer,
		"initial-advertise-peer-urls": peer,
		"initial-cluster":             "vllm-local=" + peer,
		// Throwaway data: skipping fsync makes writes (and CRD installs) fast.
		"unsafe-no-fsync": "true",
		"log-level":       "warn",
		// Small backend quota and frequent compaction keep etcd's memory flat.
		"quota-backend-bytes":       strconv.Itoa(256 << 20),
		"auto-compaction-mode":      "periodic",
		"auto-compaction-retention": "1m",
	}
}

// servedGroups are the API groups kube-apiserver serves: the core group, the
// CRD and aggregation machinery, what authentication and authorization use,
// and the groups whose informers the default admission plugins and the API
// server's own controllers wait for (without them /readyz's informer-sync
// never passes). The rest (apps, batch, autoscaling, policy, events,
// flowcontrol, resource, storagemigration, ...) serve workloads, which a
// test of CRDs has none of: not registering them is what makes the API
// server start sooner and smaller. docs/local.md lists the measurements.
var servedGroups = []string{
	"v1",
	"apiextensions.k8s.io/v1", "apiregistration.k8s.io/v1", "admissionregistration.k8s.io/v1",
	"authentication.k8s.io/v1", "authorization.k8s.io/v1", "rbac.authorization.k8s.io/v1",
	"coordination.k8s.io/v1", "discovery.k8s.io/v1", "networking.k8s.io/v1",
	"scheduling.k8s.io/v1", "storage.k8s.io/v1", "node.k8s.io/v1", "certificates.k8s.io/v1",
}

func runtimeConfig() string {
	parts := []string{"api/all=false"}
	for _, g := range servedGroups {
		if g == "v1" {
			g = "api/v1"
		}
		parts = append(parts, g+"=true")
	}
	return strings.Join(parts, ",")
}

func apiServerFlags(l layout) flagMap {
	f := l.files
	return flagMap{
		"etcd-servers":                     l.etcdURL(),
		"bind-address":                     "127.0.0.1",
		"advertise-address":                "127.0.0.1",
		"secure-port":                      strconv.Itoa(l.apiPort),
		"cert-dir":                         filepath.Join(l.dir, "apiserver-certs"),
		"tls-cert-file":                    f["apiserver.crt"],
		"tls-private-key-file":             f["apiserver.key"],
		"client-ca-file":                   f["ca.crt"],
		"authorization-mode":               "RBAC",
		"service-account-issuer":           "https://kubernetes.default.svc",
		"service-account-key-file":         f["sa.pub"],
		"service-account-signing-key-file": f["sa.key"],
		"service-cluster-ip-range":         "10.0.0.0/24",
		"runtime-config":                   runtimeConfig(),
		// Nothing here proxies to nodes or webhooks outside loopback, and there
		// is no workload: these trims cut memory and start time.
		"enable-priority-and-fairness": "false",
		"profiling":                    "false",
		"endpoint-reconciler-type":     "none",
		"v":                            "0",
	}
}

// controllerManagerFlags runs only the controllers tests rely on when they
// ask for them: the `default` ServiceAccount and its tokens, and namespace
// deletion. Each other controller would add informers (memory) and start
// time for nothing.
func controllerManagerFlags(l layout) flagMap {
	f := l.files
	return flagMap{
		"kubeconfig":                       l.kcmKubeconfig,
		"service-account-private-key-file": f["sa.key"],
		"root-ca-file":                     f["ca.crt"],
		"use-service-account-credentials":  "true",
		"controllers":                      "serviceaccount-controller,serviceaccount-token-controller,namespace-controller",
		"leader-elect":                     "false",
		// No serving port: nothing scrapes it, and it would be one more port to reserve.
		"secure-port": "0",
		"profiling":   "false",
		"v":           "0",
	}
}
