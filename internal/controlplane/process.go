package controlplane

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

// flagMap keeps a command line as data until exec time, so defaults and
// caller overrides merge by name instead of by string surgery.
type flagMap map[string]string

func (f flagMap) merge(over map[string]string) flagMap {
	for k, v := range over {
		f[k] = v
	}
	return f
}

// args renders --name=value pairs in a stable order (stable error messages).
func (f flagMap) args() []string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, "--"+k+"="+f[k])
	}
	return out
}

// process is one running component. Every process is started in its own
// process group and always waited for: PID 1 on these machines does not reap
// orphans, so a child we do not wait for stays behind as a zombie.
type process struct {
	name string
	cmd  *exec.Cmd
	tail *tailBuffer

	done    chan struct{} // closed once Wait has returned
	waitErr error         // valid after done is closed

	mu       sync.Mutex
	stopping bool // set before we signal it, so its exit is not "unexpected"
}

func startProcess(name, path string, flags flagMap, out io.Writer) (*process, error) {
	p := &process{name: name, tail: newTailBuffer(8 << 10), done: make(chan struct{})}
	cmd := exec.Command(path, flags.args()...)
	var w io.Writer = p.tail
	if out != nil {
		w = io.MultiWriter(p.tail, &prefixWriter{prefix: name + ": ", w: out})
	}
	cmd.Stdout, cmd.Stderr = w, w
	cmd.SysProcAttr = &syscall.SysProcAttr{
		// Own group: Ctrl-C in a terminal reaches only us, so we stop the
		// components in order (API server before etcd) instead of all at once.
		Setpgid: true,
		// If we are killed without a chance to clean up, the kernel kills the
		// components too rather than leaving them running.
		Pdeathsig: syscall.SIGKILL,
	}
	cmd.WaitDelay = time.Second // do not hang on output pipes after exit
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s (%s): %w", name, path, err)
	}
	p.cmd = cmd
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

func (p *process) pid() int { return p.cmd.Process.Pid }

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *process) expectedExit() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stopping
}

// exitError describes how the process ended, with the tail of its output.
func (p *process) exitError() error {
	state := "exited"
	if p.waitErr != nil {
		state = "exited: " + p.waitErr.Error()
	}
	return &ExitError{Name: p.name, State: state, Tail: p.tail.String()}
}

// stop sends SIGTERM to the process group, escalates to SIGKILL after grace or
// when ctx is done, and always waits for the process to be reaped.
func (p *process) stop(ctx context.Context, grace time.Duration) error {
	p.mu.Lock()
	p.stopping = true
	p.mu.Unlock()
	if p.exited() {
		return nil
	}
	pgid := -p.pid()
	_ = syscall.Kill(pgid, syscall.SIGTERM)
	timer := time.NewTimer(grace)
	defer timer.Stop()
	select {
	case <-p.done:
		return nil
	case <-timer.C:
	case <-ctx.Done():
	}
	_ = syscall.Kill(pgid, syscall.SIGKILL)
	<-p.done // SIGKILL cannot be ignored; waiting here is bounded
	return fmt.Errorf("stop %s: did not exit within %s of SIGTERM, killed", p.name, grace)
}

// ExitError reports a component that exited when it should have been running.
type ExitError struct {
	Name  string // etcd, kube-apiserver or kube-controller-manager
	State string // how it ended, e.g. "exited: signal: killed"
	Tail  string // last lines of its output
}

func (e *ExitError) Error() string {
	msg := fmt.Sprintf("%s %s", e.Name, e.State)
	if t := strings.TrimSpace(e.Tail); t != "" {
		msg += "\n--- last output of " + e.Name + " ---\n" + t
	}
	return msg
}

// IsExitError reports whether err is (or wraps) an *ExitError.
func IsExitError(err error) bool {
	var e *ExitError
	return errors.As(err, &e)
}

// tailBuffer keeps the last max bytes written to it, for error messages.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func newTailBuffer(max int) *tailBuffer { return &tailBuffer{max: max} }

func (t *tailBuffer) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(b), nil
}

// String returns whole lines only, at most the last 20 of them.
func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := strings.Split(strings.TrimRight(string(t.buf), "\n"), "\n")
	if len(t.buf) >= t.max && len(lines) > 1 {
		lines = lines[1:] // first line is probably cut
	}
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return strings.Join(lines, "\n")
}

// prefixWriter prefixes each line with the component name when logs are shown.
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
		i := strings.IndexByte(string(p.partial), '\n')
		if i < 0 {
			break
		}
		if _, err := fmt.Fprintf(p.w, "%s%s\n", p.prefix, p.partial[:i]); err != nil {
			return len(b), nil // a closed log sink must not kill the component
		}
		p.partial = p.partial[i+1:]
	}
	return len(b), nil
}
