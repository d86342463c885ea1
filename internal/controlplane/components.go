package controlplane

import (
	"fmt"
	"path/filepath"
	"strconv"
)

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
		// Nothing here proxies to nodes or webhooks outside loopback, and there
		// is no workload: these trims cut memory and start time.
		"enable-priority-and-fairness": "false",
		"profiling":                    "false",
		"endpoint-reconciler-type":     "none",
		"v":                            "0",
	}
}

// controllerManagerFlags runs only the controllers the tests rely on: the
// `default` ServiceAccount and its tokens, and namespace deletion. Each other
// controller would add informers (memory) and start time for nothing.
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

func binPath(binDir, name string) string { return filepath.Join(binDir, name) }

func missingBinaryError(path string) error {
	return fmt.Errorf("control-plane binary %s not found: run `go tool task local:binaries` (or set %s)", path, EnvBinDir)
}
