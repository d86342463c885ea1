package viatest

import (
	"syscall"
	"testing"
)

func TestAttr(t *testing.T) {
	_ = syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
