//go:build integration

// Package test is the integration suite: it runs against whatever cluster
// KUBECONFIG and VLLM_KUBE_CONTEXT name (the local control plane, k3d, or k3s
// inside Dagger), so the same tests prove every path.
//
// Everything the suite creates carries a per-run suffix (metadata.name and
// servedModelName), so two runs, even at the same time, never touch each
// other's objects, and each test deletes what it created.
package test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/efortin/vllm-chill/internal/bootstrap"
	"github.com/efortin/vllm-chill/internal/contract"
	"github.com/efortin/vllm-chill/internal/coverage"
	"github.com/efortin/vllm-chill/internal/interrupt"
	"github.com/efortin/vllm-chill/internal/repo"
	"github.com/efortin/vllm-chill/internal/rundir"
	"github.com/efortin/vllm-chill/pkg/catalog"
)

// suite is what TestMain prepares once for every test.
var suite struct {
	kubeconfig string // $KUBECONFIG
	context    string // $VLLM_KUBE_CONTEXT
	root       string // module root (manifests live there)
	runID      string // random suffix of every name this run creates
	bootstrap  string // path of the bootstrap CLI binary
	coverDir   string // where -cover binaries write their data; "" when not measuring

	cfg     *rest.Config
	catalog *catalog.Catalog
	dynamic dynamic.Interface
	disco   discovery.DiscoveryInterface
	kube    kubernetes.Interface
}

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(run(m))
}

// narrate prints one line per setup step, so a slow or failing setup shows
// where it stands.
func narrate(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "suite: "+format+"\n", args...)
}

func run(m *testing.M) int {
	start := time.Now()
	// First of all: vllm-local and the fault tests may signal the suite as
	// soon as its first line is out.
	sig := onSignal()
	defer sig.stop()
	for _, v := range []struct{ name, why string }{
		{contract.EnvKubeconfig, "the kubeconfig of the cluster under test"},
		{contract.EnvKubeContext, "the kubeconfig context to use (never the current-context)"},
	} {
		if os.Getenv(v.name) == "" {
			narrate("%s is not set: it must name %s; `go run ./cmd/vllm-local run -- go test -tags integration ./test` sets both", v.name, v.why)
			return 2
		}
	}
	suite.kubeconfig = os.Getenv(contract.EnvKubeconfig)
	suite.context = os.Getenv(contract.EnvKubeContext)

	root, err := repo.Root()
	if err != nil {
		narrate("find the module root above the test directory: %v", err)
		return 2
	}
	suite.root = root
	suite.runID = randomID()
	suite.coverDir = coverage.BinaryDir()
	narrate("run %s against context %q (kubeconfig %s)", suite.runID, suite.context, suite.kubeconfig)

	// A suite killed with SIGKILL cannot remove its run directory: the next
	// one removes such leftovers (those whose owner is dead) first.
	if swept := rundir.Sweep(rundir.Prefixes...).String(); swept != "" {
		narrate("%s", swept)
	}
	dir, err := rundir.Create("vllm-suite-")
	if err != nil {
		narrate("%v", err)
		return 2
	}
	defer dir.Remove()
	tmp := dir.Path()

	ctx, cancel := context.WithTimeout(sig.ctx, 5*time.Minute)
	defer cancel()
	if err := setUp(ctx, tmp); err != nil {
		// The group's signal reaches the bootstrap CLI (or go build) too,
		// which can die of it before our handler has run: the report is
		// about the signal, not about the step it broke.
		if s := interrupt.Cause(sig.ctx, true, interrupt.Grace); s != nil {
			narrate("%v received during setup: stopping", s)
			return interrupt.ExitCode(s)
		}
		narrate("%v", err)
		return 2
	}
	narrate("ready in %.1fs; running the tests", time.Since(start).Seconds())
	if s := sig.startTests(dir); s != nil {
		narrate("%v received during setup: stopping", s)
		return interrupt.ExitCode(s)
	}
	code := m.Run()
	// A signal during the tests is handled by the handler, which deletes
	// this run's models and exits; a test that failed of the same signal
	// must not end the suite first, cutting that cleanup short.
	if s := interrupt.Cause(sig.ctx, code != 0, interrupt.Grace); s != nil {
		sig.cleanUp(s)
		return interrupt.ExitCode(s)
	}
	left, err := leftovers()
	if err != nil {
		narrate("FAIL: cannot check that this run left no models behind: %v", err)
		return 1
	}
	if len(left) > 0 {
		narrate("FAIL: this run left models behind: %v", left)
		return 1
	}
	narrate("done in %.1fs; nothing of run %s left in the cluster", time.Since(start).Seconds(), suite.runID)
	return code
}

// setUp builds (or finds) the bootstrap CLI, installs the CRD and models
// with it, and connects the clients.
func setUp(ctx context.Context, tmp string) error {
	if err := prepareBootstrap(ctx, tmp); err != nil {
		return err
	}
	if err := runSetup(ctx); err != nil {
		return err
	}
	return connect()
}

// leftovers lists the models of this run still in the cluster after every
// test's cleanup: the suite promises to leave a shared cluster as it was.
func leftovers() ([]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	return leftoversIn(ctx)
}

func leftoversIn(ctx context.Context) ([]string, error) {
	models, err := suite.catalog.List(ctx)
	if err != nil {
		return nil, err
	}
	var left []string
	for _, m := range models {
		if strings.HasPrefix(m.Name, uniqueName("")) {
			left = append(left, m.Name)
		}
	}
	return left, nil
}

// suiteSignals is the suite's handling of SIGINT and SIGTERM (Ctrl-C, or
// vllm-local forwarding one), which would otherwise kill the binary before
// its deferred cleanup. During setup a signal ends ctx, so setup stops, and
// run reports the signal. Once the tests run (startTests let them), it
// deletes this run's models within a short bound, removes the run directory
// and exits 128+signal.
type suiteSignals struct {
	ctx  context.Context // ended by the first signal; interrupt.Signal names it
	stop func()

	mu           sync.Mutex
	testsRunning bool
	dir          *rundir.Dir // set with testsRunning
	cleanup      sync.Once
}

func onSignal() *suiteSignals {
	s := &suiteSignals{}
	s.ctx, s.stop = interrupt.Notify(context.Background(), func(sig os.Signal) {
		s.mu.Lock()
		running := s.testsRunning
		s.mu.Unlock()
		if running {
			s.cleanUp(sig)
			os.Exit(interrupt.ExitCode(sig))
		}
	})
	// go test dies at once on SIGTERM, closing the pipe our output goes
	// through; a write to it would then kill us with SIGPIPE before the
	// cleanup below is done. Notified, such a write only fails.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	return s
}

// startTests lets the tests start unless a signal came first; it returns
// that signal. The handler records a signal before it reads testsRunning,
// and both happen under mu here, so a signal is either seen here or handled
// as one during the tests, never lost between the two. dir is what a
// signal during the tests removes.
func (s *suiteSignals) startTests(dir *rundir.Dir) os.Signal {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sig := interrupt.Signal(s.ctx); sig != nil {
		return sig
	}
	s.dir, s.testsRunning = dir, true
	return nil
}

// cleanUp deletes this run's models and removes the run directory, once:
// a second caller (run, after m.Run) waits until the first is done.
func (s *suiteSignals) cleanUp(sig os.Signal) {
	s.cleanup.Do(func() {
		// vllm-local gives the command 10s after forwarding a signal.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		left, err := leftoversIn(ctx)
		for _, name := range left {
			if derr := suite.catalog.Delete(ctx, name); derr != nil {
				err = derr
			}
		}
		_ = s.dir.Remove()
		if err != nil {
			narrate("%v received: removed %s; could not delete this run's models: %v", sig, s.dir.Path(), err)
		} else {
			narrate("%v received: deleted this run's models %v, removed %s", sig, left, s.dir.Path())
		}
	})
}

// prepareBootstrap finds or builds the bootstrap CLI. It is built with
// -cover only when coverage is being collected: otherwise a covered binary
// only prints a warning about GOCOVERDIR on every run.
func prepareBootstrap(ctx context.Context, tmp string) error {
	if bin := os.Getenv(contract.EnvBootstrapBin); bin != "" {
		suite.bootstrap = bin
		narrate("bootstrap CLI from VLLM_BOOTSTRAP_BIN: %s", bin)
		return nil
	}
	start := time.Now()
	// A directory that stays: an unchanged CLI is not linked again.
	dir, cover, err := coverage.TestBinaries("suite")
	if err != nil {
		return err
	}
	suite.bootstrap = filepath.Join(dir, "vllm-bootstrap")
	args := append(append([]string{"build"}, cover...), "-o", suite.bootstrap)
	args = append(args, contract.Module+"/cmd/vllm-bootstrap")
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = suite.root
	// go's work dir goes inside tmp: a go build ended by a signal would
	// leave its go-build* dir in TMPDIR.
	cmd.Env = append(os.Environ(), "GOTMPDIR="+tmp)
	// A cancelled build returns at once, even while a compiler it started
	// still holds the output pipe.
	cmd.WaitDelay = time.Second
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build the bootstrap CLI (go %s): %v\n%s", strings.Join(args, " "), err, out)
	}
	narrate("built the bootstrap CLI (coverage %s) in %.1fs", onOff(suite.coverDir != ""), time.Since(start).Seconds())
	return nil
}

func onOff(b bool) string {
	if b {
		return "on, GOCOVERDIR=" + suite.coverDir
	}
	return "off"
}

// runSetup installs the CRD and the reference models through the same CLI
// every cluster path uses.
func runSetup(ctx context.Context) error {
	start := time.Now()
	res := runBootstrap(ctx, "setup",
		"--crds", filepath.Join(suite.root, "manifests", "crds"),
		"--models", filepath.Join(suite.root, "manifests", "models"))
	for _, line := range strings.Split(strings.TrimSpace(res.stdout+res.stderr), "\n") {
		narrate("  %s", line)
	}
	if res.code != 0 {
		return fmt.Errorf("bootstrap setup exited %d after %.1fs", res.code, time.Since(start).Seconds())
	}
	narrate("setup done in %.1fs", time.Since(start).Seconds())
	return nil
}

// connect builds the clients the tests use, through the same kubeconfig and
// explicit context as the CLI.
func connect() error {
	cfg, err := bootstrap.LoadConfig(suite.kubeconfig, suite.context)
	if err != nil {
		return fmt.Errorf("load kubeconfig: %w", err)
	}
	// Two runs at once plus watches: the client default of 5 QPS would
	// make the suite wait on itself.
	cfg.QPS, cfg.Burst = contract.ClientQPS, contract.ClientBurst
	suite.cfg = cfg
	if suite.catalog, err = catalog.New(cfg, catalog.WithFieldManager("vllm-it-"+suite.runID)); err != nil {
		return fmt.Errorf("create catalog client: %w", err)
	}
	if suite.dynamic, err = dynamic.NewForConfig(cfg); err != nil {
		return fmt.Errorf("create dynamic client: %w", err)
	}
	if suite.disco, err = discovery.NewDiscoveryClientForConfig(cfg); err != nil {
		return fmt.Errorf("create discovery client: %w", err)
	}
	if suite.kube, err = kubernetes.NewForConfig(cfg); err != nil {
		return fmt.Errorf("create kubernetes client: %w", err)
	}
	return nil
}

func randomID() string {
	b := make([]byte, 3)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
