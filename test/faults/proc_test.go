//go:build integration

package faults

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/efortin/vllm-chill/internal/controlplane"
)

// procEntry is one line of /proc/PID/stat that matters here.
type procEntry struct {
	ppid int
	comm string
}

// processes reads every process's parent and command name from /proc.
func processes() map[int]procEntry {
	out := map[int]procEntry{}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, f := range stats {
		data, err := os.ReadFile(f)
		if err != nil {
			continue // exited meanwhile
		}
		// "pid (comm) state ppid ...": comm may hold spaces and parentheses.
		s := string(data)
		open, closing := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		fields := strings.Fields(s[closing+1:])
		if open < 0 || closing < open || len(fields) < 2 {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(f)))
		ppid, _ := strconv.Atoi(fields[1])
		out[pid] = procEntry{ppid: ppid, comm: s[open+1 : closing]}
	}
	return out
}

// descendants maps every descendant of pid (children, their children, ...)
// to its command name.
func descendants(pid int) map[int]string {
	all := processes()
	out := map[int]string{}
	for changed := true; changed; {
		changed = false
		for p, e := range all {
			if _, seen := out[p]; seen {
				continue
			}
			if _, parent := out[e.ppid]; e.ppid == pid || parent {
				out[p] = e.comm
				changed = true
			}
		}
	}
	return out
}

func names(procs map[int]string) string {
	var out []string
	for pid, name := range procs {
		out = append(out, name+"("+strconv.Itoa(pid)+")")
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// assertNothingLeft checks, once the command under test has exited, that
// every process it had (seen) is gone, that nothing was re-parented to us (we
// are a child subreaper, so an orphan of the run would be our child), and
// that the case's TMPDIR is empty. Whatever is left is reported, then killed
// and reaped so the next case starts clean.
func assertNothingLeft(t *testing.T, seen map[int]string, tmp string) {
	t.Helper()
	if kids := controlplane.Children(os.Getpid()); len(kids) > 0 {
		t.Errorf("left behind (re-parented to the test): %s", names(kids))
		for pid := range kids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			var ws syscall.WaitStatus
			_, _ = syscall.Wait4(pid, &ws, 0, nil)
		}
	}
	for pid, name := range seen {
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("%s (pid %d) still exists after the run ended", name, pid)
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	entries, err := os.ReadDir(tmp)
	if err != nil {
		t.Errorf("read the run's TMPDIR %s: %v", tmp, err)
	}
	for _, e := range entries {
		t.Errorf("temp dir left behind in the run's TMPDIR: %s", filepath.Join(tmp, e.Name()))
	}
}
