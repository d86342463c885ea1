package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/efortin/vllm-chill/internal/heartbeat"
)

// silence follows a run's output and keeps its longest gap: the time between
// two consecutive lines, from the start to the first line, and from the last
// line to the end. What a person stares at when a run "hangs".
type silence struct {
	last    time.Time
	longest time.Duration
	before  string // the line that ended the longest gap ("(end)" at the end)
	lines   int
}

func newSilence(start time.Time) *silence { return &silence{last: start} }

func (s *silence) line(at time.Time, text string) {
	s.gap(at, text)
	s.lines++
}

func (s *silence) end(at time.Time) { s.gap(at, "(end of the run)") }

func (s *silence) gap(at time.Time, text string) {
	if d := at.Sub(s.last); d > s.longest {
		s.longest, s.before = d, text
	}
	s.last = at
}

// result is one measured run.
type result struct {
	part    string // floor, cold, warm, ci
	name    string // for the table
	took    time.Duration
	err     error // the run failed: its figure is not a pass
	silence *silence
}

// Targets (issue 19; docs/benchmarks.md).
const (
	targetColdRatio = 1.5             // cold main job over the floor
	targetWarm      = 3 * time.Minute // second clone's main job
	targetCIExtra   = 5 * time.Minute // cold ci over the cold main job
	targetSilence   = 30 * time.Second
)

// report prints one row per run: its time, its ratio to the floor, its
// target and verdict, then its longest silence against the silence target.
// A target whose inputs were not measured says "n/a".
func report(w io.Writer, results []result) {
	by := map[string]result{}
	for _, r := range results {
		by[r.part] = r
	}
	floor, hasFloor := by["floor"]
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN\tTIME\tx FLOOR\tTARGET\tRESULT\tLONGEST SILENCE\tTARGET\tRESULT\tSILENT BEFORE")
	for _, r := range results {
		ratio := "n/a"
		if hasFloor && floor.err == nil && floor.took > 0 {
			ratio = fmt.Sprintf("%.2f", r.took.Seconds()/floor.took.Seconds())
		}
		target, verdict := "", ""
		switch r.part {
		case "cold":
			target = fmt.Sprintf("<= %.1fx floor", targetColdRatio)
			verdict = judge(hasFloor && floor.err == nil, r, float64(r.took) <= targetColdRatio*float64(floor.took))
		case "warm":
			target = "<= " + short(targetWarm)
			verdict = judge(true, r, r.took <= targetWarm)
		case "ci":
			cold, ok := by["cold"]
			target = "<= cold main + " + short(targetCIExtra)
			verdict = judge(ok && cold.err == nil, r, r.took <= cold.took+targetCIExtra)
		}
		sTarget, sVerdict := "", ""
		if r.part != "floor" { // go build is silent by nature; the floor is not judged
			sTarget = "<= " + short(targetSilence)
			sVerdict = judge(true, r, r.silence.longest <= targetSilence)
		}
		took := short(r.took)
		if r.err != nil {
			took += " (failed)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.name, took, ratio, target, verdict,
			short(r.silence.longest), sTarget, sVerdict, clip(r.silence.before, 60))
	}
	tw.Flush()
}

// judge is PASS or FAIL, or n/a when what the target compares against was
// not measured; a failed run never passes.
func judge(measurable bool, r result, ok bool) string {
	switch {
	case !measurable:
		return "n/a"
	case r.err == nil && ok:
		return "PASS"
	default:
		return "FAIL"
	}
}

// short prints durations as people read them: 7m44s, 41s, 3.2s.
func short(d time.Duration) string { return heartbeat.Round(d).String() }

func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return s[:n-3] + "..."
	}
	return s
}

// stamper takes a run's output (stdout and stderr alike), stamps each line
// with the time since the start into the log, and feeds the silence meter.
type stamper struct {
	mu      sync.Mutex
	start   time.Time
	log     io.Writer
	silence *silence
	partial []byte
	last    string
	now     func() time.Time // default time.Now; tests fix it
}

func (s *stamper) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	at := s.clock()
	s.partial = append(s.partial, p...)
	for {
		i := bytes.IndexByte(s.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		s.emit(at, string(s.partial[:i]))
		s.partial = s.partial[i+1:]
	}
}

func (s *stamper) emit(at time.Time, line string) {
	fmt.Fprintf(s.log, "%8.1f %s\n", at.Sub(s.start).Seconds(), line)
	s.silence.line(at, line)
	s.last = line
}

func (s *stamper) clock() time.Time {
	if s.now != nil {
		return s.now()
	}
	return time.Now()
}

// state is the number of lines so far and the last one.
func (s *stamper) state() (int, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.silence.lines, s.last
}

// finish ends the run at at: a last line without a newline still counts.
func (s *stamper) finish(at time.Time) *silence {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.partial) > 0 {
		s.emit(at, string(s.partial))
		s.partial = nil
	}
	s.silence.end(at)
	return s.silence
}
