package coverage

import (
	"flag"
	"os"
	"path/filepath"
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
