//go:build unix

package coverage

import (
	"os/exec"
	"syscall"
	"time"
)

// killGroupOnCancel puts gotestsum in its own process group and, when the
// context ends, terminates the whole group: otherwise `go test` and the test
// binaries it started would outlive us (and nothing reaps them here).
func killGroupOnCancel(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	}
	cmd.WaitDelay = 15 * time.Second
}
