// Package proc sets a parent-death signal in an untagged file: it builds on
// Linux only, since darwin's SysProcAttr has no Pdeathsig.
package proc

import "syscall"

func Attr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: 1}
}
