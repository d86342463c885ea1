package controlplane

import (
	"context"
	"errors"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/efortin/vllm-chill/internal/contract"
	"github.com/efortin/vllm-chill/internal/poll"
)

// pollInterval is short because the whole start takes about a second.
const pollInterval = 25 * time.Millisecond

// readyzRequest is GET /readyz without the checks a CRD test does not wait
// for (contract.NotAwaitedReadyz says which and why; docs/local.md has the
// timeline they come from).
func readyzRequest(rc rest.Interface) *rest.Request {
	req := rc.Get().AbsPath("/readyz")
	for _, check := range contract.NotAwaitedReadyz {
		req = req.Param("exclude", check)
	}
	return req
}

// waitAPIServer waits until /readyz, minus contract.NotAwaitedReadyz, says ok.
func (cp *ControlPlane) waitAPIServer(ctx context.Context) error {
	cs, err := kubernetes.NewForConfig(cp.config)
	if err != nil {
		return fmt.Errorf("build client: %w", err)
	}
	rc := cs.Discovery().RESTClient()
	return cp.waitFor(ctx, "kube-apiserver "+readyzRequest(rc).URL().RequestURI(), func(ctx context.Context) error {
		_, err := readyzRequest(rc).DoRaw(ctx)
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

// waitFor polls check until it succeeds, within the start's deadline. A
// component that exits ends the wait at once, reported as its exit with its
// last output; on the deadline the error says what was awaited and the last
// error seen, with the output of the last component started (the one the
// awaited state depends on).
func (cp *ControlPlane) waitFor(ctx context.Context, what string, check func(context.Context) error) error {
	deadline, _ := ctx.Deadline()
	err := poll.Until(ctx, poll.Options{What: what, Timeout: time.Until(deadline), Interval: pollInterval, Attempt: 2 * time.Second},
		func(ctx context.Context) error {
			for _, r := range cp.running {
				if r.group.Exited() {
					return poll.Permanent(fmt.Errorf("wait for %s: %w", what, r.exitError()))
				}
			}
			return check(ctx)
		})
	var timedOut *poll.Error
	if errors.As(err, &timedOut) {
		r := cp.running[len(cp.running)-1]
		return fmt.Errorf("%w\n--- last output of %s ---\n%s", err, r.name, r.tail.String())
	}
	return err
}
