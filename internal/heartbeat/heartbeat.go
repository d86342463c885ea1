// Package heartbeat makes long steps talk. A first run on a fresh machine
// compiles Kubernetes for minutes; a terminal that shows nothing for that
// long looks hung. A step says what it does, why and how long it usually
// takes when it starts, prints the elapsed time at a fixed interval while
// it runs, and says how it ended.
package heartbeat

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Interval is the default pause between two lines of a running step: under
// the 30 s that a person (or a CI log) waits before thinking it is stuck.
const Interval = 20 * time.Second

// Beat prints "still <what>: <elapsed>" lines on w every interval until
// Stop. A Beat made by NewWatch also passes a step's output through and
// speaks only when that output has been quiet for an interval.
type Beat struct {
	w        io.Writer
	what     string
	interval time.Duration
	start    time.Time
	watch    bool // speak only after interval without output; say so

	mu   sync.Mutex
	last time.Time // the last line, ours or the step's

	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// Start begins a heartbeat for a step already announced, whose own output
// (if any) goes elsewhere. w must be safe for concurrent writes when the
// caller writes to it too (SyncWriter).
func Start(w io.Writer, interval time.Duration, what string) *Beat {
	return newBeat(w, interval, what, false)
}

// NewWatch starts watching a step that prints now and then (a test run
// prints a line per test, but nothing while it compiles): write the step's
// output to the Beat, not to w; "still <what>: 2m10s (no output for 20s)"
// appears only after interval without a line.
func NewWatch(w io.Writer, interval time.Duration, what string) *Beat {
	return newBeat(w, interval, what, true)
}

func newBeat(w io.Writer, interval time.Duration, what string, watch bool) *Beat {
	if interval <= 0 {
		interval = Interval
	}
	now := time.Now()
	b := &Beat{w: w, what: what, interval: interval, start: now, last: now, watch: watch, stop: make(chan struct{}), done: make(chan struct{})}
	go b.loop()
	return b
}

func (b *Beat) loop() {
	defer close(b.done)
	// A quarter of the interval keeps every silence under 1.25 intervals.
	t := time.NewTicker(b.interval / 4)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			return
		case now := <-t.C:
			b.mu.Lock()
			// Half a tick of slack: a tick that comes a hair early must not
			// push the line to the next one, a quarter interval later.
			if quiet := now.Sub(b.last); quiet+b.interval/8 >= b.interval {
				suffix := ""
				if b.watch {
					suffix = fmt.Sprintf(" (no output for %s)", Round(quiet))
				}
				fmt.Fprintf(b.w, "still %s: %s%s\n", b.what, Round(now.Sub(b.start)), suffix)
				b.last = now
			}
			b.mu.Unlock()
		}
	}
}

// Write forwards p and resets the quiet time.
func (b *Beat) Write(p []byte) (int, error) { return b.To(b.w).Write(p) }

// To is a writer to w (the step's other stream, its stderr) whose writes
// count as output too.
func (b *Beat) To(w io.Writer) io.Writer { return watched{b, w} }

type watched struct {
	b *Beat
	w io.Writer
}

func (t watched) Write(p []byte) (int, error) {
	t.b.mu.Lock()
	defer t.b.mu.Unlock()
	t.b.last = time.Now()
	return t.w.Write(p)
}

// Stop ends the heartbeat and returns the step's duration. No line is
// printed once Stop has returned; calling it again is harmless.
func (b *Beat) Stop() time.Duration {
	b.once.Do(func() { close(b.stop) })
	<-b.done
	return time.Since(b.start)
}

// Round shortens a duration for people: whole seconds from 10 s up, tenths
// below ("3.2s", "41s", "6m12s").
func Round(d time.Duration) time.Duration {
	if d >= 10*time.Second {
		return d.Round(time.Second)
	}
	return d.Round(100 * time.Millisecond)
}

// Step announces a step, runs fn with a heartbeat and prints its end:
// "<intro>" first, "still <what>: ..." while it runs, then "<what>: done in
// 41s" or "<what>: failed after 41s". The error is fn's.
func Step(w io.Writer, interval time.Duration, intro, what string, fn func() error) error {
	fmt.Fprintln(w, intro)
	b := Start(w, interval, what)
	err := fn()
	end(w, what, b.Stop(), err)
	return err
}

func end(w io.Writer, what string, d time.Duration, err error) {
	if err != nil {
		fmt.Fprintf(w, "%s: failed after %s\n", what, Round(d))
	} else {
		fmt.Fprintf(w, "%s: done in %s\n", what, Round(d))
	}
}

// Slow is Step for a step that is usually quick and only slow the first
// time (Go's caches cold): if fn ends within delay nothing is printed;
// otherwise the intro appears at delay, then the heartbeat and the end line.
func Slow(w io.Writer, interval, delay time.Duration, intro, what string, fn func() error) error {
	start := time.Now()
	var mu sync.Mutex
	var b *Beat
	announce := time.AfterFunc(delay, func() {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintln(w, intro)
		b = Start(w, interval, what)
	})
	err := fn()
	announce.Stop()
	mu.Lock()
	defer mu.Unlock()
	if b == nil {
		return err
	}
	b.Stop()
	end(w, what, time.Since(start), err)
	return err
}

// SyncWriter serializes writes to w, for a heartbeat and a step that both
// print to one stream.
func SyncWriter(w io.Writer) io.Writer {
	if s, ok := w.(*syncWriter); ok {
		return s
	}
	return &syncWriter{w: w}
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
