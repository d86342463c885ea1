package controlplane

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Children maps the direct children of pid (zombies included) to their
// command names, read from /proc. Tests use it to prove nothing was left behind.
func Children(pid int) map[int]string {
	out := map[int]string{}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, f := range stats {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		// "pid (comm) state ppid ...": comm may hold spaces and parentheses.
		s := string(data)
		open, closing := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || closing < open {
			continue
		}
		fields := strings.Fields(s[closing+1:])
		if len(fields) > 1 && fields[1] == strconv.Itoa(pid) {
			child, _ := strconv.Atoi(filepath.Base(filepath.Dir(f)))
			out[child] = s[open+1 : closing]
		}
	}
	return out
}

// RSS returns the current resident set size in bytes of pid (VmRSS).
func RSS(pid int) (int64, error) { return procStatus(pid, "VmRSS:") }

// PeakRSS returns the peak resident set size in bytes of pid (VmHWM).
func PeakRSS(pid int) (int64, error) { return procStatus(pid, "VmHWM:") }

func procStatus(pid int, field string) (int64, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, os.ErrNotExist
}
