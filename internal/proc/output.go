package proc

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"sync"
)

// PrefixLines returns a writer that copies whole lines to w, each with
// prefix, so that the output of several children can share one stream. It
// never fails: a closed stream must not stop the child writing to it.
//
// Sharing w is the point, so it must be safe: the control plane gives each
// component its own PrefixLines on one Out, and vllm-coverage each part its
// own on one stdout, and os/exec writes each of them from a copier goroutine
// of its own. Every writer that wraps the same w therefore takes the same
// lock, one per destination, for each line: a line is never split by
// another's, and w (a bytes.Buffer in tests) is never written twice at once.
func PrefixLines(w io.Writer, prefix string) io.Writer {
	p := &prefixWriter{prefix: prefix, w: w, dest: destinations.acquire(w)}
	// The lock lives as long as some writer wraps w.
	runtime.AddCleanup(p, destinations.release, w)
	return p
}

type prefixWriter struct {
	prefix string
	w      io.Writer
	dest   *sync.Mutex // shared by every prefixWriter of w; also guards partial

	partial []byte
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.dest.Lock()
	defer p.dest.Unlock()
	p.partial = append(p.partial, b...)
	for {
		i := bytes.IndexByte(p.partial, '\n')
		if i < 0 {
			return len(b), nil
		}
		_, _ = fmt.Fprintf(p.w, "%s%s\n", p.prefix, p.partial[:i])
		p.partial = p.partial[i+1:]
	}
}

// destinations holds one lock per destination writer, counted by the
// writers that wrap it.
var destinations = &locks{byDest: map[io.Writer]*destLock{}}

type locks struct {
	mu     sync.Mutex
	byDest map[io.Writer]*destLock
}

type destLock struct {
	sync.Mutex
	users int
}

func (l *locks) acquire(w io.Writer) *sync.Mutex {
	if w == nil || !reflect.TypeOf(w).Comparable() {
		// Not a map key, so not looked up: a lock of its own, as before
		// destinations were shared. No writer of this module is one.
		return new(sync.Mutex)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	d := l.byDest[w]
	if d == nil {
		d = &destLock{}
		l.byDest[w] = d
	}
	d.users++
	return &d.Mutex
}

func (l *locks) release(w io.Writer) {
	if w == nil || !reflect.TypeOf(w).Comparable() {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if d := l.byDest[w]; d != nil {
		if d.users--; d.users == 0 {
			delete(l.byDest, w)
		}
	}
}
