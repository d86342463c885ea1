package controlplane

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/efortin/vllm-chill/internal/contract"
)

// pollInterval is short because the whole start takes about a second.
const pollInterval = 25 * time.Millisecond

// readyzPath is /readyz without the checks a CRD test does not wait for
// (contract.NotAwaitedReadyz says which and why; docs/local.md has the
// timeline they come from).
func readyzPath() string {
	q := url.Values{}
	for _, check := range contract.NotAwaitedReadyz {
		q.Add("exclude", check)
	}
	return "/readyz?" + q.Encode()
}

// waitAPIServer waits until /readyz, minus contract.NotAwaitedReadyz, says ok.
func (cp *ControlPlane) waitAPIServer(ctx context.Context) error {
	cs, err := kubernetes.NewForConfig(cp.config)
	if err != nil {
		return fmt.Errorf("build client: %w", err)
	}
	return cp.waitFor(ctx, "kube-apiserver "+readyzPath(), func(ctx context.Context) error {
		req := cs.Discovery().RESTClient().Get().AbsPath("/readyz")
		for _, check := range contract.NotAwaitedReadyz {
			req = req.Param("exclude", check)
		}
		_, err := req.DoRaw(ctx)
		return err
	})
}

// waitControllers waits for the `default` ServiceAccount, which appears once
// kube-controller-manager's controllers run.
func (cp *ControlPlane) waitControllers(ctx context.Context) error {
	cs, err := kubernetes.NewForConfig(cp.config)
	if err != nil {
		return fmt.Errorf("build client: %w", err)
	}
	return cp.waitFor(ctx, "ServiceAccount default/default (kube-controller-manager)", func(ctx context.Context) error {
		_, err := cs.CoreV1().ServiceAccounts("default").Get(ctx, "default", metav1.GetOptions{})
		return err
	})
}

// waitFor polls check until it succeeds. It fails at once, with the
// component's last output, when a component exits; on the deadline it says
// what was awaited and the last error seen, with the output of the last
// component started (the one the awaited state depends on).
func (cp *ControlPlane) waitFor(ctx context.Context, what string, check func(context.Context) error) error {
	start := time.Now()
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	var last error
	for {
		for _, r := range cp.running {
			if r.group.Exited() {
				return fmt.Errorf("wait for %s: %w", what, r.exitError())
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
			r := cp.running[len(cp.running)-1]
			return fmt.Errorf("wait for %s: %s after %s with every component still running; last error: %v\n--- last output of %s ---\n%s: %w",
				what, reason, time.Since(start).Round(time.Millisecond), last, r.name, r.tail.String(), ctx.Err())
		case <-tick.C:
		}
	}
}
