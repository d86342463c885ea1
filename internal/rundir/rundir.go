//go:build unix

// Package rundir makes the temp directory of one run (a control plane's
// certificates, keys and etcd data; the suite's builds) and removes those
// whose owner died without removing its own: a run killed with SIGKILL (an
// OOM kill, a CI runner's hard timeout) leaves it behind.
//
// The owner holds an exclusive flock on the directory for as long as it
// lives; the kernel drops the lock when the owner dies, however it dies. A
// sweep removes only directories whose lock it can take, so it never touches
// a live run's directory, whatever the directory's age. The owner also
// records the processes it starts (pid and start time) so that a sweep can
// kill those that outlived it where the OS does not (macOS).
package rundir

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/efortin/vllm-chill/internal/proc"
)

// ownerFile, inside the directory, records its owner and the processes it
// started; a directory without one is not a run directory (or not yet).
const ownerFile = ".owner.json"

// Prefixes are the names of the runs' directories in TMPDIR.
var Prefixes = []string{"vllm-local-", "vllm-suite-"}

// Dir is a run directory owned by this process.
type Dir struct {
	path string
	lock *os.File

	mu  sync.Mutex
	rec record
}

type record struct {
	PID      int       `json:"pid"`
	Start    string    `json:"start"`
	Children []process `json:"children,omitempty"`
}

type process struct {
	Name  string `json:"name"`
	PID   int    `json:"pid"`
	Start string `json:"start"`
}

// Create makes a new directory in TMPDIR named prefix plus a random suffix,
// locks it and records this process as its owner.
func Create(prefix string) (*Dir, error) {
	path, err := os.MkdirTemp("", prefix)
	if err != nil {
		return nil, fmt.Errorf("create run directory: %w", err)
	}
	// Blocking: a sweep that opened the new directory before the owner file
	// was written finds none and lets go at once.
	lock, err := os.Open(path)
	if err == nil {
		err = syscall.Flock(int(lock.Fd()), syscall.LOCK_EX)
	}
	if err != nil {
		os.RemoveAll(path)
		return nil, fmt.Errorf("lock run directory %s: %w", path, err)
	}
	start, _ := proc.StartTime(os.Getpid())
	d := &Dir{path: path, lock: lock, rec: record{PID: os.Getpid(), Start: start}}
	if err := d.write(); err != nil {
		d.Remove()
		return nil, err
	}
	return d, nil
}

// Path is the directory's absolute path.
func (d *Dir) Path() string { return d.path }

// Record notes a process this run started, so that a sweep after this
// process's death can kill it if it still runs.
func (d *Dir) Record(name string, pid int) error {
	start, err := proc.StartTime(pid)
	if err != nil {
		return nil // cannot be told from a later process with the same pid: never killed by a sweep
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.rec.Children = append(d.rec.Children, process{Name: name, PID: pid, Start: start})
	return d.writeLocked()
}

func (d *Dir) write() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.writeLocked()
}

// writeLocked replaces the owner file at once (write, then rename), so a
// sweep never reads half of it.
func (d *Dir) writeLocked() error {
	data, err := json.Marshal(d.rec)
	if err != nil {
		return err
	}
	tmp := filepath.Join(d.path, ownerFile+".tmp")
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("record the owner of %s: %w", d.path, err)
	}
	return os.Rename(tmp, filepath.Join(d.path, ownerFile))
}

// Remove removes the directory and releases it.
func (d *Dir) Remove() error {
	err := os.RemoveAll(d.path)
	d.lock.Close()
	if err != nil {
		return fmt.Errorf("remove %s: %w", d.path, err)
	}
	return nil
}

// Swept says what a sweep did.
type Swept struct {
	Removed []string // directories of dead runs, removed
	Killed  []string // "etcd (pid 123)": processes they had left running
	Errors  []error
}

// String is the one line a run prints about a sweep, "" when it did nothing.
func (s Swept) String() string {
	if len(s.Removed) == 0 && len(s.Errors) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "removed %d director%s of dead runs in %s:", len(s.Removed), plural(len(s.Removed), "y", "ies"), os.TempDir())
	for _, r := range s.Removed {
		b.WriteString(" " + filepath.Base(r))
	}
	if len(s.Killed) > 0 {
		b.WriteString("; killed what they left running: " + strings.Join(s.Killed, ", "))
	}
	if err := errors.Join(s.Errors...); err != nil {
		b.WriteString("; could not sweep: " + strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Sweep removes every run directory in TMPDIR with one of the prefixes whose
// owner no longer holds its lock, after killing (SIGKILL to its group) each
// process it recorded that still runs with the same start time.
func Sweep(prefixes ...string) Swept {
	var s Swept
	entries, err := os.ReadDir(os.TempDir())
	if err != nil {
		s.Errors = append(s.Errors, err)
		return s
	}
	for _, e := range entries {
		if !e.IsDir() || !hasPrefix(e.Name(), prefixes) {
			continue
		}
		sweepOne(filepath.Join(os.TempDir(), e.Name()), &s)
	}
	return s
}

func hasPrefix(name string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

func sweepOne(path string, s *Swept) {
	lock, err := os.Open(path)
	if err != nil {
		return // removed meanwhile, or not ours to read
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return // a live owner holds it
	}
	data, err := os.ReadFile(filepath.Join(path, ownerFile))
	if err != nil {
		return // no owner record: not a run directory, or one being created
	}
	var rec record
	if err := json.Unmarshal(data, &rec); err != nil {
		s.Errors = append(s.Errors, fmt.Errorf("%s: unreadable owner record: %w", path, err))
		return
	}
	for _, c := range rec.Children {
		if start, err := proc.StartTime(c.PID); err == nil && start == c.Start && proc.Alive(c.PID) {
			// The process, and its group when it leads one (every child
			// started through internal/proc does).
			_ = proc.SignalPID(c.PID, syscall.SIGKILL)
			_ = proc.SignalPID(-c.PID, syscall.SIGKILL)
			s.Killed = append(s.Killed, c.Name+" (pid "+strconv.Itoa(c.PID)+")")
		}
	}
	if err := os.RemoveAll(path); err != nil {
		s.Errors = append(s.Errors, err)
		return
	}
	s.Removed = append(s.Removed, path)
}
