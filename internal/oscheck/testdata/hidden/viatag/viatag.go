//go:build integration

// Package viatag is Linux-only behind the integration tag, as the suite in
// test/ is tagged.
package viatag

import "syscall"

var Attr = syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
