// Package proctest reads the process table, for tests that prove a run left
// no process behind and for hack/proctree, which measures how deep a run's
// process tree grows. It asks ps, which reads the same on Linux and macOS.
package proctest

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Process is one line of the process table.
type Process struct {
	PID, PPID, PGID int
	Name            string // the command name, without its directory
}

// List reads the whole process table.
func List() ([]Process, error) {
	cmd := exec.Command("ps", "-A", "-o", "pid=", "-o", "ppid=", "-o", "pgid=", "-o", "comm=")
	var buf strings.Builder
	cmd.Stdout = &buf
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("ps: %w", err)
	}
	self, out := cmd.Process.Pid, buf.String() // ps lists itself: not one of ours
	var procs []Process
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 4 {
			continue
		}
		pid, err1 := strconv.Atoi(f[0])
		ppid, err2 := strconv.Atoi(f[1])
		pgid, err3 := strconv.Atoi(f[2])
		if err1 != nil || err2 != nil || err3 != nil || pid == self {
			continue
		}
		procs = append(procs, Process{PID: pid, PPID: ppid, PGID: pgid, Name: filepath.Base(strings.Join(f[3:], " "))})
	}
	return procs, nil
}

// Descendants maps every descendant of pid (children, their children, ...)
// to its command name; an unreadable table gives an empty map.
func Descendants(pid int) map[int]string {
	procs, _ := List()
	out := map[int]string{}
	for changed := true; changed; {
		changed = false
		for _, p := range procs {
			if _, seen := out[p.PID]; seen {
				continue
			}
			if _, parent := out[p.PPID]; p.PPID == pid || parent {
				out[p.PID] = p.Name
				changed = true
			}
		}
	}
	return out
}

// Children maps the direct children of pid (zombies included) to their names.
func Children(pid int) map[int]string {
	procs, _ := List()
	out := map[int]string{}
	for _, p := range procs {
		if p.PPID == pid {
			out[p.PID] = p.Name
		}
	}
	return out
}

// Names lists processes as "name(pid)", sorted, for messages.
func Names(procs map[int]string) string {
	var out []string
	for pid, name := range procs {
		out = append(out, name+"("+strconv.Itoa(pid)+")")
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

// Chain is the deepest line of descent below pid: the names from its child
// down to the deepest descendant.
func Chain(procs []Process, pid int) []string {
	kids := map[int][]Process{}
	for _, p := range procs {
		kids[p.PPID] = append(kids[p.PPID], p)
	}
	var deepest func(pid int) []string
	deepest = func(pid int) []string {
		var best []string
		for _, k := range kids[pid] {
			if c := append([]string{k.Name}, deepest(k.PID)...); len(c) > len(best) {
				best = c
			}
		}
		return best
	}
	return deepest(pid)
}
