// Package bootstraptest holds test helpers for code that connects to an
// API server: a loopback listener that proves no connection was made, and
// a loopback address on which nothing listens.
package bootstraptest

import (
	"net"
	"sync/atomic"
	"testing"
)

// AcceptRecorder listens on loopback and counts accepted connections
// (closing each at once), so a test can prove that a refusal happened
// before anything tried to reach the API server. It returns an https URL
// for a kubeconfig and the count function; the listener closes with the test.
func AcceptRecorder(t testing.TB) (url string, accepts func() int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			n.Add(1)
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return "https://" + ln.Addr().String(), n.Load
}

// ClosedPort returns an https URL on loopback where nothing listens: the
// port was free a moment ago, so connecting is refused.
func ClosedPort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "https://" + addr
}
