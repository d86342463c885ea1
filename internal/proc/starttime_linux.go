package proc

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// zombie reports whether pid has exited and waits to be reaped (state Z in
// /proc/PID/stat).
func zombie(pid int) bool {
	fields, err := statFields(pid)
	return err == nil && fields[0] == "Z"
}

// statFields are the fields of /proc/PID/stat after the command name, from
// the state (field 3) on.
func statFields(pid int) ([]string, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return nil, err
	}
	// "pid (comm) state ppid ...": comm may hold spaces and parentheses.
	s := string(data)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 20 {
		return nil, fmt.Errorf("read /proc/%d/stat: too few fields", pid)
	}
	return fields, nil
}

// StartTime identifies one process instance: pid and start time together
// never name two processes, so a reused pid is not mistaken for the process
// a dead run recorded. Linux: field 22 of /proc/PID/stat (clock ticks since boot).
func StartTime(pid int) (string, error) {
	fields, err := statFields(pid)
	if err != nil {
		return "", err
	}
	return fields[19], nil // field 22: fields[0] is field 3
}
