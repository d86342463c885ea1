//go:build unix

package rundir

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/efortin/vllm-chill/internal/proc"
	"github.com/efortin/vllm-chill/internal/proc/proctest"
)

// A run of this test binary with RUNDIR_HELPER set is a run that owns a
// directory and a child (sleep, started without any protection, as on an OS
// without a parent-death signal), prints both, and waits to be killed.
func TestMain(m *testing.M) {
	if os.Getenv("RUNDIR_HELPER") != "" {
		d, err := Create("vllm-local-")
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		child := exec.Command("sleep", "60")
		if err := child.Start(); err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		if err := d.Record("sleep", child.Process.Pid); err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println(d.Path(), child.Process.Pid)
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// isolate gives the test a TMPDIR of its own, so sweeps see only its dirs.
func isolate(t *testing.T) string {
	t.Helper()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	return tmp
}

func TestLiveDirectoryIsNeverSwept(t *testing.T) {
	isolate(t)
	d, err := Create("vllm-local-")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Remove()
	if s := Sweep(Prefixes...); len(s.Removed) != 0 || s.String() != "" {
		t.Errorf("swept a live run's directory: %s", s)
	}
	if _, err := os.Stat(d.Path()); err != nil {
		t.Errorf("live directory gone: %v", err)
	}
	// A directory with no owner record is not a run directory: left alone.
	other := filepath.Join(os.TempDir(), "vllm-local-not-a-run")
	if err := os.Mkdir(other, 0o755); err != nil {
		t.Fatal(err)
	}
	Sweep(Prefixes...)
	if _, err := os.Stat(other); err != nil {
		t.Errorf("directory without an owner record removed: %v", err)
	}
}

// TestDeadOwnerIsSwept kills the owner with SIGKILL: the sweep removes its
// directory and kills the child it recorded, which had outlived it.
func TestDeadOwnerIsSwept(t *testing.T) {
	isolate(t)
	if err := proc.BecomeSubreaper(); err != nil {
		t.Fatal(err)
	}
	helper, line := proctest.StartHelper(t, "RUNDIR_HELPER=1")
	fields := strings.Fields(line)
	if len(fields) != 2 {
		t.Fatalf("helper said %q", line)
	}
	dir, sleepPID := fields[0], atoi(t, fields[1])
	defer proc.SignalPID(sleepPID, syscall.SIGKILL)

	// While the owner lives, nothing is swept.
	if s := Sweep(Prefixes...); len(s.Removed) != 0 {
		t.Fatalf("swept while the owner lived: %s", s)
	}
	_ = helper.Process.Kill()
	_ = helper.Wait()

	s := Sweep(Prefixes...)
	t.Logf("sweep: %s", s)
	if len(s.Removed) != 1 || s.Removed[0] != dir {
		t.Errorf("removed %q, want [%s]", s.Removed, dir)
	}
	if want := fmt.Sprintf("sleep (pid %d)", sleepPID); !strings.Contains(s.String(), want) || !strings.Contains(s.String(), filepath.Base(dir)) {
		t.Errorf("the line %q does not name the directory and %s", s, want)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s still there (stat: %v)", dir, err)
	}
	// The orphaned sleep came to us (subreaper): it must have been killed.
	var ws syscall.WaitStatus
	if _, err := syscall.Wait4(sleepPID, &ws, 0, nil); err != nil || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Errorf("the recorded sleep was not killed: wait %v, status %v", err, ws)
	}
}

// TestReusedPIDIsNotKilled: a recorded pid now used by another process (its
// start time differs) is not killed; the directory still goes.
func TestReusedPIDIsNotKilled(t *testing.T) {
	tmp := isolate(t)
	other := exec.Command("sleep", "60")
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = other.Process.Kill(); _ = other.Wait() }()
	dir := filepath.Join(tmp, "vllm-suite-dead")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	rec, _ := json.Marshal(record{PID: 1 << 22, Start: "1", Children: []process{{Name: "etcd", PID: other.Process.Pid, Start: "not-its-start"}}})
	if err := os.WriteFile(filepath.Join(dir, ownerFile), rec, 0o600); err != nil {
		t.Fatal(err)
	}
	s := Sweep(Prefixes...)
	if len(s.Removed) != 1 || len(s.Killed) != 0 {
		t.Errorf("sweep %+v: want the directory removed and nothing killed", s)
	}
	if !proc.Alive(other.Process.Pid) || other.ProcessState != nil {
		t.Errorf("the process now holding the recorded pid was killed")
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
