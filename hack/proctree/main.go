// Command proctree runs a command and reports how deep its process tree grew:
// every 50 ms it reads the process table, and at the end it prints the
// deepest line of descent it saw (each process under its parent).
//
//	go run ./hack/proctree -- go tool task local:test:integration
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/efortin/vllm-chill/internal/proc"
	"github.com/efortin/vllm-chill/internal/proc/proctest"
)

func main() {
	flag.Usage = func() { fmt.Fprintln(os.Stderr, "usage: proctree -- CMD [ARGS]") }
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	cmd := exec.Command(flag.Arg(0), flag.Args()[1:]...)
	cmd.Stdout, cmd.Stderr, cmd.Stdin = os.Stdout, os.Stderr, os.Stdin
	g, err := proc.Start(cmd)
	if err != nil {
		fmt.Fprintln(os.Stderr, "proctree:", err)
		os.Exit(1)
	}
	var deepest []string
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !g.Exited() {
		if procs, err := proctest.List(); err == nil {
			if c := proctest.Chain(procs, os.Getpid()); len(c) > len(deepest) {
				deepest = c
			}
		}
		select {
		case <-g.Done():
		case <-tick.C:
		}
	}
	fmt.Fprintf(os.Stderr, "proctree: depth %d below this process: %s\n", len(deepest), strings.Join(deepest, " > "))
	os.Exit(g.ExitCode())
}
