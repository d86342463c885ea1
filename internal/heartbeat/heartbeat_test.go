package heartbeat

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lines is an output that counts its lines and lets a test wait for them.
type lines struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	more chan struct{} // signalled on every write
}

func newLines() *lines { return &lines{more: make(chan struct{}, 1)} }

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	select {
	case l.more <- struct{}{}:
	default:
	}
	return l.buf.Write(p)
}

func (l *lines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// waitLines waits until w holds n lines matching re, at most 10 s (the
// intervals here are milliseconds; the bound only stops a broken test).
func waitLines(t *testing.T, w *lines, re *regexp.Regexp, n int) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for len(re.FindAllString(w.String(), -1)) < n {
		select {
		case <-w.more:
		case <-deadline:
			t.Fatalf("waited 10s for %d lines matching %s; got:\n%s", n, re, w.String())
		}
	}
}

var beatLine = regexp.MustCompile(`(?m)^still building kube-apiserver: [0-9.]+(ms|µs|s)$`)

func TestBeatPrintsElapsedTimeUntilStopped(t *testing.T) {
	w := newLines()
	b := Start(w, time.Millisecond, "building kube-apiserver")
	waitLines(t, w, beatLine, 3)
	b.Stop()
	after := w.String()
	b.Stop() // twice is harmless
	// Stop returns once the heartbeat's goroutine has ended: nothing more.
	if w.String() != after {
		t.Errorf("lines after Stop:\n%s", strings.TrimPrefix(w.String(), after))
	}
	for _, l := range strings.Split(strings.TrimSpace(after), "\n") {
		if !beatLine.MatchString(l) {
			t.Errorf("line %q is not a heartbeat", l)
		}
	}
}

func TestStepSaysWhatWhyAndHowItEnded(t *testing.T) {
	w := newLines()
	err := Step(w, time.Millisecond, "building kube-apiserver v1.37.2: first build about 7 min on 2 cores", "building kube-apiserver", func() error {
		waitLines(t, w, beatLine, 1)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSpace(w.String()), "\n")
	if got[0] != "building kube-apiserver v1.37.2: first build about 7 min on 2 cores" || !strings.HasPrefix(got[len(got)-1], "building kube-apiserver: done in ") {
		t.Errorf("step output:\n%s", w.String())
	}

	w = newLines()
	boom := errors.New("boom")
	if err := Step(w, time.Hour, "intro", "building etcd", func() error { return boom }); err != boom {
		t.Errorf("Step = %v, want fn's error", err)
	}
	if !strings.Contains(w.String(), "building etcd: failed after ") {
		t.Errorf("failed step output:\n%s", w.String())
	}
}

func TestSlowSpeaksOnlyWhenSlow(t *testing.T) {
	w := newLines()
	if err := Slow(w, time.Millisecond, time.Hour, "intro", "building the commands", func() error { return nil }); err != nil || w.String() != "" {
		t.Errorf("a quick step said %q (err %v), want nothing", w.String(), err)
	}
	err := Slow(w, time.Millisecond, time.Millisecond, "building the commands: about 2 min the first time", "building the commands", func() error {
		waitLines(t, w, regexp.MustCompile(`(?m)^still building the commands: `), 1)
		return nil
	})
	got := strings.Split(strings.TrimSpace(w.String()), "\n")
	if err != nil || got[0] != "building the commands: about 2 min the first time" || !strings.HasPrefix(got[len(got)-1], "building the commands: done in ") {
		t.Errorf("a slow step said (err %v):\n%s", err, w.String())
	}
}

func TestWatchSpeaksOnlyWhenQuiet(t *testing.T) {
	w := newLines()
	q := NewWatch(w, 4*time.Millisecond, "running the unit tests")
	if _, err := q.Write([]byte("ok  pkg/catalog\n")); err != nil {
		t.Fatal(err)
	}
	waitLines(t, w, regexp.MustCompile(`(?m)^still running the unit tests: \S+ \(no output for \S+\)$`), 2)
	q.Stop()
	after := w.String()
	if !strings.HasPrefix(after, "ok  pkg/catalog\n") {
		t.Errorf("the output was not passed through first:\n%s", after)
	}
	if q.Stop(); w.String() != after {
		t.Errorf("lines after Stop")
	}
}

func TestRound(t *testing.T) {
	for d, want := range map[time.Duration]string{
		3240 * time.Millisecond:  "3.2s",
		41400 * time.Millisecond: "41s",
		372 * time.Second:        "6m12s",
	} {
		if got := Round(d).String(); got != want {
			t.Errorf("Round(%v) = %s, want %s", d, got, want)
		}
	}
}
