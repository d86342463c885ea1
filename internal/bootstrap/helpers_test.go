package bootstrap

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/efortin/vllm-chill/internal/bootstrap/bootstraptest"
)

// Short names for the loopback helpers shared with cmd/vllm-bootstrap.
var (
	acceptRecorder = bootstraptest.AcceptRecorder
	closedPort     = bootstraptest.ClosedPort
)

// writeKubeconfig writes a kubeconfig whose contexts all point at server
// with a bearer token. current-context is set to the first context, so
// tests can show it is never used.
func writeKubeconfig(t *testing.T, server string, contexts ...string) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: v1\nkind: Config\ncurrent-context: %s\n", contexts[0])
	fmt.Fprintf(&b, "clusters:\n- name: c\n  cluster:\n    server: %s\n    insecure-skip-tls-verify: true\n", server)
	b.WriteString("users:\n- name: u\n  user:\n    token: test-token\n")
	b.WriteString("contexts:\n")
	for _, c := range contexts {
		fmt.Fprintf(&b, "- name: %s\n  context:\n    cluster: c\n    user: u\n", c)
	}
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeFiles creates files (name -> content) in a fresh directory.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// mustContain fails unless s contains every part.
func mustContain(t *testing.T, s string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			t.Errorf("message does not contain %q:\n%s", p, s)
		}
	}
}
