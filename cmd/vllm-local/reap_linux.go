package main

import (
	"syscall"
	"time"
)

// becomeSubreaper makes orphans of the command (say, a test binary whose go
// command died) our children instead of PID 1's, which on these machines
// never reaps them; reapGroup then collects them.
func becomeSubreaper() {
	const prSetChildSubreaper = 36
	_, _, _ = syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0)
}

// reapGroup waits for every remaining member of process group pgid that is
// our child, without touching the control-plane processes (other groups).
func reapGroup(pgid int) {
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-pgid, &ws, 0, nil)
		if pid <= 0 || err != nil {
			return // ECHILD: nothing of that group left
		}
	}
}

// waitGroup reaps members of process group pgid as they exit, until none of
// our children is left in it (true) or deadline passes (false).
func waitGroup(pgid int, deadline time.Time) bool {
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-pgid, &ws, syscall.WNOHANG, nil)
		switch {
		case err != nil:
			return true // ECHILD: the group is empty
		case pid > 0:
			continue // reaped one; look again at once
		case time.Now().After(deadline):
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}
