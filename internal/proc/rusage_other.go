//go:build unix && !darwin

package proc

import "syscall"

// maxRSSBytes: Linux and the BSDs report ru_maxrss in kilobytes.
func maxRSSBytes(ru *syscall.Rusage) int64 { return ru.Maxrss << 10 }
