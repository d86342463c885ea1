// Command vllm-bootstrap prepares a Kubernetes API server for the
// vllm-chill tests through an explicitly named kubeconfig context: it waits
// for readiness, installs the CRDs, ensures a namespace and applies the
// reference models. Local control plane, k3d and Dagger/k3s all call it.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// Ctrl-C and SIGTERM cancel the context, which ends any wait at once
	// with a message saying what was awaited.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
