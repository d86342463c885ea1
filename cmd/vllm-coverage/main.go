// Command vllm-coverage runs the unit and integration tests with coverage and
// merges them into one report; see internal/coverage.
//
//	go run ./cmd/vllm-coverage all --out coverage
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/efortin/vllm-chill/internal/coverage"
)

func main() {
	// Ctrl-C or SIGTERM stops the running tests (their whole process group).
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := coverage.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
