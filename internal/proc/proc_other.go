//go:build unix && !linux

package proc

import "syscall"

// sysProcAttr: a group of its own. There is no parent-death signal here: a
// component of a runner killed with SIGKILL survives it until the next run's
// sweep (internal/rundir) finds the dead owner and kills it.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

// BecomeSubreaper does nothing: there is no child subreaper here. Orphans go
// to launchd (macOS), which reaps them; Drain still waits until the group is
// empty, it only cannot reap what is not its child.
func BecomeSubreaper() error { return nil }

// HasParentDeathSignal reports whether children die with this process.
const HasParentDeathSignal = false
