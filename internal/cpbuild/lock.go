package cpbuild

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/efortin/vllm-chill/internal/heartbeat"
	"github.com/efortin/vllm-chill/internal/poll"
)

// entryLock is an exclusive flock on Entry.Dir/lock. The kernel drops it
// when its holder dies, however it dies, so a killed build never blocks the
// next one. It holds a line saying who builds what, for those who wait.
type entryLock struct{ f *os.File }

func lockPath(e Entry) string { return filepath.Join(e.Dir, "lock") }

// lock takes the entry's lock, waiting up to LockTimeout for another run
// that builds the same entry, and saying whom it waits for.
func (c *Cache) lock(ctx context.Context, e Entry, names []string) (*entryLock, error) {
	path := lockPath(e)
	var l *entryLock
	var beat *heartbeat.Beat
	defer func() {
		if beat != nil {
			beat.Stop()
		}
	}()
	err := poll.Until(ctx, poll.Options{What: "the lock " + path + " (another run is building these binaries)", Timeout: c.LockTimeout, Interval: 250 * time.Millisecond}, func(context.Context) error {
		// Again each time: a cache:clean may have removed the entry meanwhile.
		if err := os.MkdirAll(e.Dir, 0o755); err != nil {
			return poll.Permanent(fmt.Errorf("create the cache entry %s: %w", e.Dir, err))
		}
		f, err := tryLock(path)
		if err == nil {
			l = &entryLock{f}
			return nil
		}
		if !errors.Is(err, errBusy) {
			return poll.Permanent(err)
		}
		if beat == nil {
			holder, _ := os.ReadFile(path)
			fmt.Fprintf(c.Out, "control-plane binaries: waiting (up to %s) for another run that builds them: %s\n", c.LockTimeout, strings.TrimSpace(string(holder)))
			beat = heartbeat.Start(c.Out, c.Interval, "waiting for the other build of the control-plane binaries")
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("lock the control-plane cache entry: %w", err)
	}
	// Who holds it, for the messages of those who wait. Best effort.
	if err := l.f.Truncate(0); err == nil {
		fmt.Fprintf(l.f, "pid %d building %s since %s\n", os.Getpid(), strings.Join(names, ", "), time.Now().Format(time.TimeOnly))
	}
	return l, nil
}

var errBusy = errors.New("held by another process")

// tryLock takes the lock without waiting. A lock file that was removed or
// replaced (cache cleaned) while we took it is not the lock anymore:
// that case is reported busy, so the caller tries again on the new file.
func tryLock(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open the lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errBusy
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	held, err1 := f.Stat()
	now, err2 := os.Stat(path)
	if err1 != nil || err2 != nil || !os.SameFile(held, now) {
		f.Close()
		return nil, errBusy
	}
	return f, nil
}

// unlock releases the lock (closing the file drops the flock).
func (l *entryLock) unlock() { _ = l.f.Close() }
