package coverage

import (
	"flag"
	"os"
	"path/filepath"

	"github.com/efortin/vllm-chill/internal/contract"
	"github.com/efortin/vllm-chill/internal/repo"
)

// BuildFlags are the go flags that make a test or a binary count toward the
// same profiles as the test parts: atomic mode (modes must not clash in a
// merge) over every package of module.
func BuildFlags(module string) []string {
	return []string{"-cover", "-covermode=atomic", "-coverpkg=" + module + "/..."}
}

// BinaryDir is where a -cover binary started by the running test must write
// its data, or "" when the test does not measure coverage. The test binary's
// own -test.gocoverdir comes first, so the data lands next to the test's:
// `go test -coverprofile` points GOCOVERDIR at a temp dir it throws away.
func BinaryDir() string {
	if f := flag.Lookup("test.gocoverdir"); f != nil && f.Value.String() != "" {
		if abs, err := filepath.Abs(f.Value.String()); err == nil {
			return abs
		}
	}
	return os.Getenv("GOCOVERDIR")
}

// TestBinaries is where a test builds the commands it drives (name names the
// test), and the go build flags that make them measure coverage when the
// test does. Covered builds get a directory of their own, so neither kind
// replaces the other and an unchanged binary is not linked again.
func TestBinaries(name string) (dir string, buildFlags []string, err error) {
	if BinaryDir() != "" {
		name, buildFlags = name+"-cover", BuildFlags(contract.Module)
	}
	dir, err = repo.TestBinDir(name)
	return dir, buildFlags, err
}
