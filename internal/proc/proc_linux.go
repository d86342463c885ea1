package proc

import (
	"fmt"
	"syscall"
)

// sysProcAttr: a group of its own, and SIGKILL from the kernel if this
// process dies first, so that no component outlives a killed runner.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// BecomeSubreaper makes the orphans of this process's descendants (a test
// binary whose go command died) its children instead of PID 1's, so that
// Drain can wait for them and reap them.
func BecomeSubreaper() error {
	const prSetChildSubreaper = 36
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0); errno != 0 {
		return fmt.Errorf("become a child subreaper: %w", errno)
	}
	return nil
}

// HasParentDeathSignal reports whether children die with this process.
const HasParentDeathSignal = true
