package coverage

import (
	"encoding/xml"
	"fmt"
	"os"
)

// Counts is how many test cases (subtests included) a JUnit report holds.
type Counts struct{ Passed, Failed, Skipped int }

// Add sums two counts.
func (c Counts) Add(o Counts) Counts {
	return Counts{c.Passed + o.Passed, c.Failed + o.Failed, c.Skipped + o.Skipped}
}

// String is the plain closing line test runners print: "N passed, N failed, N skipped".
func (c Counts) String() string {
	return fmt.Sprintf("%d passed, %d failed, %d skipped", c.Passed, c.Failed, c.Skipped)
}

// junitCase is the part of gotestsum's <testcase> that decides its outcome.
type junitCase struct {
	Failure *struct{} `xml:"failure"`
	Error   *struct{} `xml:"error"`
	Skipped *struct{} `xml:"skipped"`
}

// CountJUnit reads a gotestsum JUnit report. A missing report counts as
// nothing ran, which the part's own result already reports as a failure.
func CountJUnit(path string) (Counts, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return Counts{}, nil
	}
	if err != nil {
		return Counts{}, fmt.Errorf("read JUnit report: %w", err)
	}
	var doc struct {
		Suites []struct {
			Cases []junitCase `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		return Counts{}, fmt.Errorf("parse JUnit report %s: %w", path, err)
	}
	var c Counts
	for _, s := range doc.Suites {
		for _, tc := range s.Cases {
			switch {
			case tc.Failure != nil || tc.Error != nil:
				c.Failed++
			case tc.Skipped != nil:
				c.Skipped++
			default:
				c.Passed++
			}
		}
	}
	return c, nil
}
