package cpbuild

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/efortin/vllm-chill/internal/heartbeat"
	"github.com/efortin/vllm-chill/internal/proc"
)

// firstBuild is how long each binary took to build with empty Go caches on
// the 2-core machine of this repository's CI (docs/benchmarks.md), to tell
// people what to expect. Builds run side by side, so they do not add up.
var firstBuild = map[string]string{
	APIServer:         "about 3.5 min (up to 7 on a slower or busy machine)",
	Etcd:              "about 40 s, alongside",
	ControllerManager: "1.5 to 2 min more (only runs with controllers need it)",
}

// goBuild downloads the pinned modules quietly, then builds kube-apiserver
// (and kube-controller-manager) in tools/controlplane and etcd in
// tools/controlplane/etcd side by side: two modules, so two go commands.
func goBuild(ctx context.Context, s spec) error {
	var k8s []string
	etcd := false
	for _, n := range s.names {
		if n == Etcd {
			etcd = true
		} else {
			k8s = append(k8s, n)
		}
	}
	modules := map[string]string{} // dir → what it pins, for messages
	if len(k8s) > 0 {
		modules[PinsDir] = "Kubernetes " + s.pins.Kubernetes
	}
	if etcd {
		modules[EtcdPinsDir] = "etcd " + s.pins.Etcd
	}
	if err := download(ctx, s, modules); err != nil {
		return err
	}

	var builds []goCommand
	if len(k8s) > 0 {
		ldflags, err := versionFlags(ctx, s)
		if err != nil {
			return err
		}
		args := []string{"build", "-ldflags", ldflags, "-o", s.dir + string(filepath.Separator)}
		for _, n := range k8s {
			args = append(args, "k8s.io/kubernetes/cmd/"+n)
		}
		builds = append(builds, goCommand{dir: PinsDir, what: strings.Join(k8s, " and ") + " " + s.pins.Kubernetes, args: args})
	}
	if etcd {
		builds = append(builds, goCommand{dir: EtcdPinsDir, what: "etcd " + s.pins.Etcd,
			args: []string{"build", "-ldflags", "-s -w", "-o", filepath.Join(s.dir, Etcd), "go.etcd.io/etcd/server/v3"}})
	}
	var lines []string
	for _, n := range s.names {
		lines = append(lines, n+" "+firstBuild[n])
	}
	intro := fmt.Sprintf("control-plane binaries: building %s from source (pinned in %s) with the Go module proxy; the local control plane runs these real binaries. A first build on 2 cores takes: %s. Once per machine: every clone and worktree reuses them.",
		strings.Join(s.names, ", "), PinsDir, strings.Join(lines, "; "))
	return heartbeat.Step(s.out, s.interval, intro, "building "+strings.Join(s.names, ", "), func() error {
		return parallel(len(builds), func(i int) error {
			t0 := time.Now()
			err := builds[i].run(ctx, s)
			if err == nil {
				fmt.Fprintf(s.out, "control-plane binaries: built %s in %s\n", builds[i].what, heartbeat.Round(time.Since(t0)))
			}
			return err
		})
	})
}

// parallel runs fn(0..n-1) side by side and joins their errors.
func parallel(n int, fn func(i int) error) error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fn(i)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// download runs `go mod download` in each pin module, its output captured:
// one line for the step instead of hundreds of "go: downloading" lines, and
// the whole output when it fails.
func download(ctx context.Context, s spec, modules map[string]string) error {
	var dirs, whats []string
	for d := range modules {
		dirs = append(dirs, d)
	}
	slices.Sort(dirs)
	for _, d := range dirs {
		whats = append(whats, d+" ("+modules[d]+")")
	}
	intro := "control-plane binaries: downloading the modules of " + strings.Join(whats, " and ") +
		" into Go's module cache (go mod download): about 1 min the first time on a fresh machine, a second once they are there"
	return heartbeat.Step(s.out, s.interval, intro, "downloading the modules of "+strings.Join(dirs, ", "), func() error {
		return parallel(len(dirs), func(i int) error {
			return goCommand{dir: dirs[i], what: "the modules of " + dirs[i], args: []string{"mod", "download"}}.run(ctx, s)
		})
	})
}

// versionFlags are the link flags that make kube-apiserver report the
// pinned release (a plain build says v0.0.0-master). They come from the
// module itself, so they never change between runs of one pin.
func versionFlags(ctx context.Context, s spec) (string, error) {
	var mod struct {
		Version string
		Time    *time.Time
	}
	cmd := exec.CommandContext(ctx, s.goCmd, "list", "-m", "-json", "k8s.io/kubernetes")
	cmd.Dir = filepath.Join(s.repo, PinsDir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err == nil {
		err = json.Unmarshal(out, &mod)
	}
	if err != nil {
		return "", fmt.Errorf("go list -m -json k8s.io/kubernetes in %s: %w: %s", PinsDir, err, strings.TrimSpace(stderr.String()))
	}
	parts := strings.SplitN(strings.TrimPrefix(mod.Version, "v"), ".", 3)
	if len(parts) < 2 {
		return "", fmt.Errorf("k8s.io/kubernetes version %q in %s: want vMAJOR.MINOR.PATCH", mod.Version, PinsDir)
	}
	const v = "k8s.io/component-base/version."
	flags := []string{"-s", "-w",
		"-X", v + "gitVersion=" + mod.Version,
		"-X", v + "gitMajor=" + parts[0],
		"-X", v + "gitMinor=" + parts[1],
		"-X", v + "gitTreeState=clean"}
	if mod.Time != nil {
		flags = append(flags, "-X", v+"buildDate="+mod.Time.UTC().Format("2006-01-02T15:04:05Z"))
	}
	return strings.Join(flags, " "), nil
}

// goCommand is one go command in a pin module.
type goCommand struct {
	dir  string // relative to the repository root
	what string // for messages
	args []string
}

func (g goCommand) run(ctx context.Context, s spec) error {
	if err := RunGo(ctx, s.goCmd, filepath.Join(s.repo, g.dir), g.args...); err != nil {
		return fmt.Errorf("%s, in %s: %w", g.what, g.dir, err)
	}
	return nil
}

// RunGo runs goCmd with args in dir ("" for the working directory), its
// output kept for the error only: a go build or go mod download that works
// has nothing to say. Cancelled (Ctrl-C), go and the compilers it started
// stop together.
func RunGo(ctx context.Context, goCmd, dir string, args ...string) error {
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Dir = dir
	proc.TerminateOnCancel(cmd, 10*time.Second)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}
