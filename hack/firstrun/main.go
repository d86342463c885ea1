// Command firstrun measures, on this machine and in one run, what a new user
// of this repository goes through (issue 19's figures, docs/benchmarks.md):
//
//	floor  go build of kube-apiserver, then etcd, with empty Go caches: what
//	       the compiler needs at the least
//	cold   `go tool task local:coverage:all` in a fresh clone, with empty Go
//	       caches and an empty control-plane binary cache
//	warm   the same in a second fresh clone, with the caches cold filled
//	ci     `go tool task ci` in a fresh clone, with empty caches again
//
// Each run's output is streamed, stamped and kept (in -out); the longest
// silence between two lines is measured. A table then gives each time, its
// ratio to the floor and the targets, PASS or FAIL. The whole takes about 40
// minutes on 2 cores; -parts picks some (warm alone uses this machine's own
// caches), -instead runs a trivial command in each part's place to check the
// harness itself.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/efortin/vllm-chill/internal/cli"
	"github.com/efortin/vllm-chill/internal/contract"
	"github.com/efortin/vllm-chill/internal/heartbeat"
	"github.com/efortin/vllm-chill/internal/proc"
	"github.com/efortin/vllm-chill/internal/repo"
)

const usage = `Usage: go run ./hack/firstrun [flags]   (go tool task bench:firstrun -- [flags])

Measures a first run on this machine: the build floor, a cold main job in a
fresh clone, a second clone's main job, a cold ci; prints a table against
the targets. All four parts take about 40 min on 2 cores.

Flags:
  -parts LIST    comma-separated parts: floor,cold,warm,ci (default all). warm
                 without cold runs with this machine's own caches
  -source DIR    the repository to clone (default this one)
  -rev REV       the commit to clone (default HEAD)
  -out DIR       where the logs and the table go (default .cache/firstrun)
  -work DIR      where the clones and the empty caches go, in a firstrun-*
                 folder removed at the end (default: the temp dir)
  -keep          keep that folder
  -instead CMD   run CMD (sh -c) in each part's place, to check the harness
                 quickly; the figures then mean nothing
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Exit("firstrun", usage, run(ctx, os.Args[1:], os.Stdout, os.Stderr), os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// part is one measured run.
type part struct {
	key, name string
	argv      [][]string // commands, each run in its dir (relative to the clone)
	dirs      []string
}

var allParts = []string{"floor", "cold", "warm", "ci"}

// caches are the Go caches and the per-user cache folder of a run; nil
// means this machine's own.
type caches struct{ gocache, gomodcache, xdg string }

func newCaches(dir string) (*caches, error) {
	c := &caches{filepath.Join(dir, "gocache"), filepath.Join(dir, "gomodcache"), filepath.Join(dir, "xdg-cache")}
	for _, d := range []string{c.gocache, c.gomodcache, c.xdg} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// env is the environment of a run: the caller's, with the caches pointed at
// c. XDG_CACHE_HOME moves os.UserCacheDir on Linux, hence the control-plane
// binary cache; GOFLAGS gains -modcacherw so the module cache can be
// removed afterwards. No override of the binaries comes along.
func env(c *caches) []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == contract.EnvControlPlaneBinDir || (c != nil && slices.Contains([]string{"GOCACHE", "GOMODCACHE", "XDG_CACHE_HOME", "GOFLAGS"}, name)) {
			continue
		}
		out = append(out, kv)
	}
	if c != nil {
		out = append(out, "GOCACHE="+c.gocache, "GOMODCACHE="+c.gomodcache, "XDG_CACHE_HOME="+c.xdg,
			"GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -modcacherw"))
		if runtime.GOOS == "darwin" {
			// os.UserCacheDir is $HOME/Library/Caches there.
			out = append(out, "HOME="+c.xdg)
		}
	}
	return out
}

type options struct {
	parts        []string
	source       string
	rev, out     string
	work         string
	keep         bool
	instead      string
	tick         time.Duration
	stdout, logw io.Writer
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("firstrun")
	parts := fs.String("parts", strings.Join(allParts, ","), "")
	o := options{stdout: stdout, logw: proc.PrefixLines(stderr, "firstrun: "), tick: heartbeat.Interval}
	fs.StringVar(&o.source, "source", "", "")
	fs.StringVar(&o.rev, "rev", "HEAD", "")
	fs.StringVar(&o.out, "out", "", "")
	fs.StringVar(&o.work, "work", "", "")
	fs.BoolVar(&o.keep, "keep", false, "")
	fs.StringVar(&o.instead, "instead", "", "")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return cli.Usagef("unexpected arguments %q", fs.Args())
	}
	for _, p := range strings.Split(*parts, ",") {
		if !slices.Contains(allParts, p) {
			return cli.Usagef("-parts: unknown part %q (want some of %s)", p, strings.Join(allParts, ","))
		}
		if !slices.Contains(o.parts, p) {
			o.parts = append(o.parts, p)
		}
	}
	return measureAll(ctx, o)
}

func measureAll(ctx context.Context, o options) error {
	root := o.source
	if root == "" {
		var err error
		if root, err = repo.Root(); err != nil {
			return err
		}
	}
	rev, err := output(ctx, root, "git", "rev-parse", "--verify", o.rev+"^{commit}")
	if err != nil {
		return err
	}
	if o.out == "" {
		o.out = filepath.Join(root, ".cache", "firstrun")
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	// A folder of our own, even inside a -work given: only it is removed.
	if o.work, err = os.MkdirTemp(o.work, "firstrun-"); err != nil {
		return err
	}
	if !o.keep {
		defer os.RemoveAll(o.work)
	}
	goVersion, _ := output(ctx, root, "go", "env", "GOVERSION")
	header := fmt.Sprintf("first run of %s at %s, %s/%s, %d CPUs, %s, %s", contract.Module, rev[:12], runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), goVersion, time.Now().Format("2006-01-02 15:04"))
	fmt.Fprintln(o.logw, header)
	fmt.Fprintf(o.logw, "parts %s; clones and caches in %s; logs in %s\n", strings.Join(o.parts, ","), o.work, o.out)

	var results []result
	var coldCaches *caches
	for _, key := range allParts {
		if !slices.Contains(o.parts, key) {
			continue
		}
		p := definePart(key, o.work)
		var c *caches
		switch {
		case key == "warm" && coldCaches != nil:
			c = coldCaches
		case key == "warm":
			p.name += " (this machine's caches)"
		default:
			if c, err = newCaches(filepath.Join(o.work, key+"-caches")); err != nil {
				return err
			}
		}
		clone := filepath.Join(o.work, key)
		if _, err := output(ctx, root, "git", "clone", "--quiet", "--no-hardlinks", root, clone); err != nil {
			return err
		}
		if _, err := output(ctx, clone, "git", "checkout", "--quiet", "--detach", rev); err != nil {
			return err
		}
		r := measure(ctx, o, p, clone, env(c))
		results = append(results, r)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if key == "cold" {
			coldCaches = c
		}
		if !o.keep {
			os.RemoveAll(clone)
			if c != nil && key != "cold" {
				os.RemoveAll(filepath.Dir(c.gocache))
			}
			if key == "warm" && coldCaches != nil {
				os.RemoveAll(filepath.Dir(coldCaches.gocache))
			}
		}
	}
	table := filepath.Join(o.out, "report.txt")
	f, err := os.Create(table)
	if err != nil {
		return err
	}
	w := io.MultiWriter(o.stdout, f)
	fmt.Fprintln(w, header)
	if o.instead != "" {
		fmt.Fprintf(w, "(-instead %q: a check of the harness, not a measurement)\n", o.instead)
	}
	fmt.Fprintln(w)
	report(w, results)
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", table, err)
	}
	fmt.Fprintf(o.logw, "table in %s, each run's output in %s/<part>.log\n", table, o.out)
	return nil
}

// definePart is what a part runs, relative to its clone.
func definePart(key, work string) part {
	switch key {
	case "floor":
		bin := filepath.Join(work, "floor-bin")
		return part{key: key, name: "floor: go build kube-apiserver, then etcd",
			dirs: []string{"tools/controlplane", "tools/controlplane/etcd"},
			argv: [][]string{{"go", "build", "-o", bin + "/", "k8s.io/kubernetes/cmd/kube-apiserver"}, {"go", "build", "-o", filepath.Join(bin, "etcd"), "go.etcd.io/etcd/server/v3"}}}
	case "cold":
		return part{key: key, name: "cold main job (fresh clone, empty caches)", dirs: []string{"."}, argv: [][]string{{"go", "tool", "task", "local:coverage:all"}}}
	case "warm":
		return part{key: key, name: "second clone's main job", dirs: []string{"."}, argv: [][]string{{"go", "tool", "task", "local:coverage:all"}}}
	default:
		return part{key: key, name: "cold ci (fresh clone, empty caches)", dirs: []string{"."}, argv: [][]string{{"go", "tool", "task", "ci"}}}
	}
}

// measure runs a part's commands one after the other in the clone, its
// output stamped into OUT/<part>.log, and says every tick how far it is.
func measure(ctx context.Context, o options, p part, clone string, environ []string) result {
	if o.instead != "" {
		p.argv, p.dirs = [][]string{{"sh", "-c", o.instead}}, []string{"."}
	}
	logPath := filepath.Join(o.out, p.key+".log")
	r := result{part: p.key, name: p.name}
	f, err := os.Create(logPath)
	if err != nil {
		r.err = err
		r.silence = newSilence(time.Now())
		return r
	}
	defer f.Close()
	start := time.Now()
	st := &stamper{start: start, log: f, silence: newSilence(start)}
	fmt.Fprintf(o.logw, "%s: started (log: %s)\n", p.name, logPath)
	tick := time.NewTicker(o.tick)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				lines, last := st.state()
				fmt.Fprintf(o.logw, "%s: running for %s, %d lines, last: %s\n", p.name, short(time.Since(start)), lines, clip(last, 100))
			}
		}
	}()
	for i, argv := range p.argv {
		fmt.Fprintf(st, "$ (cd %s && %s)\n", p.dirs[i], strings.Join(argv, " "))
		cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
		cmd.Dir = filepath.Join(clone, p.dirs[i])
		cmd.Env = environ
		cmd.Stdout, cmd.Stderr = st, st
		proc.TerminateOnCancel(cmd, 30*time.Second)
		if err := cmd.Run(); err != nil {
			r.err = fmt.Errorf("%s: %w", strings.Join(argv, " "), err)
			break
		}
	}
	tick.Stop()
	close(done)
	r.took = time.Since(start)
	r.silence = st.finish(time.Now())
	status := "done"
	if r.err != nil {
		status = "FAILED (" + r.err.Error() + ")"
	}
	fmt.Fprintf(o.logw, "%s: %s in %s; longest silence %s, before %q\n", p.name, status, short(r.took), short(r.silence.longest), clip(r.silence.before, 100))
	return r
}

// output runs a command and returns its trimmed stdout, naming it on failure.
func output(ctx context.Context, dir, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			err = fmt.Errorf("%w: %s", err, strings.TrimSpace(string(ee.Stderr)))
		}
		return "", fmt.Errorf("%s %s in %s: %w", name, strings.Join(args, " "), dir, err)
	}
	return strings.TrimSpace(string(out)), nil
}
