package coverage

import (
	"os"
	"path/filepath"
	"testing"
)

func TestCountJUnit(t *testing.T) {
	dir := t.TempDir()
	report := filepath.Join(dir, "unit-junit.xml")
	xml := `<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="4" failures="1" errors="0">
  <testsuite tests="3" failures="1" name="a">
    <testcase classname="a" name="TestOK"></testcase>
    <testcase classname="a" name="TestBad"><failure message="Failed">boom</failure></testcase>
    <testcase classname="a" name="TestLater"><skipped message="later"></skipped></testcase>
  </testsuite>
  <testsuite tests="1" failures="0" name="b">
    <testcase classname="b" name="TestOK2"></testcase>
  </testsuite>
</testsuites>`
	if err := os.WriteFile(report, []byte(xml), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := CountJUnit(report)
	if err != nil {
		t.Fatal(err)
	}
	if want := (Counts{Passed: 2, Failed: 1, Skipped: 1}); got != want {
		t.Fatalf("CountJUnit = %+v, want %+v", got, want)
	}
	if s := got.Add(Counts{Passed: 1}).String(); s != "3 passed, 1 failed, 1 skipped" {
		t.Fatalf("String = %q", s)
	}
	if c, err := CountJUnit(filepath.Join(dir, "absent.xml")); err != nil || c != (Counts{}) {
		t.Fatalf("absent report: %+v, %v; want zero counts and no error", c, err)
	}
	if err := os.WriteFile(report, []byte("<testsuites"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := CountJUnit(report); err == nil {
		t.Fatal("a truncated report must be an error naming it")
	}
}
