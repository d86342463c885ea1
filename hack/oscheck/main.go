// Command oscheck type-checks this module's packages for macOS without
// compiling them; see internal/oscheck.
//
// Usage: go run ./hack/oscheck -tags integration   (from the repository root)
package main

import (
	"context"
	"os"

	"github.com/efortin/vllm-chill/internal/oscheck"
)

func main() {
	os.Exit(oscheck.Run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}
