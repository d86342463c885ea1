package bootstrap

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/efortin/vllm-chill/internal/contract"
)

// newTestBootstrapper points a Bootstrapper at server through a real
// kubeconfig file and context, as the CLI does.
func newTestBootstrapper(t *testing.T, server string, timeout time.Duration) (*Bootstrapper, *bytes.Buffer) {
	t.Helper()
	out := &bytes.Buffer{}
	b, err := New(Options{
		Kubeconfig:   writeKubeconfig(t, server, "vllm-test"),
		Context:      "vllm-test",
		Timeout:      timeout,
		PollInterval: 20 * time.Millisecond,
		Out:          out,
	})
	if err != nil {
		t.Fatal(err)
	}
	return b, out
}

// status writes a metav1.Status body, as the API server does for errors.
func status(w http.ResponseWriter, code int, reason string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	fmt.Fprintf(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":%q,"code":%d}`, reason, code)
}

func TestWaitReadyNotListening(t *testing.T) {
	b, out := newTestBootstrapper(t, closedPort(t), time.Second)
	start := time.Now()
	err := b.WaitReady(context.Background())
	took := time.Since(start)
	var we *WaitError
	if !errors.As(err, &we) {
		t.Fatalf("want *WaitError, got %v", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("want deadline exceeded in the chain: %v", err)
	}
	mustContain(t, err.Error(), "timed out after", "timeout 1s", "/readyz", `context "vllm-test"`, "connection refused")
	mustContain(t, out.String(), "waiting up to 1s for API server")
	if took < time.Second || took > 3*time.Second {
		t.Errorf("took %s, want about the 1s timeout", took)
	}
	t.Logf("not listening: failed after %s: %v", took.Round(time.Millisecond), err)
}

// A wrong or expired credential cannot get better by waiting: the wait
// must stop at the first 401, long before its timeout.
func TestWaitReadyUnauthorizedFailsFast(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		status(w, http.StatusUnauthorized, "Unauthorized")
	}))
	defer srv.Close()
	b, _ := newTestBootstrapper(t, srv.URL, 30*time.Second)
	start := time.Now()
	err := b.WaitReady(context.Background())
	took := time.Since(start)
	if !apierrors.IsUnauthorized(err) {
		t.Fatalf("want an Unauthorized error, got %v", err)
	}
	mustContain(t, err.Error(), "Unauthorized", `context "vllm-test"`, srv.URL)
	if took > 2*time.Second {
		t.Errorf("took %s: a rejected credential must fail fast", took)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("%d requests, want 1 (no retry on 401)", n)
	}
	t.Logf("401: failed after %s: %v", took.Round(time.Millisecond), err)
}

// Anonymous access often may read /readyz but not discovery; a 403 there
// means the credential is missing or lacks rights, which waiting won't fix.
func TestWaitReadyForbiddenDiscoveryFailsFast(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/readyz" {
			w.Write([]byte("ok"))
			return
		}
		status(w, http.StatusForbidden, "Forbidden")
	}))
	defer srv.Close()
	b, _ := newTestBootstrapper(t, srv.URL, 30*time.Second)
	start := time.Now()
	err := b.WaitReady(context.Background())
	if !apierrors.IsForbidden(err) {
		t.Fatalf("want Forbidden, got %v", err)
	}
	mustContain(t, err.Error(), "Forbidden", "API discovery", `context "vllm-test"`)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("took %s: forbidden discovery must fail fast", took)
	}
}

// readyAfter answers /readyz with 500 for the first n calls, then serves
// just enough discovery for WaitReady to succeed.
func readyAfter(n int64) http.Handler {
	var calls atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/readyz":
			if calls.Add(1) <= n {
				http.Error(w, "[-]poststarthook/crd-informer-synced failed: reason withheld\nreadyz check failed", http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "text/plain")
			w.Write([]byte("ok"))
		case "/api":
			w.Write([]byte(`{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[]}`))
		case "/apis":
			w.Write([]byte(`{"kind":"APIGroupList","apiVersion":"v1","groups":[]}`))
		case "/version":
			w.Write([]byte(`{"major":"1","minor":"37","gitVersion":"v1.37.2"}`))
		default:
			http.NotFound(w, r)
		}
	})
}

func TestWaitReadyRetriesUntilReady(t *testing.T) {
	srv := httptest.NewTLSServer(readyAfter(3))
	defer srv.Close()
	b, out := newTestBootstrapper(t, srv.URL, 10*time.Second)
	if err := b.WaitReady(context.Background()); err != nil {
		t.Fatal(err)
	}
	mustContain(t, out.String(), "waiting up to 10s for API server "+srv.URL+"/readyz", "ready (v1.37.2) in ")
}

func TestWaitReadyTimeoutReportsLastReadyzFailure(t *testing.T) {
	srv := httptest.NewTLSServer(readyAfter(1 << 40))
	defer srv.Close()
	b, _ := newTestBootstrapper(t, srv.URL, 500*time.Millisecond)
	err := b.WaitReady(context.Background())
	var we *WaitError
	if !errors.As(err, &we) {
		t.Fatalf("want *WaitError, got %v", err)
	}
	mustContain(t, err.Error(), "timeout 500ms", "crd-informer-synced")
}

// A server that accepts but never answers must not hold the wait past its
// bound.
func TestWaitReadyHungServerIsBounded(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	b, _ := newTestBootstrapper(t, srv.URL, 500*time.Millisecond)
	start := time.Now()
	err := b.WaitReady(context.Background())
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("took %s, want about 500ms", took)
	}
	if !errors.As(err, new(*WaitError)) {
		t.Fatalf("want *WaitError, got %v", err)
	}
}

func TestWaitReadyCanceled(t *testing.T) {
	b, _ := newTestBootstrapper(t, closedPort(t), time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	err := b.WaitReady(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want canceled, got %v", err)
	}
	mustContain(t, err.Error(), "canceled after", "connection refused")
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("cancel took %s to take effect", took)
	}
}

// TestWaitReadyExcludesWhatACRDTestDoesNotNeed: the /readyz request leaves
// out the slow post-start hooks of contract.NotAwaitedReadyz, and only those.
func TestWaitReadyExcludesWhatACRDTestDoesNotNeed(t *testing.T) {
	var excluded atomic.Value
	inner := readyAfter(0)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/readyz" {
			excluded.Store(r.URL.Query()["exclude"])
		}
		inner.ServeHTTP(w, r)
	}))
	defer srv.Close()
	b, _ := newTestBootstrapper(t, srv.URL, 10*time.Second)
	if err := b.WaitReady(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, _ := excluded.Load().([]string); !slices.Equal(got, contract.NotAwaitedReadyz) {
		t.Errorf("/readyz excluded %q, want %q", got, contract.NotAwaitedReadyz)
	}
}
