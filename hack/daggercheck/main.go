// Command daggercheck type-checks the Dagger module of this repository
// without a Dagger engine; see internal/daggercheck.
//
// Usage: go run ./hack/daggercheck [-keep]   (from the repository root)
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/efortin/vllm-chill/internal/daggercheck"
)

func main() {
	keep := flag.Bool("keep", false, "keep the scratch copy under .cache/daggercheck")
	flag.Parse()
	line, err := daggercheck.TypeCheck(".", *keep)
	if err != nil {
		fmt.Fprintln(os.Stderr, "daggercheck:", err)
		os.Exit(1)
	}
	fmt.Println("daggercheck:", line)
}
