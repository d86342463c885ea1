//go:build unix

package interrupt

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/efortin/vllm-chill/internal/proc"
)

// TestSignalWinsOverTheChildItKilled is the ordering a loaded machine makes
// by chance, made on purpose: a signal to the group kills a child, the
// child's death is seen, and only then does the handler record the signal.
// The run must still be reported as stopped by the signal, not as the
// child's failure.
func TestSignalWinsOverTheChildItKilled(t *testing.T) {
	g, err := proc.Start(exec.Command("sleep", "60"))
	if err != nil {
		t.Fatalf("start sleep: %v", err)
	}
	t.Cleanup(g.Kill)
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)

	_ = g.Signal(syscall.SIGINT)
	select {
	case <-g.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("sleep did not die within 10s of SIGINT")
	}
	if code := g.ExitCode(); code != 130 {
		t.Fatalf("sleep exited %d after SIGINT, want 130", code)
	}
	// The child is reaped and its failure in hand; the handler runs now.
	go func() {
		time.Sleep(50 * time.Millisecond)
		cancel(&Error{Signal: os.Interrupt})
	}()
	// A grace far above the handler's delay: the answer must not depend on
	// how busy the machine is.
	if sig := Cause(ctx, true, time.Minute); sig != os.Interrupt {
		t.Fatalf("Cause after the child died of SIGINT and before the handler ran = %v, want interrupt", sig)
	}
}

// TestCauseBounds: a failure without a signal waits out the grace and is
// then its own reason; a run that did not fail never waits.
func TestCauseBounds(t *testing.T) {
	ctx := context.Background()
	t0 := time.Now()
	if sig := Cause(ctx, true, 100*time.Millisecond); sig != nil {
		t.Errorf("Cause without any signal = %v, want nil", sig)
	}
	if took := time.Since(t0); took < 100*time.Millisecond {
		t.Errorf("a failure waited %s for a signal, want the grace of 100ms", took)
	}
	t0 = time.Now()
	if sig := Cause(ctx, false, time.Minute); sig != nil || time.Since(t0) > 10*time.Second {
		t.Errorf("Cause of a run that did not fail = %v after %s, want nil at once", sig, time.Since(t0))
	}
	// A context ended by anything but a signal is not a signal.
	timedOut, cancel := context.WithTimeout(ctx, time.Millisecond)
	defer cancel()
	<-timedOut.Done()
	if sig := Cause(timedOut, true, time.Minute); sig != nil {
		t.Errorf("Cause of a timed-out context = %v, want nil", sig)
	}
}

// TestNotify sends this process a real SIGTERM: the context ends with the
// signal as its cause before each is called with it.
func TestNotify(t *testing.T) {
	seen := make(chan os.Signal, 1)
	handed := make(chan context.Context, 1) // each may run only once it holds ctx
	ctx, stop := Notify(context.Background(), func(sig os.Signal) {
		if ctx := <-handed; Signal(ctx) != sig {
			t.Errorf("each(%v) ran before the context recorded it (cause %v)", sig, context.Cause(ctx))
		}
		seen <- sig
	})
	defer stop()
	handed <- ctx
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case sig := <-seen:
		if sig != syscall.SIGTERM {
			t.Errorf("each got %v, want SIGTERM", sig)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("SIGTERM sent to this process did not reach each within 10s")
	}
	if !errors.Is(context.Cause(ctx), context.Canceled) || ExitCode(Signal(ctx)) != 143 {
		t.Errorf("cause %v, exit code %d: want a cancel by SIGTERM, 143", context.Cause(ctx), ExitCode(Signal(ctx)))
	}
}
