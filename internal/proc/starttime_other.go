//go:build unix && !linux && !darwin

package proc

import "errors"

// StartTime is not available here: a dead run's processes are then never
// killed by a sweep (their pids could have been reused), only its directory goes.
func StartTime(pid int) (string, error) {
	return "", errors.New("process start times are not read on this OS")
}

// zombie cannot be told here; launchd-like inits reap promptly.
func zombie(int) bool { return false }
