package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/efortin/vllm-chill/internal/bootstrap/bootstraptest"
	"github.com/efortin/vllm-chill/internal/cli"
)

// kubeconfig writes a kubeconfig with contexts "vllm-local" and "prod"
// pointing at server; current-context is "prod" to show it is never used.
func kubeconfig(t *testing.T, server string) string {
	t.Helper()
	kc := fmt.Sprintf(`apiVersion: v1
kind: Config
current-context: prod
clusters:
- {name: c, cluster: {server: %q, insecure-skip-tls-verify: true}}
users:
- {name: u, user: {token: t}}
contexts:
- {name: vllm-local, context: {cluster: c, user: u}}
- {name: prod, context: {cluster: c, user: u}}
`, server)
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(path, []byte(kc), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

type result struct {
	code           int
	stdout, stderr string
	took           time.Duration
}

func runCLI(env map[string]string, args ...string) result {
	var out, errOut bytes.Buffer
	start := time.Now()
	code := run(context.Background(), args, &out, &errOut, func(k string) string { return env[k] })
	return result{code, out.String(), errOut.String(), time.Since(start)}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"setup", "--help"}} {
		r := runCLI(nil, args...)
		if r.code != cli.ExitOK || !strings.Contains(r.stdout, "Usage: vllm-bootstrap") || !strings.Contains(r.stdout, "install-crds PATH") {
			t.Errorf("%v: code %d, stdout %q, stderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	kc := kubeconfig(t, "https://127.0.0.1:1")
	env := map[string]string{"KUBECONFIG": kc, "VLLM_KUBE_CONTEXT": "vllm-local"}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "no command given"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"--bogus", "wait"}, "bogus"},
		{[]string{"apply"}, "apply takes 1 argument(s) [PATH], got 0"},
		{[]string{"wait", "extra"}, "wait takes 0 argument(s)"},
		{[]string{"--timeout", "0s", "wait"}, "--timeout must be positive"},
		{[]string{"--timeout", "soon", "wait"}, "invalid value"},
	} {
		r := runCLI(env, tc.args...)
		if r.code != cli.ExitUsage || !strings.Contains(r.stderr, tc.want) || !strings.Contains(r.stderr, "--help") {
			t.Errorf("%v: code %d, stderr %q, want exit 2 and %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}

func TestContextRequired(t *testing.T) {
	kc := kubeconfig(t, "https://127.0.0.1:1")
	r := runCLI(map[string]string{"KUBECONFIG": kc}, "wait")
	if r.code != cli.ExitUsage {
		t.Fatalf("code %d, stderr %q", r.code, r.stderr)
	}
	for _, want := range []string{"--context", "VLLM_KUBE_CONTEXT", kc, "prod, vllm-local"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q: %s", want, r.stderr)
		}
	}
}

func TestMissingKubeconfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent")
	r := runCLI(nil, "--kubeconfig", path, "--context", "vllm-local", "wait")
	if r.code != cli.ExitStep || !strings.Contains(r.stderr, path) {
		t.Fatalf("code %d, stderr %q", r.code, r.stderr)
	}
}

func TestUnknownContext(t *testing.T) {
	kc := kubeconfig(t, "https://127.0.0.1:1")
	r := runCLI(map[string]string{"KUBECONFIG": kc, "VLLM_KUBE_CONTEXT": "k3d-vllm-test"}, "wait")
	if r.code != cli.ExitStep || !strings.Contains(r.stderr, `context "k3d-vllm-test" not found`) || !strings.Contains(r.stderr, "prod, vllm-local") {
		t.Fatalf("code %d, stderr %q", r.code, r.stderr)
	}
}

// The refusal must come before any connection; the control case shows the
// same listener does see a connection when the context is accepted.
func TestExpectContextRefusedBeforeConnecting(t *testing.T) {
	url, accepts := bootstraptest.AcceptRecorder(t)
	kc := kubeconfig(t, url)
	r := runCLI(nil, "--kubeconfig", kc, "--context", "prod", "--expect-context", "vllm-local", "setup")
	if r.code != cli.ExitStep || !strings.Contains(r.stderr, `refusing context "prod": expected context "vllm-local"`) {
		t.Fatalf("code %d, stderr %q", r.code, r.stderr)
	}
	if n := accepts(); n != 0 {
		t.Fatalf("%d connection(s) made before refusing", n)
	}

	r = runCLI(nil, "--kubeconfig", kc, "--context", "vllm-local", "--expect-context", "vllm-local", "--timeout", "300ms", "wait")
	if r.code != cli.ExitStep {
		t.Fatalf("control: code %d, stderr %q", r.code, r.stderr)
	}
	if accepts() == 0 {
		t.Fatal("control: the listener saw no connection, so the refusal test proves nothing")
	}
}

func TestNotListeningIsBounded(t *testing.T) {
	url := bootstraptest.ClosedPort(t)
	// Global flags are accepted after the command too.
	r := runCLI(map[string]string{"KUBECONFIG": kubeconfig(t, url)}, "wait", "--context", "vllm-local", "--timeout", "1s")
	if r.code != cli.ExitStep || !strings.Contains(r.stderr, "timed out after") || !strings.Contains(r.stderr, "connection refused") {
		t.Fatalf("code %d, stderr %q", r.code, r.stderr)
	}
	if r.took > 3*time.Second {
		t.Errorf("took %s with --timeout 1s", r.took)
	}
	if !strings.Contains(r.stdout, "bootstrap: waiting up to 1s for API server "+url+"/readyz") {
		t.Errorf("stdout does not say what it waits for: %q", r.stdout)
	}
}

func TestUnauthorizedFailsFast(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Unauthorized","code":401}`)
	}))
	defer srv.Close()
	r := runCLI(map[string]string{"KUBECONFIG": kubeconfig(t, srv.URL), "VLLM_KUBE_CONTEXT": "vllm-local"}, "setup")
	if r.code != cli.ExitStep || !strings.Contains(r.stderr, "Unauthorized") || !strings.Contains(r.stderr, `context "vllm-local"`) {
		t.Fatalf("code %d, stderr %q", r.code, r.stderr)
	}
	if r.took > 2*time.Second {
		t.Errorf("took %s: a rejected credential must not wait for the 60s timeout", r.took)
	}
}

func TestCanceledContextStopsWait(t *testing.T) {
	url := bootstraptest.ClosedPort(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	var out, errOut bytes.Buffer
	start := time.Now()
	code := run(ctx, []string{"--kubeconfig", kubeconfig(t, url), "--context", "vllm-local", "wait"}, &out, &errOut, func(string) string { return "" })
	if code != cli.ExitStep || !strings.Contains(errOut.String(), "canceled after") {
		t.Fatalf("code %d, stderr %q", code, errOut.String())
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("cancel took %s", took)
	}
}
