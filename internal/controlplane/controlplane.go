// Package controlplane runs a real, throwaway Kubernetes control plane
// (etcd, kube-apiserver, kube-controller-manager) on loopback, in the spirit of
// controller-runtime's envtest, with a context.Context on every wait.
//
// The zero value works: every field has a default and, where useful, an
// environment override (see env.go for the complete list).
package controlplane

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"k8s.io/client-go/rest"

	"github.com/efortin/vllm-chill/internal/contract"
)

// ControlPlane is one local control plane. Start it once, Stop it once.
type ControlPlane struct {
	// BinDir holds etcd, kube-apiserver and kube-controller-manager.
	// Default: $VLLM_CONTROLPLANE_BIN_DIR, else .cache/controlplane/bin under the repo root.
	BinDir string
	// StartTimeout bounds Start. Default: $VLLM_CONTROLPLANE_START_TIMEOUT, else 60s.
	StartTimeout time.Duration
	// StopTimeout is how long each component gets between SIGTERM and SIGKILL.
	// Default: $VLLM_CONTROLPLANE_STOP_TIMEOUT, else 10s.
	StopTimeout time.Duration
	// Out receives component logs, one "name: line" per line. Default: discarded,
	// or stderr when VLLM_CONTROLPLANE_VERBOSE=1. Errors always carry the last lines.
	Out io.Writer
	// APIServerPort and EtcdPort are preferred ports; 0 (the default) means any.
	// A preferred port that is already taken is replaced by a free one.
	APIServerPort, EtcdPort int
	// EtcdFlags, APIServerFlags and ControllerManagerFlags add to or override
	// the default flags (name without "--" → value).
	EtcdFlags, APIServerFlags, ControllerManagerFlags map[string]string

	mu         sync.Mutex
	started    bool
	dir        string
	layout     layout
	kubeconfig string
	config     *rest.Config
	procs      []*process // start order: etcd, kube-apiserver, kube-controller-manager
	failed     chan struct{}
	failErr    error

	readyz, serviceAccount time.Duration // since etcd and kube-apiserver were launched
}

// StartTimings says how long after etcd and kube-apiserver were launched /readyz
// answered and the `default` ServiceAccount existed (for the benchmark).
func (cp *ControlPlane) StartTimings() (readyz, serviceAccount time.Duration) {
	return cp.readyz, cp.serviceAccount
}

// Start brings the control plane up and returns once kube-apiserver answers
// /readyz and the `default` ServiceAccount exists, or with an error after
// tearing down whatever it had started. It retries with fresh ports when a
// component lost its port to another program between reservation and bind.
func (cp *ControlPlane) Start(ctx context.Context) error {
	cp.mu.Lock()
	if cp.started {
		cp.mu.Unlock()
		return errors.New("control plane: already started")
	}
	cp.started = true
	cp.mu.Unlock()

	if err := cp.defaults(); err != nil {
		return err
	}
	for _, name := range Binaries {
		if st, err := os.Stat(binPath(cp.BinDir, name)); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			return missingBinaryError(binPath(cp.BinDir, name))
		}
	}
	ctx, cancel := context.WithTimeout(ctx, cp.StartTimeout)
	defer cancel()
	var err error
	for attempt := 1; attempt <= 3; attempt++ {
		if err = cp.startOnce(ctx); err == nil || !isPortClash(err) || ctx.Err() != nil {
			return err
		}
	}
	return err
}

func (cp *ControlPlane) defaults() error {
	var err error
	if cp.BinDir == "" {
		if cp.BinDir, err = DefaultBinDir(); err != nil {
			return err
		}
	}
	if cp.StartTimeout == 0 {
		if cp.StartTimeout, err = durationFromEnv(EnvStartTimeout, defaultStartTimeout); err != nil {
			return err
		}
	}
	if cp.StopTimeout == 0 {
		if cp.StopTimeout, err = durationFromEnv(EnvStopTimeout, defaultStopTimeout); err != nil {
			return err
		}
	}
	if cp.Out == nil && os.Getenv(EnvVerbose) == "1" {
		cp.Out = os.Stderr
	}
	return nil
}

func (cp *ControlPlane) startOnce(ctx context.Context) (err error) {
	cp.failed, cp.failErr, cp.procs = make(chan struct{}), nil, nil
	dir, err := os.MkdirTemp("", "vllm-local-")
	if err != nil {
		return fmt.Errorf("create temp dir: %w", err)
	}
	cp.dir = dir
	defer func() {
		if err != nil { // a partial start tears down what it had started
			err = errors.Join(err, cp.teardown(context.WithoutCancel(ctx)))
		}
	}()

	l := layout{dir: dir, kcmKubeconfig: filepath.Join(dir, "kube-controller-manager.kubeconfig")}
	for _, p := range []struct {
		dst       *int
		preferred int
	}{{&l.etcdPort, cp.EtcdPort}, {&l.etcdPeerPort, 0}, {&l.apiPort, cp.APIServerPort}} {
		if *p.dst, err = reservePort(p.preferred); err != nil {
			return err
		}
	}
	cp.layout = l
	pki, err := newPKI()
	if err != nil {
		return err
	}
	if cp.layout.files, err = pki.writeFiles(dir); err != nil {
		return err
	}
	server := l.apiServerURL()
	cp.kubeconfig = filepath.Join(dir, "kubeconfig")
	if err = writeKubeconfig(cp.kubeconfig, server, contract.ContextLocal, pki.CA.CertPEM, pki.Admin); err != nil {
		return err
	}
	if err = writeKubeconfig(l.kcmKubeconfig, server, "kube-controller-manager", pki.CA.CertPEM, pki.KCM); err != nil {
		return err
	}
	cp.config = restConfig(server, pki.CA.CertPEM, pki.Admin)

	// etcd and kube-apiserver start at once (the API server retries etcd);
	// waitReady starts the controller manager once the API server is ready.
	for _, name := range []string{"etcd", "kube-apiserver"} {
		if err := cp.launch(name); err != nil {
			return err
		}
	}
	if err := cp.waitReady(ctx); err != nil {
		return err
	}
	// Only now is an exit "unexpected": during Start, waitFor reports exits itself.
	for _, p := range cp.procs {
		go cp.watch(p)
	}
	return nil
}

// launch starts (or restarts) one component with its default flags plus the
// caller's overrides, keeping cp.procs in start order.
func (cp *ControlPlane) launch(name string) error {
	flags := map[string]struct {
		def  func(layout) flagMap
		over map[string]string
	}{
		"etcd":                    {etcdFlags, cp.EtcdFlags},
		"kube-apiserver":          {apiServerFlags, cp.APIServerFlags},
		"kube-controller-manager": {controllerManagerFlags, cp.ControllerManagerFlags},
	}[name]
	p, err := startProcess(name, binPath(cp.BinDir, name), flags.def(cp.layout).merge(flags.over), cp.Out)
	if err != nil {
		return err
	}
	cp.mu.Lock()
	defer cp.mu.Unlock()
	for i, old := range cp.procs {
		if old.name == name {
			cp.procs[i] = p
			return nil
		}
	}
	cp.procs = append(cp.procs, p)
	return nil
}

// watch turns an exit that nobody asked for into Failed/Err.
func (cp *ControlPlane) watch(p *process) {
	<-p.done
	if p.expectedExit() {
		return
	}
	cp.mu.Lock()
	defer cp.mu.Unlock()
	if cp.failErr == nil {
		cp.failErr = fmt.Errorf("control plane: %w", p.exitError())
		close(cp.failed)
	}
}

// deadEtcdGrace bounds the API server's shutdown once etcd has died.
const deadEtcdGrace = time.Second

// Stop stops kube-controller-manager and kube-apiserver before etcd (an API
// server whose etcd is gone hangs on shutdown), waits for every process and
// removes the temp dir. ctx cancellation turns SIGTERM grace into SIGKILL.
func (cp *ControlPlane) Stop(ctx context.Context) error {
	return cp.teardown(ctx)
}

func (cp *ControlPlane) teardown(ctx context.Context) (err error) {
	cp.mu.Lock()
	procs, dir, l := cp.procs, cp.dir, cp.layout
	cp.procs, cp.dir = nil, ""
	cp.mu.Unlock()
	defer func() {
		if dir != "" {
			if rmErr := os.RemoveAll(dir); rmErr != nil {
				err = errors.Join(err, fmt.Errorf("remove %s: %w", dir, rmErr))
			}
		}
		for _, port := range []int{l.etcdPort, l.etcdPeerPort, l.apiPort} {
			if port != 0 {
				releasePort(port)
			}
		}
	}()
	// An API server whose etcd is already gone does not finish a graceful
	// shutdown (it keeps retrying storage), so it only gets a short grace then.
	etcdGone := len(procs) > 0 && procs[0].exited()
	var errs []error
	for i := len(procs) - 1; i >= 0; i-- {
		grace := cp.StopTimeout
		if etcdGone && procs[i].name == "kube-apiserver" {
			grace = min(grace, deadEtcdGrace)
		}
		if err := procs[i].stop(ctx, grace); err != nil && !(etcdGone && procs[i].name == "kube-apiserver") {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// isPortClash tells a component that could not bind its port (taken by
// another program after we reserved it) from other failures.
func isPortClash(err error) bool {
	return IsExitError(err) && strings.Contains(err.Error(), "address already in use")
}

// KubeconfigPath is the absolute path of the admin kubeconfig (context "vllm-local").
func (cp *ControlPlane) KubeconfigPath() string { return cp.kubeconfig }

// RESTConfig is a client configuration for the admin user (system:masters).
func (cp *ControlPlane) RESTConfig() *rest.Config { return rest.CopyConfig(cp.config) }

// Dir is the temp dir holding data, certs and kubeconfigs; Stop removes it.
func (cp *ControlPlane) Dir() string { return cp.dir }

// CAFiles are the paths of the CA certificate and key that sign every client
// certificate the API server trusts, so a test can mint its own (an expired
// one, say). They live in Dir and go with it.
func (cp *ControlPlane) CAFiles() (cert, key string) {
	return cp.layout.files["ca.crt"], cp.layout.files["ca.key"]
}

// APIServerURL is the https URL of kube-apiserver on 127.0.0.1.
func (cp *ControlPlane) APIServerURL() string { return cp.layout.apiServerURL() }

// EtcdURL is the client URL of etcd on 127.0.0.1.
func (cp *ControlPlane) EtcdURL() string { return cp.layout.etcdURL() }

// PIDs maps each running component name to its process id.
func (cp *ControlPlane) PIDs() map[string]int {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	out := map[string]int{}
	for _, p := range cp.procs {
		out[p.name] = p.pid()
	}
	return out
}

// Failed is closed when a component exits without being asked to; Err then
// says which one and how. Callers select on it next to their own work.
func (cp *ControlPlane) Failed() <-chan struct{} { return cp.failed }

// Err is the first unexpected component exit, or nil.
func (cp *ControlPlane) Err() error {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	return cp.failErr
}
