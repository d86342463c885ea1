package coverage

import "path/filepath"

// Layout is the one definition of what the coverage tool writes where,
// inside its output directory:
//
//	<part>-junit.xml, <part>-result.json, <part>-coverage.out   per part (unit, integration)
//	combined-coverage.out, combined-coverage.html,
//	combined-coverage-func.txt, summary.txt                     after the merge
//	raw/<part>/          GOCOVERDIR data of the part (raw/merged after the merge)
//	raw/<part>-gotest.out, raw/<part>-textfmt.out                intermediate profiles
type Layout struct{ Dir string }

func (l Layout) file(name string) string { return filepath.Join(l.Dir, name) }

// Per part.
func (l Layout) JUnit(part string) string   { return l.file(part + "-junit.xml") }
func (l Layout) Result(part string) string  { return l.file(part + "-result.json") }
func (l Layout) Profile(part string) string { return l.file(part + "-coverage.out") }

// Raw is the GOCOVERDIR of a part ("merged" for the merge's output).
func (l Layout) Raw(part string) string { return filepath.Join(l.Dir, "raw", part) }

// GotestProfile is go test's own text profile of a part. It is kept because
// it lists packages that have no test files at 0%: their test binaries never
// write to -test.gocoverdir (golang/go#73842), so the binary data lacks them.
func (l Layout) GotestProfile(part string) string {
	return filepath.Join(l.Dir, "raw", part+"-gotest.out")
}

// Textfmt is the text form of a part's (or the merge's) binary data.
func (l Layout) Textfmt(part string) string { return filepath.Join(l.Dir, "raw", part+"-textfmt.out") }

// After the merge.
func (l Layout) Combined() string     { return l.file("combined-coverage.out") }
func (l Layout) CombinedHTML() string { return l.file("combined-coverage.html") }
func (l Layout) CombinedFunc() string { return l.file("combined-coverage-func.txt") }
func (l Layout) Summary() string      { return l.file("summary.txt") }
