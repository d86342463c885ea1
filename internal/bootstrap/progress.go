package bootstrap

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// progress prints one line per step, prefixed "bootstrap: " so the lines
// stand out in the interleaved output of task runners and CI logs.
type progress struct {
	mu  sync.Mutex
	w   io.Writer
	now func() time.Time
}

func newProgress(w io.Writer) *progress {
	if w == nil {
		w = io.Discard
	}
	return &progress{w: w, now: time.Now}
}

func (p *progress) printf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "bootstrap: "+format+"\n", args...)
}

// step starts timing a step and returns the function that prints its
// closing line, e.g. "bootstrap: crds established (1 CRD) in 0.31s".
func (p *progress) step() func(format string, args ...any) {
	start := p.now()
	return func(format string, args ...any) {
		d := p.now().Sub(start)
		p.printf("%s in %s", fmt.Sprintf(format, args...), seconds(d))
	}
}

// seconds formats a duration the same way in every line: "0.31s".
func seconds(d time.Duration) string {
	return fmt.Sprintf("%.2fs", d.Seconds())
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
