package controlplane

import (
	"fmt"
	"net"
	"strconv"
	"sync"
)

// usedPorts remembers every port handed out by this process. The kernel may
// hand the same ephemeral port to two listeners opened and closed in quick
// succession, so two control planes started by one test binary could otherwise
// race for it.
var (
	usedPortsMu sync.Mutex
	usedPorts   = map[int]bool{}
)

// reservePort returns a loopback TCP port that was free a moment ago. When
// preferred is non-zero it is tried first; if it is taken, another free port
// is chosen instead of failing, so a busy machine never blocks a start.
// The port is released before returning: the component binds it itself.
func reservePort(preferred int) (int, error) {
	usedPortsMu.Lock()
	defer usedPortsMu.Unlock()
	if preferred > 0 && !usedPorts[preferred] {
		if l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(preferred))); err == nil {
			_ = l.Close()
			usedPorts[preferred] = true
			return preferred, nil
		}
	}
	// Ask the kernel a few times in case it hands back a port we already gave out.
	for range 10 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, fmt.Errorf("reserve loopback port: %w", err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		_ = l.Close()
		if !usedPorts[port] {
			usedPorts[port] = true
			return port, nil
		}
	}
	return 0, fmt.Errorf("reserve loopback port: kernel kept returning ports already in use by this process")
}

// releasePort lets a port be handed out again once its component has stopped.
func releasePort(port int) {
	usedPortsMu.Lock()
	defer usedPortsMu.Unlock()
	delete(usedPorts, port)
}
