// Command vllm-build builds what the local path runs, once, and says what it
// does while it does it: the control-plane binaries into the per-user cache
// (internal/cpbuild), and the project's commands. It imports little beyond
// the standard library, so on a fresh machine it compiles in seconds and
// starts talking before the long builds begin.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// Ctrl-C or SIGTERM stops a build (go and its compilers); a build folder
	// left behind is removed by the next build.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
