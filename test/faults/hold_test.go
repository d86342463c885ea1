//go:build integration

package faults

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// heldBootstrap is a bootstrap CLI for the suite (VLLM_BOOTSTRAP_BIN) that
// runs the real one, except at call number n: then it creates held, waits
// until release exists (or 2 minutes pass), and runs the real one with a
// wait of 2s at most (it meets whatever the case did meanwhile). The suite's
// setup is call 1, the first test that runs the CLI call 2. A case that
// must act while the suite is in one phase (set up, tests running) acts
// once held exists, however loaded the machine: a line of output only says
// the phase has begun, and the next may have begun by the time the case
// acts. A signal to the suite's group ends the held CLI with the suite.
type heldBootstrap struct {
	path, held, release string
}

func holdBootstrap(t *testing.T, n int) heldBootstrap {
	t.Helper()
	dir := t.TempDir() // not the case's TMPDIR, which must end up empty
	h := heldBootstrap{
		path:    filepath.Join(dir, "vllm-bootstrap"),
		held:    filepath.Join(dir, "held"),
		release: filepath.Join(dir, "release"),
	}
	script := fmt.Sprintf(`#!/bin/sh
calls=$(($(cat %[1]q 2>/dev/null || echo 0) + 1))
echo $calls > %[1]q
if [ $calls -ne %[2]d ]; then exec %[3]q "$@"; fi
touch %[4]q
i=0
while [ ! -e %[5]q ] && [ $i -lt 2400 ]; do i=$((i+1)); sleep 0.05; done
exec %[3]q "$@" --timeout 2s
`, filepath.Join(dir, "calls"), n, bin.bootstrap, h.held, h.release)
	if err := os.WriteFile(h.path, []byte(script), 0o755); err != nil {
		t.Fatalf("write the held bootstrap CLI: %v", err)
	}
	return h
}

// let releases the held CLI.
func (h heldBootstrap) let(t *testing.T) {
	t.Helper()
	if err := os.WriteFile(h.release, nil, 0o644); err != nil {
		t.Fatalf("release the held bootstrap CLI: %v", err)
	}
}
