package proc

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// StartTime identifies one process instance: pid and start time together
// never name two processes, so a reused pid is not mistaken for the process
// a dead run recorded. macOS: the kernel's process start time (sysctl).
func StartTime(pid int) (string, error) {
	kp, err := unix.SysctlKinfoProc("kern.proc.pid", pid)
	if err != nil {
		return "", err
	}
	if kp.Proc.P_pid != int32(pid) {
		return "", fmt.Errorf("read start time of pid %d: no such process", pid)
	}
	return fmt.Sprintf("%d.%06d", kp.Proc.P_starttime.Sec, kp.Proc.P_starttime.Usec), nil
}

// zombie reports whether pid has exited and waits to be reaped.
func zombie(pid int) bool {
	kp, err := unix.SysctlKinfoProc("kern.proc.pid", pid)
	return err == nil && kp.Proc.P_stat == 5 // SZOMB
}
