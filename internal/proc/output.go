package proc

import (
	"bytes"
	"fmt"
	"io"
	"sync"
)

// PrefixLines returns a writer that copies whole lines to w, each with
// prefix, so that the output of several children can share one stream. It
// never fails: a closed stream must not stop the child writing to it.
func PrefixLines(w io.Writer, prefix string) io.Writer {
	return &prefixWriter{prefix: prefix, w: w}
}

type prefixWriter struct {
	mu      sync.Mutex
	prefix  string
	w       io.Writer
	partial []byte
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
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
