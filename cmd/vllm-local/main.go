// Command vllm-local runs a throwaway local Kubernetes control plane (etcd,
// kube-apiserver, kube-controller-manager) for the vllm-chill tests.
//
//	vllm-local up               start, print the kubeconfig path and context, stay until SIGINT/SIGTERM
//	                            (then stop, and exit 128+signal)
//	vllm-local run -- CMD ARGS  start, run CMD with KUBECONFIG and VLLM_KUBE_CONTEXT set, stop, exit with CMD's code
//	vllm-local bench            time each phase of the local integration path and report peak memory
//
// Every exit path stops the components and removes the temp dir. A component
// that exits on its own makes vllm-local fail, naming it.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/efortin/vllm-chill/internal/contract"
	"github.com/efortin/vllm-chill/internal/controlplane"
)

const usage = `usage:
  vllm-local up                 start and stay up until SIGINT/SIGTERM
  vllm-local run -- CMD [ARGS]  run CMD against a fresh control plane
  vllm-local bench              benchmark the local integration path

environment: ` + controlplane.EnvBinDir + `, ` + controlplane.EnvStartTimeout + `,
  ` + controlplane.EnvStopTimeout + `, ` + controlplane.EnvVerbose + `=1 (component logs on stderr)
`

func main() {
	os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
}

func realMain(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	// up and bench take no arguments: one given by mistake (say, --help)
	// must not start a control plane.
	if (args[0] == "up" || args[0] == "bench") && len(args) > 1 {
		if args[1] == "-h" || args[1] == "--help" {
			fmt.Fprint(stdout, usage)
			return 0
		}
		fmt.Fprintf(stderr, "vllm-local %s: takes no arguments, got %q\n%s", args[0], args[1:], usage)
		return 2
	}
	switch args[0] {
	case "up":
		return up(stdout, stderr)
	case "run":
		rest := args[1:]
		if len(rest) > 0 && rest[0] == "--" {
			rest = rest[1:]
		}
		if len(rest) == 0 {
			fmt.Fprint(stderr, "vllm-local run: missing command after --\n"+usage)
			return 2
		}
		return run(rest, stdout, stderr)
	case "bench":
		return bench(stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "vllm-local: unknown command %q\n%s", args[0], usage)
		return 2
	}
}

// start starts a control plane; ctx is cancelled by SIGINT/SIGTERM, which
// makes Start tear down and return.
func start(ctx context.Context, stderr io.Writer) (*controlplane.ControlPlane, error) {
	cp := &controlplane.ControlPlane{}
	t0 := time.Now()
	if err := cp.Start(ctx); err != nil {
		return nil, fmt.Errorf("start control plane: %w", err)
	}
	fmt.Fprintf(stderr, "vllm-local: control plane ready in %.2fs (%s)\n", time.Since(t0).Seconds(), cp.APIServerURL())
	return cp, nil
}

// stop always runs with a fresh context: the caller's is usually cancelled.
func stop(cp *controlplane.ControlPlane, stderr io.Writer) error {
	t0, dir := time.Now(), cp.Dir()
	if err := cp.Stop(context.Background()); err != nil {
		fmt.Fprintf(stderr, "vllm-local: stop: %v\n", err)
		return err
	}
	fmt.Fprintf(stderr, "vllm-local: stopped in %.2fs, removed %s\n", time.Since(t0).Seconds(), dir)
	return nil
}

// up exits 128+signal after SIGINT/SIGTERM, like `run` and the shell: a
// stopped run must not look like a passed step to go-task or a CI runner.
func up(stdout, stderr io.Writer) int {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(ch)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var got os.Signal
	gotSignal := make(chan struct{})
	go func() {
		got = <-ch
		close(gotSignal)
		cancel() // aborts a Start in progress
	}()
	cp, err := start(ctx, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "vllm-local: %v\n", err)
		if ctx.Err() != nil {
			<-gotSignal
			return 128 + int(got.(syscall.Signal))
		}
		return 1
	}
	fmt.Fprintf(stdout, "kubeconfig: %s\ncontext: %s\n", cp.KubeconfigPath(), contract.ContextLocal)
	code := 0
	select {
	case <-gotSignal:
		fmt.Fprintf(stderr, "vllm-local: %v received, stopping\n", got)
		code = 128 + int(got.(syscall.Signal))
	case <-cp.Failed():
		fmt.Fprintf(stderr, "vllm-local: %v\n", cp.Err())
		code = 1
	}
	if err := stop(cp, stderr); err != nil && code == 0 {
		code = 1
	}
	return code
}
