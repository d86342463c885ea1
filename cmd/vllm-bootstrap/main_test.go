package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/efortin/vllm-chill/internal/bootstrap/bootstraptest"
	"github.com/efortin/vllm-chill/internal/cli"
	"github.com/efortin/vllm-chill/internal/proc/proctest"
)

// TestMain lets a test re-run this binary as the real command, so signal
// handling is tested in a separate process.
func TestMain(m *testing.M) {
	if os.Getenv("VLLM_BOOTSTRAP_AS_MAIN") == "1" {
		main()
	}
	os.Exit(m.Run())
}

func TestSignalsCancelTheWait(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			url := bootstraptest.ClosedPort(t)
			cmd := exec.Command(os.Args[0], "--kubeconfig", kubeconfig(t, url), "--context", "vllm-local", "--timeout", "60s", "wait")
			cmd.Env = append(os.Environ(), "VLLM_BOOTSTRAP_AS_MAIN=1")
			var stdout proctest.Buffer
			var stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Signal once the wait has begun, so the handler is installed.
			deadline := time.Now().Add(10 * time.Second)
			for !strings.Contains(stdout.String(), "waiting up to") && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			// A few polls (100 ms apart) first, so the message has a last
			// error to show: on a busy machine the signal could otherwise
			// land before the first attempt returned.
			time.Sleep(350 * time.Millisecond)
			start := time.Now()
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			took := time.Since(start)
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != cli.ExitStep {
				t.Fatalf("want exit %d, got %v; stderr %q", cli.ExitStep, err, stderr.String())
			}
			if !strings.Contains(stderr.String(), "canceled after") || !strings.Contains(stderr.String(), "connection refused") {
				t.Errorf("stderr %q", stderr.String())
			}
			if took > 2*time.Second {
				t.Errorf("exit took %s after %s", took, sig)
			}
		})
	}
}
