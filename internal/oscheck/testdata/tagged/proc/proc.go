// Package proc keeps the Linux-only field in a file of its own, as
// internal/proc does: it builds everywhere.
package proc

import "os/exec"

func Command(name string) *exec.Cmd {
	cmd := exec.Command(name)
	cmd.SysProcAttr = sysProcAttr()
	return cmd
}
