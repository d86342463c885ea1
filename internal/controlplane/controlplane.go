// Package controlplane runs a real, throwaway Kubernetes control plane (etcd
// and kube-apiserver, and kube-controller-manager when asked for) on
// loopback, in the spirit of controller-runtime's envtest, with a
// context.Context on every wait.
//
// Every field but BinDir has a default; env.go lists the environment
// overrides. Start waits for exactly what a test of CRDs and custom
// resources needs (readiness.go says which checks and why); Stop kills at
// once, since nothing of a throwaway plane is worth flushing.
package controlplane

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"k8s.io/client-go/rest"

	"github.com/efortin/vllm-chill/internal/contract"
	"github.com/efortin/vllm-chill/internal/proc"
	"github.com/efortin/vllm-chill/internal/rundir"
)

// ControlPlane is one local control plane. Start it once, Stop it once.
type ControlPlane struct {
	// BinDir holds etcd, kube-apiserver and (for Controllers)
	// kube-controller-manager. Required: callers get it from cpbuild.Ensure,
	// which builds what is missing (env.go lists the override).
	BinDir string
	// Controllers runs kube-controller-manager (service accounts and their
	// tokens, namespace deletion) once the API server is ready, and Start
	// then waits for the `default` ServiceAccount. Only tests that create
	// pods or delete namespaces need it. Default off.
	Controllers bool
	// StartTimeout bounds Start. Default: $VLLM_CONTROLPLANE_START_TIMEOUT, else 60s.
	StartTimeout time.Duration
	// Out receives component logs, one "name: line" per line. Default: discarded,
	// or stderr when VLLM_CONTROLPLANE_VERBOSE=1. Errors always carry the last lines.
	Out io.Writer
	// Log receives the one line Start prints when it removed the directories
	// of dead runs (and killed what they left running). Default: discarded.
	Log io.Writer
	// APIServerPort and EtcdPort are preferred ports; 0 (the default) means any.
	// A preferred port that is already taken is replaced by a free one.
	APIServerPort, EtcdPort int
	// Flags add to or override a component's default flags: component name
	// → flag name without "--" → value.
	Flags map[string]map[string]string

	mu         sync.Mutex
	started    bool
	dir        *rundir.Dir
	layout     layout
	kubeconfig string
	config     *rest.Config
	running    []*running // in start order
	peakRSS    map[string]int64
	failed     chan struct{}
	failErr    error
}

// running is a started component.
type running struct {
	name     string
	group    *proc.Group
	tail     *tailBuffer
	stopping atomic.Bool // set before we kill it, so its exit is not "unexpected"
}

// Start brings the control plane up and returns once the API server is ready
// for CRDs and custom resources (and, with Controllers, the `default`
// ServiceAccount exists), or with an error after tearing down whatever it
// had started. Before that it removes the directories of dead runs. It
// retries with fresh ports when a component lost its port to another
// program between reservation and bind.
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
	for _, c := range cp.plan() {
		if st, err := os.Stat(filepath.Join(cp.BinDir, c.name)); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			return missingBinaryError(filepath.Join(cp.BinDir, c.name))
		}
	}
	if swept := rundir.Sweep(rundir.Prefixes...).String(); swept != "" && cp.Log != nil {
		fmt.Fprintln(cp.Log, "control plane: "+swept)
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
	if cp.BinDir == "" {
		return fmt.Errorf("control plane: no BinDir (the directory holding %s)", strings.Join(Binaries, ", "))
	}
	var err error
	if cp.StartTimeout == 0 {
		if cp.StartTimeout, err = durationFromEnv(EnvStartTimeout, defaultStartTimeout); err != nil {
			return err
		}
	}
	if cp.Out == nil && os.Getenv(EnvVerbose) == "1" {
		cp.Out = os.Stderr
	}
	return nil
}

func (cp *ControlPlane) startOnce(ctx context.Context) (err error) {
	cp.failed, cp.failErr, cp.running = make(chan struct{}), nil, nil
	if cp.dir, err = rundir.Create("vllm-local-"); err != nil {
		return err
	}
	defer func() {
		if err != nil { // a partial start tears down what it had started
			err = errors.Join(err, cp.Stop())
		}
	}()
	dir := cp.dir.Path()
	l := layout{dir: dir, kcmKubeconfig: filepath.Join(dir, "kube-controller-manager.kubeconfig")}
	for _, p := range []struct {
		dst       *int
		preferred int
	}{{&l.etcdPort, cp.EtcdPort}, {&l.etcdPeerPort, 0}, {&l.apiPort, cp.APIServerPort}} {
		if *p.dst, err = reservePort(p.preferred); err != nil {
			return err
		}
	}
	pki, err := newPKI()
	if err != nil {
		return err
	}
	if l.files, err = pki.writeFiles(dir); err != nil {
		return err
	}
	cp.layout = l
	server := l.apiServerURL()
	cp.kubeconfig = filepath.Join(dir, "kubeconfig")
	if err = writeKubeconfig(cp.kubeconfig, server, contract.ContextLocal, pki.CA.CertPEM, pki.Admin); err != nil {
		return err
	}
	if cp.Controllers {
		if err = writeKubeconfig(l.kcmKubeconfig, server, "kube-controller-manager", pki.CA.CertPEM, pki.KCM); err != nil {
			return err
		}
	}
	cp.config = restConfig(server, pki.CA.CertPEM, pki.Admin)

	plan := cp.plan()
	for _, c := range plan {
		if !c.afterReady {
			if err := cp.launch(c); err != nil {
				return err
			}
		}
	}
	if err := cp.waitAPIServer(ctx); err != nil {
		return err
	}
	for _, c := range plan {
		if c.afterReady {
			if err := cp.launch(c); err != nil {
				return err
			}
		}
	}
	if cp.Controllers {
		if err := cp.waitControllers(ctx); err != nil {
			return err
		}
	}
	// Only now is an exit "unexpected": during Start, the waits report exits.
	for _, r := range cp.running {
		go cp.watch(r)
	}
	return nil
}

// launch starts one component with its default flags plus the caller's
// overrides, and records it in the run directory.
func (cp *ControlPlane) launch(c component) error {
	r := &running{name: c.name, tail: newTailBuffer(8 << 10)}
	cmd := exec.Command(filepath.Join(cp.BinDir, c.name), c.flags(cp.layout).merge(cp.Flags[c.name]).args()...)
	var w io.Writer = r.tail
	if cp.Out != nil {
		w = io.MultiWriter(r.tail, proc.PrefixLines(cp.Out, c.name+": "))
	}
	cmd.Stdout, cmd.Stderr = w, w
	cmd.WaitDelay = time.Second // do not hang on output pipes after exit
	g, err := proc.Start(cmd)
	if err != nil {
		return fmt.Errorf("start %s (%s): %w", c.name, cmd.Path, err)
	}
	r.group = g
	cp.mu.Lock()
	cp.running = append(cp.running, r)
	cp.mu.Unlock()
	return cp.dir.Record(c.name, g.PID())
}

// watch turns an exit that nobody asked for into Failed/Err.
func (cp *ControlPlane) watch(r *running) {
	<-r.group.Done()
	if r.stopping.Load() {
		return
	}
	cp.mu.Lock()
	defer cp.mu.Unlock()
	if cp.failErr == nil {
		cp.failErr = fmt.Errorf("control plane: %w", r.exitError())
		close(cp.failed)
	}
}

// exitError describes how the component ended, with the tail of its output.
func (r *running) exitError() error {
	state := "exited"
	if err := r.group.Err(); err != nil {
		state = "exited: " + err.Error()
	}
	return &ExitError{Name: r.name, State: state, Tail: r.tail.String()}
}

// Stop kills every component at once (a throwaway plane holds nothing worth
// a graceful shutdown), waits until each is reaped, and removes the run
// directory. The peak memory of each component is kept for PeakRSS.
func (cp *ControlPlane) Stop() error {
	cp.mu.Lock()
	running, dir, l := cp.running, cp.dir, cp.layout
	cp.running, cp.dir = nil, nil
	cp.mu.Unlock()
	for _, r := range running {
		r.stopping.Store(true)
		_ = r.group.Signal(syscall.SIGKILL) // to the component's whole group
	}
	peaks := map[string]int64{}
	for _, r := range running {
		r.group.Kill() // reaped: SIGKILL cannot fail to end it
		peaks[r.name] = r.group.PeakRSS()
	}
	cp.mu.Lock()
	cp.peakRSS = peaks
	cp.mu.Unlock()
	for _, port := range []int{l.etcdPort, l.etcdPeerPort, l.apiPort} {
		if port != 0 {
			releasePort(port)
		}
	}
	if dir == nil {
		return nil
	}
	return dir.Remove()
}

// isPortClash tells a component that could not bind its port (taken by
// another program after we reserved it) from other failures.
func isPortClash(err error) bool {
	return IsExitError(err) && strings.Contains(err.Error(), "address already in use")
}

// KubeconfigPath is the absolute path of the admin kubeconfig (context vllm-local).
func (cp *ControlPlane) KubeconfigPath() string { return cp.kubeconfig }

// RESTConfig is a client configuration for the admin user (system:masters).
func (cp *ControlPlane) RESTConfig() *rest.Config { return rest.CopyConfig(cp.config) }

// Dir is the run directory holding data, certs and kubeconfigs; Stop removes it.
func (cp *ControlPlane) Dir() string {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	if cp.dir == nil {
		return ""
	}
	return cp.dir.Path()
}

// CAFiles are the paths of the CA certificate and key that sign every client
// certificate the API server trusts, so a test can mint its own (an expired
// one, say). They live in Dir and go with it.
func (cp *ControlPlane) CAFiles() (cert, key string) {
	return cp.layout.files["ca.crt"], cp.layout.files["ca.key"]
}

// APIServerURL is the https URL of kube-apiserver on 127.0.0.1.
func (cp *ControlPlane) APIServerURL() string { return cp.layout.apiServerURL() }

// PIDs maps each running component's name to its process id.
func (cp *ControlPlane) PIDs() map[string]int {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	out := map[string]int{}
	for _, r := range cp.running {
		out[r.name] = r.group.PID()
	}
	return out
}

// PeakRSS maps each component to its peak resident memory in bytes, read
// when Stop reaped it (empty before Stop).
func (cp *ControlPlane) PeakRSS() map[string]int64 {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	return cp.peakRSS
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

// ExitError reports a component that exited when it should have been running.
type ExitError struct {
	Name  string // etcd, kube-apiserver or kube-controller-manager
	State string // how it ended, e.g. "exited: signal: killed"
	Tail  string // last lines of its output
}

func (e *ExitError) Error() string {
	msg := fmt.Sprintf("%s %s", e.Name, e.State)
	if t := strings.TrimSpace(e.Tail); t != "" {
		msg += "\n--- last output of " + e.Name + " ---\n" + t
	}
	return msg
}

// IsExitError reports whether err is (or wraps) an *ExitError.
func IsExitError(err error) bool {
	var e *ExitError
	return errors.As(err, &e)
}
