//go:build integration

// These tests run the vllm-local binary against the real control-plane
// binaries (build tag integration: requireBinaries builds them on first use).
// `go tool task ci` runs them in the local integration part of vllm-coverage.

package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/efortin/vllm-chill/internal/coverage"
	"github.com/efortin/vllm-chill/internal/cpbuild"
	"github.com/efortin/vllm-chill/internal/proc"
	"github.com/efortin/vllm-chill/internal/proc/proctest"
)

// bound is how long any signal or fault may take to end a run, cleanup included.
const bound = 20 * time.Second

var vllmLocal string // the command under test, built once

func TestMain(m *testing.M) {
	// When this run measures coverage, the binary under test measures too and
	// writes next to the test's own data: it is the code these tests exercise.
	flag.Parse()
	if dir := coverage.BinaryDir(); dir != "" {
		os.Setenv("GOCOVERDIR", dir)
	}
	dir, cover, err := coverage.TestBinaries("vllm-local")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	vllmLocal = filepath.Join(dir, "vllm-local")
	if out, err := exec.Command("go", append(append([]string{"build"}, cover...), "-o", vllmLocal, ".")...).CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// requireBinaries builds etcd and kube-apiserver once per machine when they
// are missing, before a test starts vllm-local under a time bound.
func requireBinaries(t *testing.T) {
	t.Helper()
	if _, err := cpbuild.Ensure(t.Context(), false, proc.PrefixLines(os.Stderr, "vllm-local test: ")); err != nil {
		t.Fatal(err)
	}
}

// started is a vllm-local process that reported its kubeconfig.
type started struct {
	cmd      *exec.Cmd
	dir      string         // the control plane's temp dir
	children map[int]string // pid → command name, read from /proc
	stderr   *proctest.Buffer
	done     chan error
}

// startCommand runs vllm-local with args and waits for the kubeconfig path on
// stdout (`kubeconfig: PATH` from up, or the bare path the run child echoes).
func startCommand(t *testing.T, args ...string) *started {
	t.Helper()
	requireBinaries(t)
	cmd := exec.Command(vllmLocal, args...)
	s := &started{cmd: cmd, stderr: &proctest.Buffer{}, done: make(chan error, 1)}
	cmd.Stderr = s.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		s.done <- cmd.Wait()
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	deadline := time.After(60 * time.Second)
	for s.dir == "" {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("vllm-local %v exited before printing a kubeconfig; stderr:\n%s", args, s.stderr)
			}
			if path, ok := strings.CutPrefix(line, "kubeconfig: "); ok || strings.HasSuffix(line, "/kubeconfig") {
				if !ok {
					path = line
				}
				s.dir = filepath.Dir(path)
			}
		case <-deadline:
			t.Fatalf("no kubeconfig printed within 60s; stderr:\n%s", s.stderr)
		}
	}
	go func() { // keep draining so the command never blocks on stdout
		for range lines {
		}
	}()
	s.children = proctest.Children(cmd.Process.Pid)
	return s
}

// waitGone waits for the command to exit within bound and checks that every
// child it had is gone and its temp dir removed; it returns the exit code.
func (s *started) waitGone(t *testing.T) int {
	t.Helper()
	t0 := time.Now()
	select {
	case <-s.done:
	case <-time.After(bound):
		t.Fatalf("vllm-local still running %s after the signal; stderr:\n%s", bound, s.stderr)
	}
	t.Logf("exited %d after %s", s.cmd.ProcessState.ExitCode(), time.Since(t0).Round(time.Millisecond))
	for pid, name := range s.children {
		if proc.Alive(pid) {
			t.Errorf("%s (pid %d) outlived vllm-local", name, pid)
		}
	}
	if _, err := os.Stat(s.dir); !os.IsNotExist(err) {
		t.Errorf("temp dir %s left behind", s.dir)
	}
	return s.cmd.ProcessState.ExitCode()
}

// TestSignalLetsTheGroupFinish is `go test` under SIGTERM: the command (here
// sh) dies at once, while a process it started in the same group (the test
// binary) needs a moment to clean up. vllm-local must let it finish rather
// than kill the group as soon as the command is gone.
func TestSignalLetsTheGroupFinish(t *testing.T) {
	dir := t.TempDir()
	marker, trapped := filepath.Join(dir, "cleaned-up"), filepath.Join(dir, "trapped")
	// The kubeconfig line, after which the test sends the signal, comes
	// only once the background process has its trap: a SIGTERM before the
	// trap would kill it at once, and there would be no cleanup to wait for.
	script := `(trap 'sleep 0.5; touch "$MARKER"; exit 0' TERM; touch "$TRAPPED"; while :; do sleep 0.1; done) &
i=0; while [ ! -e "$TRAPPED" ]; do i=$((i+1)); [ $i -lt 1000 ] || { echo "no trap after 10s" >&2; exit 1; }; sleep 0.01; done
echo "$KUBECONFIG"
wait`
	script = strings.NewReplacer("$MARKER", marker, "$TRAPPED", trapped).Replace(script)
	s := startCommand(t, "run", "--", "sh", "-c", script)
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	if code := s.waitGone(t); code != 128+int(syscall.SIGTERM) {
		t.Errorf("run exited %d after SIGTERM, want %d (the command's); stderr:\n%s", code, 128+int(syscall.SIGTERM), s.stderr)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("the command's group was killed before its cleanup finished: %v; stderr:\n%s", err, s.stderr)
	}
	if want := "vllm-local: sh exited; giving the rest of its process group up to"; !strings.Contains(s.stderr.String(), want) {
		t.Errorf("stderr lacks %q:\n%s", want, s.stderr)
	}
}

func TestEtcdKilledUnderAPIServerFailsRun(t *testing.T) {
	s := startCommand(t, "run", "--", "sh", "-c", `echo "$KUBECONFIG"; exec sleep 100`)
	etcd := 0
	for pid, name := range s.children {
		if name == "etcd" {
			etcd = pid
		}
	}
	if etcd == 0 {
		t.Fatalf("no etcd among children %v", s.children)
	}
	t0 := time.Now()
	_ = proc.SignalPID(etcd, syscall.SIGKILL)
	code := s.waitGone(t)
	if code == 0 {
		t.Errorf("run exited 0 although etcd died")
	}
	if !strings.Contains(s.stderr.String(), "etcd exited: signal: killed") {
		t.Errorf("stderr does not name etcd's exit:\n%s", s.stderr)
	}
	// The line docs/failures.md's table is built from (see test/faults).
	for _, line := range strings.Split(s.stderr.String(), "\n") {
		if strings.Contains(line, "etcd exited") {
			t.Logf("FAULT etcd killed under kube-apiserver | %s | %.1f", strings.TrimSpace(line), time.Since(t0).Seconds())
			break
		}
	}
}

// TestSIGKILLedRunIsSweptByTheNext kills `vllm-local run` with SIGKILL (an
// OOM kill, a CI runner's hard timeout) while its command runs. Its
// components and its command die with it (parent-death signal), and the next
// start (`up`) removes the dead run's directory, saying so in one line:
// TMPDIR then holds only the live run's directory. (SIGINT and SIGTERM to up and run are
// test/faults' TestSignalToRunGroup.)
func TestSIGKILLedRunIsSweptByTheNext(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	first := startCommand(t, "run", "--", "sh", "-c", `echo "$KUBECONFIG"; exec sleep 100`)
	_ = first.cmd.Process.Kill()
	<-first.done
	// Where the kernel has a parent-death signal (Linux) the children die
	// with vllm-local; elsewhere the next start's sweep kills them.
	assertDead := func(when string) {
		deadline := time.Now().Add(5 * time.Second)
		for pid, name := range first.children {
			for proc.Alive(pid) && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			if proc.Alive(pid) {
				t.Errorf("%s (pid %d) of the SIGKILLed vllm-local still runs %s", name, pid, when)
			}
		}
	}
	if proc.HasParentDeathSignal {
		assertDead("after it died")
	}
	if _, err := os.Stat(first.dir); err != nil {
		t.Fatalf("the killed run's directory %s is not there to sweep: %v", first.dir, err)
	}

	second := startCommand(t, "up")
	assertDead("after the next start's sweep")
	if len(second.children) != 2 {
		t.Errorf("up runs %s, want etcd and kube-apiserver", proctest.Names(second.children))
	}
	want := "vllm-local: control plane: removed 1 directory of dead runs in " + tmp + ": " + filepath.Base(first.dir)
	if !strings.Contains(second.stderr.String(), want) {
		t.Errorf("stderr lacks %q:\n%s", want, second.stderr)
	}
	entries, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
	}
	t.Logf("TMPDIR after the second start: %q; its sweep: %s", left, lineWith(second.stderr.String(), "dead runs"))
	if len(left) != 1 || left[0] != filepath.Base(second.dir) {
		t.Errorf("TMPDIR holds %q, want only the live run's %s", left, filepath.Base(second.dir))
	}
	_ = second.cmd.Process.Signal(syscall.SIGTERM)
	second.waitGone(t)
}

func lineWith(out, sub string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, sub) {
			return strings.TrimSpace(l)
		}
	}
	return ""
}
