// Command bench compares the local control plane (internal/controlplane)
// with controller-runtime's envtest: the same etcd and kube-apiserver
// binaries, the same CRD, N runs of each, alternating (envtest first on even
// runs, the local plane first on odd ones) so that a machine that slows down
// or warms up weighs on both alike. Per phase it prints median, min and max
// of both and their ratio, against the targets in docs/benchmarks.md.
// Figures are printed, never asserted.
//
//	go tool task local:bench            # from the repository root
//	go tool task local:bench -- -n 9
//	go tool task local:bench -- -apiserver-flag runtime-config=api/all=true   # the local plane with every API group
//	go tool task local:bench -- -controllers    # the local plane with kube-controller-manager
//	go tool task local:bench -- -timeline   # when the /readyz checks Start does not wait for pass
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/efortin/vllm-chill/internal/bootstrap"
	"github.com/efortin/vllm-chill/internal/contract"
	"github.com/efortin/vllm-chill/internal/controlplane"
	"github.com/efortin/vllm-chill/internal/cpbuild"
	"github.com/efortin/vllm-chill/internal/proc"
	"github.com/efortin/vllm-chill/internal/proc/proctest"
	"github.com/efortin/vllm-chill/internal/repo"
)

// Targets (docs/benchmarks.md).
const (
	targetRatio = 0.6 // up + CRD, local over envtest
	targetStop  = 300 * time.Millisecond
	targetRSS   = 300 << 20 // sum of the components' peaks
)

// sample is one start-to-stop of one control plane.
type sample struct {
	up, crd, stop time.Duration
	rss           int64 // sum of the components' peak RSS; 0 when unknown
}

// apiServerFlags are -apiserver-flag overrides for the local plane.
type apiServerFlags map[string]string

func (f apiServerFlags) String() string { return fmt.Sprint(map[string]string(f)) }

func (f apiServerFlags) Set(v string) error {
	name, value, ok := strings.Cut(v, "=")
	if !ok {
		return fmt.Errorf("%q: want NAME=VALUE", v)
	}
	f[strings.TrimPrefix(name, "--")] = value
	return nil
}

// localFlags are applied to every start of the local plane, and
// localControllers adds kube-controller-manager to it.
var (
	localFlags       = apiServerFlags{}
	localControllers bool
)

func main() {
	n := flag.Int("n", 5, "runs of each control plane")
	timeline := flag.Bool("timeline", false, "instead: start the local plane once and print when each /readyz check it does not wait for passes")
	flag.Var(localFlags, "apiserver-flag", "NAME=VALUE: a kube-apiserver flag for the local plane (repeatable), to measure its effect")
	flag.BoolVar(&localControllers, "controllers", false, "start the local plane with kube-controller-manager (and wait for the default ServiceAccount)")
	flag.Parse()
	var err error
	if *timeline {
		err = readyzTimeline(os.Stdout)
	} else {
		err = run(*n, os.Stdout, os.Stderr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(n int, stdout, stderr io.Writer) error {
	if n < 1 {
		return fmt.Errorf("-n %d: want at least 1 run", n)
	}
	root, err := repo.Root()
	if err != nil {
		return err
	}
	binDir, err := cpbuild.Ensure(context.Background(), localControllers, proc.PrefixLines(stderr, "bench: "))
	if err != nil {
		return err
	}
	crds := filepath.Join(root, "manifests", "crds")
	var local, env []sample
	for i := range n {
		order := []string{"envtest", "local"}
		if i%2 == 1 {
			order = []string{"local", "envtest"}
		}
		for _, which := range order {
			var s sample
			var err error
			if which == "local" {
				s, err = runLocal(binDir, crds)
				local = append(local, s)
			} else {
				s, err = runEnvtest(binDir, crds)
				env = append(env, s)
			}
			if err != nil {
				return fmt.Errorf("run %d, %s: %w", i+1, which, err)
			}
			fmt.Fprintf(stderr, "bench: run %d %-7s up %s, CRD %s, stop %s, RSS %s\n", i+1, which, secs(s.up), secs(s.crd), secs(s.stop), mib(s.rss))
		}
	}
	report(stdout, n, env, local)
	return nil
}

// runLocal starts the local control plane, installs the CRD with the
// bootstrap code every cluster path uses (Established and served in
// discovery), and stops it.
func runLocal(binDir, crds string) (sample, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var s sample
	cp := &controlplane.ControlPlane{BinDir: binDir, Controllers: localControllers, Flags: map[string]map[string]string{"kube-apiserver": localFlags}}
	t0 := time.Now()
	if err := cp.Start(ctx); err != nil {
		return s, err
	}
	s.up = time.Since(t0)
	if err := installCRD(ctx, cp.RESTConfig(), crds); err != nil {
		_ = cp.Stop()
		return s, err
	}
	s.crd = time.Since(t0) - s.up
	t1 := time.Now()
	err := cp.Stop()
	s.stop = time.Since(t1)
	for _, rss := range cp.PeakRSS() {
		s.rss += rss
	}
	return s, err
}

func installCRD(ctx context.Context, cfg *rest.Config, crds string) error {
	b, err := bootstrap.NewForConfig(cfg, bootstrap.Options{Context: contract.ContextLocal, Out: io.Discard})
	if err != nil {
		return err
	}
	return b.InstallCRDs(ctx, crds)
}

// runEnvtest starts envtest with the same binaries, then installs the same
// CRD through the same bootstrap code, and stops it (envtest's Stop waits
// for its processes and removes its directories).
func runEnvtest(binDir, crds string) (sample, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var s sample
	e := &envtest.Environment{BinaryAssetsDirectory: binDir}
	t0 := time.Now()
	cfg, err := e.Start()
	if err != nil {
		return s, err
	}
	s.up = time.Since(t0)
	if err := installCRD(ctx, cfg, crds); err != nil {
		_ = e.Stop()
		return s, err
	}
	s.crd = time.Since(t0) - s.up
	s.rss = childrenPeakRSS() // before Stop: the peaks go with the processes
	t1 := time.Now()
	err = e.Stop()
	s.stop = time.Since(t1)
	return s, err
}

// childrenPeakRSS sums VmHWM of this process's etcd and kube-apiserver
// children (Linux /proc; 0 elsewhere).
func childrenPeakRSS() int64 {
	var sum int64
	for pid, name := range proctest.Children(os.Getpid()) {
		if name != "etcd" && name != "kube-apiserver" {
			continue
		}
		data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
		if err != nil {
			return 0
		}
		for _, line := range strings.Split(string(data), "\n") {
			if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
				sum += kb << 10
			}
		}
	}
	return sum
}

// stats is median, min and max.
type stats struct{ med, min, max float64 }

func summarize(xs []float64) stats {
	s := slices.Clone(xs)
	slices.Sort(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return stats{med, s[0], s[len(s)-1]}
}

func report(w io.Writer, n int, env, local []sample) {
	fmt.Fprintf(w, "\nlocal control plane vs envtest (controller-runtime), same binaries (Kubernetes %s, etcd %s), CRD manifests/crds\n",
		contract.KubernetesVersion, contract.EtcdVersion)
	fmt.Fprintf(w, "%d runs each, alternating; %s/%s, %d CPUs, %s\n", n, runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), time.Now().Format("2006-01-02 15:04"))
	if len(localFlags) > 0 {
		fmt.Fprintf(w, "local kube-apiserver flags overridden: %s\n", localFlags)
	}
	if localControllers {
		fmt.Fprintln(w, "local plane with kube-controller-manager (RSS: all three components)")
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PHASE\tENVTEST median (min-max)\tLOCAL median (min-max)\tRATIO\tTARGET\tRESULT")
	phase := func(name string, get func(sample) float64, format func(float64) string, target string, met func(e, l stats) bool) {
		e, l := summarize(col(env, get)), summarize(col(local, get))
		ratio, result := "n/a", ""
		if e.med > 0 {
			ratio = fmt.Sprintf("%.2f", l.med/e.med)
		}
		if met != nil {
			result = "not met"
			if met(e, l) {
				result = "met"
			}
		}
		fmt.Fprintf(tw, "%s\t%s (%s-%s)\t%s (%s-%s)\t%s\t%s\t%s\n", name,
			format(e.med), format(e.min), format(e.max), format(l.med), format(l.min), format(l.max), ratio, target, result)
	}
	d := func(f func(sample) time.Duration) func(sample) float64 {
		return func(s sample) float64 { return f(s).Seconds() }
	}
	sec := func(v float64) string { return fmt.Sprintf("%.2fs", v) }
	phase("up", d(func(s sample) time.Duration { return s.up }), sec, "", nil)
	phase("CRD established and served", d(func(s sample) time.Duration { return s.crd }), sec, "", nil)
	phase("up + CRD", d(func(s sample) time.Duration { return s.up + s.crd }), sec,
		fmt.Sprintf("<= %.1fx envtest", targetRatio), func(e, l stats) bool { return l.med <= targetRatio*e.med })
	phase("stop", d(func(s sample) time.Duration { return s.stop }), sec,
		"<= "+secs(targetStop), func(_, l stats) bool { return l.med <= targetStop.Seconds() })
	phase("peak RSS, control plane (sum)", func(s sample) float64 { return float64(s.rss) }, func(v float64) string { return mib(int64(v)) },
		"<= "+mib(targetRSS), func(_, l stats) bool { return l.med <= targetRSS })
	_ = tw.Flush()
}

func col(ss []sample, get func(sample) float64) []float64 {
	out := make([]float64, len(ss))
	for i, s := range ss {
		out[i] = get(s)
	}
	return out
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2fs", d.Seconds()) }

func mib(b int64) string {
	if b == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%d MiB", b>>20)
}

// readyzTimeline starts the local plane and polls /readyz?verbose until
// every check passes, printing when Start returned and when each check it
// did not wait for passed: what waiting for them would have cost.
func readyzTimeline(w io.Writer) error {
	binDir, err := cpbuild.Ensure(context.Background(), false, proc.PrefixLines(os.Stderr, "bench: "))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cp := &controlplane.ControlPlane{BinDir: binDir, Flags: map[string]map[string]string{"kube-apiserver": localFlags}}
	t0 := time.Now()
	if err := cp.Start(ctx); err != nil {
		return err
	}
	defer cp.Stop()
	fmt.Fprintf(w, "%6.2fs  Start returned (readyz minus the checks it does not wait for)\n", time.Since(t0).Seconds())
	cs, err := kubernetes.NewForConfig(cp.RESTConfig())
	if err != nil {
		return err
	}
	pending := map[string]bool{}
	for ctx.Err() == nil {
		body, _ := cs.Discovery().RESTClient().Get().AbsPath("/readyz").Param("verbose", "true").DoRaw(ctx)
		all := true
		for _, line := range strings.Split(string(body), "\n") {
			name, failing := strings.CutPrefix(line, "[-]")
			if failing {
				name, _, _ = strings.Cut(name, " ")
				pending[name] = true
				all = false
				continue
			}
			if name, ok := strings.CutPrefix(line, "[+]"); ok {
				name = strings.TrimSuffix(name, " ok")
				if pending[name] {
					fmt.Fprintf(w, "%6.2fs  %s passed\n", time.Since(t0).Seconds(), name)
					delete(pending, name)
				}
			}
		}
		if all && len(body) > 0 {
			fmt.Fprintf(w, "%6.2fs  /readyz passed (every check)\n", time.Since(t0).Seconds())
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return ctx.Err()
}
