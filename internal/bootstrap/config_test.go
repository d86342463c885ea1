package bootstrap

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestLoadConfigMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent")
	_, err := LoadConfig(path, "vllm-local")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("want not-exist error, got %v", err)
	}
	mustContain(t, err.Error(), path)
}

func TestLoadConfigMissingFileInPathList(t *testing.T) {
	good := writeKubeconfig(t, "https://127.0.0.1:1", "vllm-local")
	absent := filepath.Join(t.TempDir(), "absent")
	_, err := LoadConfig(good+string(filepath.ListSeparator)+absent, "vllm-local")
	if err == nil {
		t.Fatal("a missing file in the path list must be an error, not silently skipped")
	}
	mustContain(t, err.Error(), absent)
}

func TestLoadConfigUnknownContext(t *testing.T) {
	path := writeKubeconfig(t, "https://127.0.0.1:1", "k3d-vllm-test", "vllm-local")
	_, err := LoadConfig(path, "vllm-k3s")
	var ce *ContextError
	if !errors.As(err, &ce) {
		t.Fatalf("want *ContextError, got %v", err)
	}
	mustContain(t, err.Error(), `"vllm-k3s"`, path, "k3d-vllm-test, vllm-local")
}

func TestLoadConfigRequiresContextEvenWithCurrentContext(t *testing.T) {
	path := writeKubeconfig(t, "https://127.0.0.1:1", "vllm-local")
	_, err := LoadConfig(path, "")
	if !IsContextError(err) {
		t.Fatalf("an empty context must be refused although current-context is set, got %v", err)
	}
	mustContain(t, err.Error(), path, "vllm-local", "current-context is never used")
}

func TestLoadConfigUsesNamedContextNotCurrent(t *testing.T) {
	dir := t.TempDir()
	kc := `apiVersion: v1
kind: Config
current-context: current
clusters:
- {name: a, cluster: {server: "https://127.0.0.1:1111"}}
- {name: b, cluster: {server: "https://127.0.0.1:2222"}}
users:
- {name: u, user: {token: t}}
contexts:
- {name: current, context: {cluster: a, user: u}}
- {name: wanted, context: {cluster: b, user: u}}
`
	path := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(path, []byte(kc), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(path, "wanted")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Host != "https://127.0.0.1:2222" {
		t.Fatalf("host %q: the named context's cluster must be used", cfg.Host)
	}
}

func TestLoadConfigPathListMerges(t *testing.T) {
	a := writeKubeconfig(t, "https://127.0.0.1:1111", "first")
	b := writeKubeconfig(t, "https://127.0.0.1:2222", "second")
	// Both files name their cluster "c"; the first file wins, as with kubectl.
	cfg, err := LoadConfig(a+string(filepath.ListSeparator)+b, "second")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.BearerToken != "test-token" {
		t.Fatalf("context from the second file not loaded: %+v", cfg)
	}
}

func TestLoadConfigBrokenContext(t *testing.T) {
	dir := t.TempDir()
	kc := "apiVersion: v1\nkind: Config\ncontexts:\n- {name: dangling, context: {cluster: nowhere, user: nobody}}\n"
	path := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(path, []byte(kc), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadConfig(path, "dangling")
	if err == nil {
		t.Fatal("a context naming a missing cluster must fail")
	}
	mustContain(t, err.Error(), `"dangling"`, path)
}

func TestCheckContext(t *testing.T) {
	if err := CheckContext("", "vllm-local", ""); err != nil {
		t.Errorf("no expectation: %v", err)
	}
	if err := CheckContext("", "vllm-local", "vllm-local"); err != nil {
		t.Errorf("matching: %v", err)
	}
	err := CheckContext("/x/kubeconfig", "prod", "vllm-local")
	if !IsContextError(err) {
		t.Fatalf("want *ContextError, got %v", err)
	}
	mustContain(t, err.Error(), `refusing context "prod"`, `expected context "vllm-local"`, "/x/kubeconfig")
}

// The expected-context check must refuse before any connection: the
// kubeconfig points at a listener that counts accepts.
func TestNewRefusesUnexpectedContextWithoutConnecting(t *testing.T) {
	url, accepts := acceptRecorder(t)
	path := writeKubeconfig(t, url, "prod", "vllm-local")
	_, err := New(Options{Kubeconfig: path, Context: "prod", ExpectContext: "vllm-local"})
	if !IsContextError(err) {
		t.Fatalf("want *ContextError, got %v", err)
	}
	if n := accepts(); n != 0 {
		t.Fatalf("%d connection(s) made before refusing", n)
	}
}

func TestNewDoesNotConnect(t *testing.T) {
	url, accepts := acceptRecorder(t)
	b, err := New(Options{Kubeconfig: writeKubeconfig(t, url, "vllm-local"), Context: "vllm-local"})
	if err != nil {
		t.Fatal(err)
	}
	if b.Host() != url {
		t.Errorf("host %q, want %q", b.Host(), url)
	}
	if n := accepts(); n != 0 {
		t.Fatalf("New made %d connection(s); only the steps may connect", n)
	}
}
