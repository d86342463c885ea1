package poll

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestUntil(t *testing.T) {
	calls := 0
	err := Until(context.Background(), Options{What: "x", Timeout: time.Second, Interval: time.Millisecond}, func(context.Context) error {
		if calls++; calls < 3 {
			return errors.New("not yet")
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Errorf("Until = %v after %d calls, want nil after 3", err, calls)
	}

	boom := errors.New("credentials rejected")
	t0 := time.Now()
	err = Until(context.Background(), Options{What: "x", Timeout: time.Minute, Interval: time.Millisecond}, func(context.Context) error { return Permanent(boom) })
	if err != boom || time.Since(t0) > time.Second {
		t.Errorf("a permanent error: Until = %v after %s, want it at once", err, time.Since(t0))
	}

	err = Until(context.Background(), Options{What: "the API server", Timeout: 50 * time.Millisecond, Interval: 10 * time.Millisecond}, func(context.Context) error {
		return errors.New("connection refused")
	})
	var pe *Error
	if !errors.As(err, &pe) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Until = %v, want an *Error that is a deadline", err)
	}
	for _, want := range []string{"timed out after", "(timeout 50ms)", "waiting for the API server", "last error: connection refused"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = Until(ctx, Options{What: "y", Timeout: time.Minute, Interval: time.Millisecond}, func(context.Context) error { return errors.New("no") })
	if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "canceled after") {
		t.Errorf("cancelled: %v", err)
	}
}
