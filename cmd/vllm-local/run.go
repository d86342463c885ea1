package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/efortin/vllm-chill/internal/cli"
	"github.com/efortin/vllm-chill/internal/contract"
	"github.com/efortin/vllm-chill/internal/controlplane"
	"github.com/efortin/vllm-chill/internal/cpbuild"
	"github.com/efortin/vllm-chill/internal/interrupt"
	"github.com/efortin/vllm-chill/internal/proc"
)

const usage = `Usage: vllm-local COMMAND [flags]

Runs a throwaway Kubernetes control plane on loopback: etcd and kube-apiserver
(and kube-controller-manager with --controllers), fresh certificates and a
fresh run directory each time.

Commands:
  up [--controllers]                  start, print the kubeconfig path and context,
                                      stay up until SIGINT/SIGTERM, then stop
  run [--controllers] -- CMD [ARGS]   start, run CMD with KUBECONFIG and VLLM_KUBE_CONTEXT
                                      set, stop, exit with CMD's code
  help                                print this help

Flags:
  --controllers   also run kube-controller-manager (the default ServiceAccount,
                  namespace deletion); Start then waits for the ServiceAccount

The binaries are built from the Go module proxy by the first run that needs
them (about 7 min on 2 cores), into a per-user cache that every clone
shares; see ` + "`vllm-build where`" + `.

Environment: ` + contract.EnvControlPlaneBinDir + ` (a folder of ready binaries instead of the
cache), ` + controlplane.EnvStartTimeout + ` (60s), ` + controlplane.EnvVerbose + `=1 (component logs on stderr)

Exit status: 0 success, 1 a step failed, 2 usage error, CMD's code for run,
128+signal when stopped by SIGINT (130) or SIGTERM (143). Every exit stops
the components and removes the run directory.
`

// childGrace is how long the command and everything in its process group
// get to exit after a forwarded signal (or after the control plane failed)
// before what is left of the group is killed.
const childGrace = 10 * time.Second

// run is main without the process: it returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	return cli.Exit("vllm-local", usage, dispatch(args, stdout, stderr), stdout, stderr)
}

func dispatch(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return cli.Usagef("no command given")
	}
	cmd := args[0]
	switch cmd {
	case "help", "-h", "--help":
		return cli.ErrHelp
	case "up", "run":
	default:
		return cli.Usagef("unknown command %q", cmd)
	}
	fs := cli.NewFlagSet(cmd)
	controllers := fs.Bool("controllers", false, "also run kube-controller-manager")
	if err := cli.Parse(fs, args[1:]); err != nil {
		return err
	}
	switch {
	case cmd == "up" && fs.NArg() > 0:
		return cli.Usagef("up takes no arguments, got %q", fs.Args())
	case cmd == "run" && fs.NArg() == 0:
		return cli.Usagef("run: missing command after --")
	}
	log := proc.PrefixLines(stderr, "vllm-local: ")
	sig := watchSignals(stderr)
	defer sig.stop()
	// Only what this run starts: kube-controller-manager is built (once per
	// machine) by the first run that asks for controllers.
	binDir, err := cpbuild.Ensure(sig.ctx, *controllers, log)
	if err != nil {
		if stopped := sig.interrupted(true); stopped != nil {
			fmt.Fprintf(stderr, "vllm-local: %v\n", err)
			return stopped
		}
		return err
	}
	cp := &controlplane.ControlPlane{BinDir: binDir, Controllers: *controllers, Log: log}
	if cmd == "up" {
		return up(cp, sig, stdout, stderr)
	}
	return runCommand(cp, sig, fs.Args(), stdout, stderr)
}

// signals tracks SIGINT/SIGTERM: the first ends ctx, which cancels a Start
// in progress and decides the exit code (128+signal); each is forwarded to
// the command's process group once there is one.
type signals struct {
	ctx  context.Context // ended by the first signal; interrupt.Signal names it
	stop func()

	mu    sync.Mutex
	child *proc.Group
	name  string
}

func watchSignals(stderr io.Writer) *signals {
	s := &signals{}
	s.ctx, s.stop = interrupt.Notify(context.Background(), func(sig os.Signal) {
		s.mu.Lock()
		child, name := s.child, s.name
		s.mu.Unlock()
		if child != nil {
			fmt.Fprintf(stderr, "vllm-local: forwarding %v to %s\n", sig, name)
			_ = child.Signal(sig.(syscall.Signal))
		}
	})
	return s
}

// interrupted is the error of a run a signal ended: exit 128+signal, as a
// shell reports it, so go-task and CI runners see it as interrupted. A run
// that failed waits a short grace for a signal first: a signal sent to
// every process at once (a CI runner stopping a container's processes)
// can end a component or the command before our handler has run.
func (s *signals) interrupted(failed bool) error {
	if sig := interrupt.Cause(s.ctx, failed, interrupt.Grace); sig != nil {
		return cli.ExitCode{Code: interrupt.ExitCode(sig)}
	}
	return nil
}

// start starts the control plane; a signal aborts it.
func start(cp *controlplane.ControlPlane, sig *signals, stderr io.Writer) error {
	t0 := time.Now()
	if err := cp.Start(sig.ctx); err != nil {
		if stopped := sig.interrupted(true); stopped != nil {
			fmt.Fprintf(stderr, "vllm-local: start control plane: %v\n", err)
			return stopped
		}
		return fmt.Errorf("start control plane: %w", err)
	}
	fmt.Fprintf(stderr, "vllm-local: control plane ready in %.2fs (%s)\n", time.Since(t0).Seconds(), cp.APIServerURL())
	return nil
}

func stop(cp *controlplane.ControlPlane, stderr io.Writer) error {
	t0, dir := time.Now(), cp.Dir()
	if err := cp.Stop(); err != nil {
		return fmt.Errorf("stop: %w", err)
	}
	fmt.Fprintf(stderr, "vllm-local: stopped in %.2fs, removed %s\n", time.Since(t0).Seconds(), dir)
	return nil
}

// up stays until a signal or a component's exit.
func up(cp *controlplane.ControlPlane, sig *signals, stdout, stderr io.Writer) error {
	if err := start(cp, sig, stderr); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "kubeconfig: %s\ncontext: %s\n", cp.KubeconfigPath(), contract.ContextLocal)
	var failed error
	select {
	case <-sig.ctx.Done():
		fmt.Fprintf(stderr, "vllm-local: %v received, stopping\n", interrupt.Signal(sig.ctx))
	case <-cp.Failed():
		failed = cp.Err()
	}
	if err := stop(cp, stderr); err != nil && failed == nil {
		failed = err
	}
	if stopped := sig.interrupted(failed != nil); stopped != nil {
		return stopped
	}
	return failed
}

// runCommand starts the control plane, runs argv against it in a process
// group of its own (a signal reaches all of it, go test and its test
// binaries, exactly once, through us) and always stops the plane.
func runCommand(cp *controlplane.ControlPlane, sig *signals, argv []string, stdout, stderr io.Writer) error {
	// The command's orphans (a test binary whose go command died) become
	// our children, so they are waited for; see internal/proc for macOS.
	if err := proc.BecomeSubreaper(); err != nil {
		return err
	}
	if err := start(cp, sig, stderr); err != nil {
		return err
	}
	code, err := runChild(cp, sig, argv, stdout, stderr)
	if stopErr := stop(cp, stderr); err == nil {
		err = stopErr
	}
	if stopped := sig.interrupted(code != 0 || err != nil); stopped != nil {
		// 128+signal whatever the command made of it: go test turns the
		// suite's SIGINT exit into a plain 1.
		return stopped
	}
	if err != nil {
		return err
	}
	return cli.ExitCode{Code: code}
}

func runChild(cp *controlplane.ControlPlane, sig *signals, argv []string, stdout, stderr io.Writer) (int, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), contract.EnvKubeconfig+"="+cp.KubeconfigPath(), contract.EnvKubeContext+"="+contract.ContextLocal)
	// go's work dirs (GOTMPDIR) go inside the run directory, which Stop
	// removes: go killed by SIGTERM leaves its go-build* dir behind. A
	// GOTMPDIR the user set is kept.
	if os.Getenv("GOTMPDIR") == "" {
		dir := filepath.Join(cp.Dir(), "gotmp")
		if err := os.Mkdir(dir, 0o700); err != nil {
			return 0, fmt.Errorf("create GOTMPDIR for the command: %w", err)
		}
		cmd.Env = append(cmd.Env, "GOTMPDIR="+dir)
	}
	// No stdin: a command in a background process group that read the
	// terminal would be stopped (SIGTTIN) and hang the run.
	cmd.Stdout, cmd.Stderr = stdout, stderr
	name := filepath.Base(argv[0])

	// The handler records a signal before it reads child, and both happen
	// under mu here: a signal is either seen now or forwarded to the child.
	sig.mu.Lock()
	if interrupt.Signal(sig.ctx) != nil { // signalled between Start and here: do not run at all
		sig.mu.Unlock()
		return 1, nil
	}
	g, err := proc.Start(cmd)
	if err != nil {
		sig.mu.Unlock()
		return 0, cli.ExitCode{Code: 127, Msg: fmt.Sprintf("start %s: %v", argv[0], err)}
	}
	sig.child, sig.name = g, name
	sig.mu.Unlock()

	var cpErr error
	select {
	case <-g.Done():
		// The command ended on its own: whatever it left in its group is a
		// stray and goes at once.
		g.Drain(time.Now())
	case <-cp.Failed():
		cpErr = cp.Err()
		fmt.Fprintf(stderr, "vllm-local: %v\nvllm-local: stopping %s\n", cpErr, name)
		_ = g.Signal(syscall.SIGTERM)
		drain(g, name, stderr)
	case <-sig.ctx.Done():
		drain(g, name, stderr)
	}
	code := g.ExitCode()
	if cpErr != nil && code == 0 {
		return 1, cpErr // the command passed, but against a control plane that broke under it
	}
	return code, nil
}

// drain gives the whole process group, not just the command, childGrace to
// exit after a signal: `go test` dies at once on SIGTERM while its test
// binary is still deleting its models and temp dir, and killing the group
// when go exits would cut that cleanup short.
func drain(g *proc.Group, name string, stderr io.Writer) {
	deadline := time.Now().Add(childGrace)
	select {
	case <-g.Done():
	case <-time.After(childGrace):
		fmt.Fprintf(stderr, "vllm-local: %s did not exit within %s of the signal: killing its process group\n", name, childGrace)
		g.Kill()
	}
	if g.Running() {
		fmt.Fprintf(stderr, "vllm-local: %s exited; giving the rest of its process group up to %.1fs to finish\n", name, time.Until(deadline).Seconds())
	}
	if !g.Drain(deadline) {
		fmt.Fprintf(stderr, "vllm-local: killed what was left of %s's process group after %s\n", name, childGrace)
	}
}
