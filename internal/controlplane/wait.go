package controlplane

import (
	"context"
	"errors"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// pollInterval is short because the whole start is expected to take ~2 s.
const pollInterval = 50 * time.Millisecond

// waitReady waits for /readyz, then for the `default` ServiceAccount, which
// only appears once kube-controller-manager works: tests that create pods or
// tokens in `default` need it, and it proves the controllers are running.
func (cp *ControlPlane) waitReady(ctx context.Context) error {
	cs, err := kubernetes.NewForConfig(cp.config)
	if err != nil {
		return fmt.Errorf("build client: %w", err)
	}
	t0 := time.Now()
	if err := cp.waitFor(ctx, "kube-apiserver /readyz", cp.procs, func(ctx context.Context) error {
		_, err := cs.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		return err
	}); err != nil {
		return err
	}
	cp.readyz = time.Since(t0)
	// kube-controller-manager checks the API server's health once a second
	// (and gives up after 10 s): started now, its first check passes, while
	// started with the others it would wait for its next tick and compete
	// for the CPU with the API server's own start.
	if err := cp.launch("kube-controller-manager"); err != nil {
		return err
	}
	err = cp.waitFor(ctx, "ServiceAccount default/default", cp.procs, func(ctx context.Context) error {
		_, err := cs.CoreV1().ServiceAccounts("default").Get(ctx, "default", metav1.GetOptions{})
		return err
	})
	cp.serviceAccount = time.Since(t0)
	return err
}

// waitFor polls check until it succeeds. It fails at once, with the component's
// last output, when a component exits; on the deadline it says what was awaited
// and the last error seen, with the output of the component responsible.
func (cp *ControlPlane) waitFor(ctx context.Context, what string, watched []*process, check func(context.Context) error) error {
	start := time.Now()
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	var last error
	for {
		for _, p := range watched {
			if p.exited() {
				return fmt.Errorf("wait for %s: %w", what, p.exitError())
			}
		}
		callCtx, cancel := context.WithTimeout(ctx, 2*time.Second) // one hung call must not eat the deadline
		last = check(callCtx)
		cancel()
		if last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			reason := "timed out"
			if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
				reason = "interrupted"
			}
			msg := fmt.Sprintf("wait for %s: %s after %s with every component still running; last error: %v",
				what, reason, time.Since(start).Round(time.Millisecond), last)
			// The last component watched is the one the awaited state depends on.
			p := watched[len(watched)-1]
			msg += "\n--- last output of " + p.name + " ---\n" + p.tail.String()
			return fmt.Errorf("%s: %w", msg, ctx.Err())
		case <-tick.C:
		}
	}
}
