//go:build !unix

package coverage

import (
	"os/exec"
	"time"
)

// killGroupOnCancel falls back to killing gotestsum alone where process
// groups do not exist.
func killGroupOnCancel(cmd *exec.Cmd) { cmd.WaitDelay = 15 * time.Second }
