package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/efortin/vllm-chill/internal/interrupt"
	"github.com/efortin/vllm-chill/internal/proc/proctest"
)

// started is a laps file after `start`.
func started(t *testing.T) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "laps")
	if err := marks([]string{"start"}, file, time.Now()); err != nil {
		t.Fatal(err)
	}
	return file
}

func laps(t *testing.T, file string) []string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n")[1:] {
		_, name, _ := strings.Cut(line, " ")
		names = append(names, name)
	}
	return names
}

// TestStepTalksWhileQuiet: a phase quiet for longer than the interval gets
// "still NAME" lines between its own, says what it is first and how it
// ended last, and its time becomes a lap.
func TestStepTalksWhileQuiet(t *testing.T) {
	file := started(t)
	var out, errOut proctest.Buffer
	s := step{Name: "vet", Say: "vet: compiles every dependency once", Argv: []string{"sh", "-c", "echo first; echo warn >&2; sleep 1; echo second"},
		File: file, Stdout: &out, Stderr: &errOut, Interval: 200 * time.Millisecond}
	code, err := s.run(context.Background())
	if err != nil || code != 0 {
		t.Fatalf("run: code %d, err %v", code, err)
	}
	got := out.String()
	// A loaded machine may start sh late: a line before "first" is fine too.
	still := `(still vet: [0-9.]+m?s \(no output for [0-9.]+m?s\)\n)`
	if !regexp.MustCompile(`(?s)^vet: compiles every dependency once\n` + still + `*first\n` + still + `+second\nvet: done in [0-9.]+s\n$`).MatchString(got) {
		t.Errorf("output:\n%s", got)
	}
	if errOut.String() != "warn\n" {
		t.Errorf("stderr %q, want the phase's own", errOut.String())
	}
	if l := laps(t, file); len(l) != 1 || l[0] != "vet" {
		t.Errorf("laps %q, want [vet]", l)
	}
}

// TestStepFailed: the child's exit code is the step's, and the lap says it
// failed. Without `start` a step records nothing and does not fail for it.
func TestStepFailed(t *testing.T) {
	file := started(t)
	var out proctest.Buffer
	s := step{Name: "race", Argv: []string{"sh", "-c", "exit 3"}, File: file, Stdout: &out, Stderr: &out, Interval: time.Minute}
	if code, err := s.run(context.Background()); err != nil || code != 3 {
		t.Fatalf("run: code %d, err %v; want 3", code, err)
	}
	if !strings.Contains(out.String(), "race: failed after") || !strings.Contains(out.String(), "(exit 3)") {
		t.Errorf("output %q", out.String())
	}
	if l := laps(t, file); len(l) != 1 || l[0] != "race (failed)" {
		t.Errorf("laps %q", l)
	}

	s.File = filepath.Join(t.TempDir(), "none")
	if code, err := s.run(context.Background()); err != nil || code != 3 {
		t.Errorf("without start: code %d, err %v", code, err)
	}
	if _, err := os.Stat(s.File); err == nil {
		t.Error("a step without start wrote a laps file")
	}
}

// TestStepPassesTheSignalOn: a signal sent to the stopwatch alone reaches the
// phase, which stops; the step reports the signal, not the failure. The
// phase ends on its own after 10 s, without "got INT", if it never gets it.
func TestStepPassesTheSignalOn(t *testing.T) {
	file := started(t)
	var out proctest.Buffer
	ready := filepath.Join(t.TempDir(), "ready")
	s := step{Name: "fuzz", Argv: []string{"sh", "-c", `trap 'echo got INT; exit 9' INT; touch ` + ready + `; i=0; while [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done`},
		File: file, Stdout: &out, Stderr: &out, Interval: time.Minute}
	ctx, cancel := context.WithCancelCause(context.Background())
	go func() {
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if _, err := os.Stat(ready); err == nil {
				break
			}
		}
		cancel(&interrupt.Error{Signal: syscall.SIGINT})
	}()
	code, err := s.run(ctx)
	if err != nil || code != 130 {
		t.Fatalf("run: code %d, err %v; want 130 (SIGINT)", code, err)
	}
	if !strings.Contains(out.String(), "got INT") || !strings.Contains(out.String(), "fuzz: stopped by interrupt") {
		t.Errorf("output %q", out.String())
	}
	if l := laps(t, file); len(l) != 1 || l[0] != "fuzz (stopped)" {
		t.Errorf("laps %q", l)
	}
}

func TestDispatchUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"run", "vet"}, {"run", "vet", "go", "vet"}, {"lap"}, {"nope"}} {
		var out, errOut strings.Builder
		code := runCLI(context.Background(), args, filepath.Join(t.TempDir(), "laps"), &out, &errOut)
		if code != 2 || !strings.Contains(errOut.String(), "--help") {
			t.Errorf("%q: exit %d, stderr %q; want 2 and a pointer to --help", args, code, errOut.String())
		}
	}
	var out, errOut strings.Builder
	if code := runCLI(context.Background(), []string{"run", "x", "--", "sh", "-c", "exit 4"}, filepath.Join(t.TempDir(), "laps"), &out, &errOut); code != 4 {
		t.Errorf("run exit 4: exit %d (%s%s)", code, out.String(), errOut.String())
	}
}
