package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 4, 21, 0, 0, 0, time.UTC)

func at(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }

// TestStamperFindsTheLongestSilence feeds output at fixed times: the longest
// gap is the one before "binaries built", the log stamps every line, a
// line split over two writes is one line, and the end counts as a line.
func TestStamperFindsTheLongestSilence(t *testing.T) {
	var log bytes.Buffer
	now := t0
	st := &stamper{start: t0, log: &log, silence: newSilence(t0), now: func() time.Time { return now }}
	write := func(sec float64, s string) {
		now = at(sec)
		if _, err := st.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	write(2, "go: downloading a\n")
	write(3, "building kube-api")
	write(4, "server\nstill building: 20s\n")
	write(45, "binaries built\n")  // 41 s after the last line
	write(50, "tests: 430 passed") // no newline: ends at finish
	s := st.finish(at(70))         // 20 s after it
	if s.longest != 41*time.Second || s.before != "binaries built" || s.lines != 5 {
		t.Errorf("silence = %s before %q, %d lines; want 41s before \"binaries built\", 5 lines", s.longest, s.before, s.lines)
	}
	want := "     2.0 go: downloading a\n     4.0 building kube-apiserver\n     4.0 still building: 20s\n    45.0 binaries built\n    70.0 tests: 430 passed\n"
	if log.String() != want {
		t.Errorf("log:\n%s\nwant:\n%s", log.String(), want)
	}
	if n, last := st.state(); n != 5 || last != "tests: 430 passed" {
		t.Errorf("state = %d, %q", n, last)
	}

	quiet := newSilence(t0)
	quiet.end(at(12))
	if quiet.longest != 12*time.Second || quiet.before != "(end of the run)" {
		t.Errorf("a run with no output: %s before %q", quiet.longest, quiet.before)
	}
}

func silent(d time.Duration, before string) *silence { return &silence{longest: d, before: before} }

func rows(t *testing.T, results []result) map[string][]string {
	t.Helper()
	var b bytes.Buffer
	report(&b, results)
	out := map[string][]string{}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if !strings.HasPrefix(lines[0], "RUN ") {
		t.Fatalf("no header:\n%s", b.String())
	}
	for _, l := range lines[1:] {
		name, rest, _ := strings.Cut(l, "  ")
		out[name] = strings.Fields(rest)
	}
	t.Logf("\n%s", b.String())
	return out
}

func TestReportJudgesEachTarget(t *testing.T) {
	got := rows(t, []result{
		{part: "floor", name: "floor", took: 400 * time.Second, silence: silent(300*time.Second, "(end of the run)")},
		{part: "cold", name: "cold", took: 590 * time.Second, silence: silent(25*time.Second, "vllm-build: building")},
		{part: "warm", name: "warm", took: 200 * time.Second, silence: silent(31*time.Second, "coverage: unit")},
		{part: "ci", name: "ci", took: 891 * time.Second, silence: silent(10*time.Second, "x")},
	})
	want := map[string][]string{
		// floor: its ratio is 1, no target, its silence not judged
		"floor": {"6m40s", "1.00", "5m0s", "(end", "of", "the", "run)"},
		"cold":  {"9m50s", "1.48", "<=", "1.5x", "floor", "PASS", "25s", "<=", "30s", "PASS", "vllm-build:", "building"},
		"warm":  {"3m20s", "0.50", "<=", "3m0s", "FAIL", "31s", "<=", "30s", "FAIL", "coverage:", "unit"},
		// 891 s > 590 s + 5 min
		"ci": {"14m51s", "2.23", "<=", "cold", "main", "+", "5m0s", "FAIL", "10s", "<=", "30s", "PASS", "x"},
	}
	for name, w := range want {
		if strings.Join(got[name], " ") != strings.Join(w, " ") {
			t.Errorf("row %s = %q\nwant      %q", name, got[name], w)
		}
	}
}

func TestReportWithoutItsReferences(t *testing.T) {
	got := rows(t, []result{
		{part: "warm", name: "warm", took: 100 * time.Second, silence: silent(5*time.Second, "ok")},
		{part: "ci", name: "ci", took: 100 * time.Second, err: errors.New("exit status 1"), silence: silent(5*time.Second, "FAIL")},
	})
	// No floor: no ratio. No cold run: ci's target cannot be judged. A
	// failed run never passes.
	if w := "1m40s n/a <= 3m0s PASS 5s <= 30s PASS ok"; strings.Join(got["warm"], " ") != w {
		t.Errorf("warm = %q, want %q", got["warm"], w)
	}
	if w := "1m40s (failed) n/a <= cold main + 5m0s n/a 5s <= 30s FAIL FAIL"; strings.Join(got["ci"], " ") != w {
		t.Errorf("ci = %q, want %q", got["ci"], w)
	}
}

// TestHarnessWithATrivialCommand runs every part with -instead in clones of
// a small repository: each part gets a fresh clone, cold and ci empty caches
// of their own, warm the caches cold filled; the table and logs are written.
func TestHarnessWithATrivialCommand(t *testing.T) {
	src := t.TempDir()
	for _, args := range [][]string{{"init", "--quiet"}, {"-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "--allow-empty", "-m", "x"}} {
		if out, err := exec.Command("git", append([]string{"-C", src}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	out, work := t.TempDir(), t.TempDir()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-source", src, "-out", out, "-work", work, "-instead", `echo "caches $GOCACHE"; printf last`}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	for _, want := range []string{"a check of the harness, not a measurement", "floor: go build kube-apiserver, then etcd", "second clone's main job", "<= cold main + 5m0s"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, stdout.String())
		}
	}
	logs := map[string]string{}
	for _, p := range allParts {
		data, err := os.ReadFile(filepath.Join(out, p+".log"))
		if err != nil {
			t.Fatal(err)
		}
		logs[p] = string(data)
	}
	folders, _ := filepath.Glob(filepath.Join(work, "firstrun-*"))
	if len(folders) != 0 {
		t.Errorf("clones and caches left in %s: %v", work, folders)
	}
	// Each part's GOCACHE, inside the run's own firstrun-* folder of work.
	cache := func(p string) *regexp.Regexp {
		return regexp.MustCompile(`caches ` + regexp.QuoteMeta(work) + `/firstrun-[0-9]+/` + p + `-caches/gocache\n`)
	}
	for p, want := range map[string]*regexp.Regexp{"floor": cache("floor"), "cold": cache("cold"), "warm": cache("cold"), "ci": cache("ci")} {
		if !want.MatchString(logs[p]) || !strings.HasSuffix(logs[p], " last\n") {
			t.Errorf("%s.log, want GOCACHE %s and the unfinished last line:\n%s", p, want, logs[p])
		}
	}
	if table, err := os.ReadFile(filepath.Join(out, "report.txt")); err != nil || string(table) != stdout.String() {
		t.Errorf("report.txt differs from the table printed (%v)", err)
	}
}
