package main

import "syscall"

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
