//go:build integration

// Package faults breaks the local path on purpose while it runs: the API
// server killed under the integration suite, Ctrl-C and SIGTERM sent to the
// process group of real `go tool task` runs (as a terminal or a CI runner
// does), and concurrent runs on one machine and one cluster. Each case checks
// a non-zero exit (or, for concurrency, that every run passed), a message
// naming what failed, a time bound, and that no process and no temp dir are
// left behind.
//
// Each case logs one line `FAULT <case> | <what the user sees> | <seconds>`
// (visible with go test -v), the source of the README's failure table.
//
// The tests start real control planes (build tag integration); they run one
// after another, never in parallel, so that the process and temp-dir checks
// see only what the case under test started.
package faults

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/efortin/vllm-chill/internal/controlplane"
)

// root is the module root; every command runs there.
var root string

func TestMain(m *testing.M) {
	var err error
	if root, err = filepath.Abs("../.."); err == nil {
		_, err = os.Stat(filepath.Join(root, "go.mod"))
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "faults: find the module root: %v\n", err)
		os.Exit(2)
	}
	// A missing binary fails loudly (never a skip): a skipped fault test
	// would hide that the local path is broken.
	dir, err := controlplane.DefaultBinDir()
	if err != nil {
		fmt.Fprintf(os.Stderr, "faults: %v\n", err)
		os.Exit(1)
	}
	for _, b := range controlplane.Binaries {
		if _, err := os.Stat(filepath.Join(dir, b)); err != nil {
			fmt.Fprintf(os.Stderr, "faults: control-plane binary %s missing: run `go tool task local:binaries`\n", filepath.Join(dir, b))
			os.Exit(1)
		}
	}
	// Orphans of the commands under test become our children instead of
	// PID 1's, so the leak check sees them (and we can reap them).
	const prSetChildSubreaper = 36
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0); errno != 0 {
		fmt.Fprintf(os.Stderr, "faults: become a child subreaper: %v\n", errno)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// fault logs the line the README table is built from.
func fault(t *testing.T, name, seen string, took time.Duration) {
	t.Helper()
	t.Logf("FAULT %s | %s | %.1f", name, firstLine(seen), took.Seconds())
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// lineWith returns the first line of out containing sub, or "".
func lineWith(out, sub string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, sub) {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

// caseEnv is the environment of a command under test: TMPDIR is the case's
// own directory, so every temp dir the run creates (vllm-local-*,
// vllm-suite-*, go-build*) can be checked afterwards; the outer run's cluster
// and coverage directory are removed so nothing reaches them by accident.
func caseEnv(tmp string, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "TMPDIR", "GOCOVERDIR", "KUBECONFIG", "VLLM_KUBE_CONTEXT", "VLLM_TEST_RUN":
			continue
		}
		env = append(env, kv)
	}
	return append(append(env, "TMPDIR="+tmp), extra...)
}
