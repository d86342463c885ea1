package controlplane

import (
	"net"
	"testing"
)

func TestReservePortSkipsTakenPreferred(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	taken := l.Addr().(*net.TCPAddr).Port
	got, err := reservePort(taken)
	if err != nil {
		t.Fatal(err)
	}
	defer releasePort(got)
	if got == taken || got == 0 {
		t.Fatalf("reservePort(%d) = %d, want another free port", taken, got)
	}
	// The same port is not handed out twice while reserved.
	again, err := reservePort(got)
	if err != nil {
		t.Fatal(err)
	}
	defer releasePort(again)
	if again == got {
		t.Fatalf("port %d handed out twice", got)
	}
}
