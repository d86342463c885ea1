package pipeline

import (
	"encoding/xml"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The one rule of every test function of the module: red by default. A run
// in which any part failed makes `dagger call` exit non-zero, with an error
// that names the parts and the failed tests and shows the first lines of
// each; with --allow-failure the function returns its reports instead, and
// `dagger call verdict --reports DIR` applies the same rule to them later.

// FailedTestLines is how many lines of a failed test's output the error shows;
// the whole output is in the reports (logs/<part>.log, <part>-junit.xml).
const FailedTestLines = 8

// maxFailedTests bounds how many failed tests of one part the error lists.
const maxFailedTests = 10

// Outcome is how one part of a run ended and what it left behind.
type Outcome struct {
	// Name is the part as the error names it: unit, integration, merge, or
	// "integration v1.37.2" in a matrix.
	Name string
	// Dir is where the part's reports are inside the returned directory ("" at
	// its root; a version's folder in a matrix).
	Dir string
	// Part is the coverage tool's part (its log is logs/<part>.log in Dir).
	Part Part
	// Failure is the step that failed before the part's command could run
	// (the cluster never came up, the tools did not build); empty when it ran.
	Failure string
	// ExitCode is the part's command's exit code when it ran.
	ExitCode int
	// Output is what it printed.
	Output string
	// JUnit is its JUnit report; nil when there is none.
	JUnit []byte
}

// Passed says whether the part ran and exited 0.
func (o Outcome) Passed() bool { return o.Failure == "" && o.ExitCode == 0 }

// logPath is where the part's full log is in the reports.
func (o Outcome) logPath() string {
	if o.Dir == "" {
		return PartLogPath(o.Part)
	}
	return o.Dir + "/" + PartLogPath(o.Part)
}

// RedError is a run in which a part failed.
type RedError struct {
	Function string // the CLI name, e.g. coverage-all
	Failed   []Outcome
	Parts    int // how many parts ran in all
	// ReportsHint is how to get the reports of such a run.
	ReportsHint string
}

// Decide applies the rule for function fn to the parts of one run: nil when
// every part passed, or when allowFailure asks for the reports whatever
// happened; else a *RedError. A merge that failed only because a test part
// did is not listed apart: its summary says the same.
func Decide(fn string, outcomes []Outcome, allowFailure bool) error {
	var failed []Outcome
	testsFailed := slices.ContainsFunc(outcomes, func(o Outcome) bool { return o.Part != PartMerge && !o.Passed() })
	for _, o := range outcomes {
		if o.Passed() || (o.Part == PartMerge && o.Failure == "" && testsFailed) {
			continue
		}
		failed = append(failed, o)
	}
	if len(failed) == 0 || allowFailure {
		return nil
	}
	return &RedError{Function: fn, Failed: failed, Parts: len(outcomes), ReportsHint: reportsHint(fn)}
}

// reportsHint says how to get a failed run's reports from function fn.
func reportsHint(fn string) string {
	if fn == "verdict" {
		return ""
	}
	return "`dagger call " + fn + " --allow-failure export --path reports` keeps them whatever the result"
}

func (e *RedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d of %d parts failed", e.Function, len(e.Failed), e.Parts)
	if e.ReportsHint != "" {
		b.WriteString(" (full logs are in the reports: " + e.ReportsHint + ")")
	}
	for _, o := range e.Failed {
		b.WriteString("\n\n" + describe(o))
	}
	return b.String()
}

// describe is one failed part: why, the failed tests with their first lines,
// and where the full log is.
func describe(o Outcome) string {
	var b strings.Builder
	if o.Failure != "" {
		fmt.Fprintf(&b, "%s: did not run: %s", o.Name, firstLines(o.Failure, FailedTestLines*2))
		return b.String()
	}
	tests, err := FailedTests(o.JUnit)
	switch {
	case err != nil:
		fmt.Fprintf(&b, "%s: exit code %d; its JUnit report is unreadable (%v)", o.Name, o.ExitCode, err)
	case len(tests) == 0:
		// A build failure or a crash: no test case says why, the end of the
		// output does.
		fmt.Fprintf(&b, "%s: exit code %d, no failed test case in its JUnit report; the last lines of its output:\n%s",
			o.Name, o.ExitCode, indent(lastLines(o.Output, FailedTestLines*2)))
	default:
		fmt.Fprintf(&b, "%s: exit code %d, %d failed:", o.Name, o.ExitCode, len(tests))
		for i, t := range tests {
			if i == maxFailedTests {
				fmt.Fprintf(&b, "\n  ... and %d more", len(tests)-maxFailedTests)
				break
			}
			fmt.Fprintf(&b, "\n  --- FAIL: %s", t.Name)
			if t.Output != "" {
				b.WriteString("\n" + indent(indent(firstLines(t.Output, FailedTestLines))))
			}
		}
	}
	fmt.Fprintf(&b, "\n  full log: %s", o.logPath())
	return b.String()
}

// FailedTest is a failed test case of a JUnit report.
type FailedTest struct {
	Name   string // package and test, e.g. "pkg/catalog TestDecode/empty"
	Output string // the failure's text: what the test printed
}

// FailedTests lists the failed cases of a gotestsum JUnit report, in order.
func FailedTests(junit []byte) ([]FailedTest, error) {
	if len(junit) == 0 {
		return nil, nil
	}
	type body struct {
		Message string `xml:"message,attr"`
		Text    string `xml:",chardata"`
	}
	var doc struct {
		Suites []struct {
			Cases []struct {
				Class   string `xml:"classname,attr"`
				Name    string `xml:"name,attr"`
				Failure *body  `xml:"failure"`
				Error   *body  `xml:"error"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(junit, &doc); err != nil {
		return nil, fmt.Errorf("parse JUnit report: %w", err)
	}
	var out []FailedTest
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			f := c.Failure
			if f == nil {
				f = c.Error
			}
			if f == nil {
				continue
			}
			text := strings.TrimSpace(f.Text)
			if text == "" {
				text = f.Message
			}
			name := strings.TrimSpace(c.Class + " " + c.Name)
			out = append(out, FailedTest{Name: name, Output: text})
		}
	}
	return out, nil
}

// OutcomeFromLog rebuilds a part's outcome from the reports it left: its
// log (PartLog: the exit code on the first line) and its JUnit report. A
// part that never ran logged exit code -1 and the failed step.
func OutcomeFromLog(name, dir string, part Part, log string, junit []byte) (Outcome, error) {
	first, rest, _ := strings.Cut(log, "\n")
	code, ok := strings.CutPrefix(first, string(part)+": exit code ")
	n, err := strconv.Atoi(code)
	if !ok || err != nil {
		return Outcome{}, fmt.Errorf("%s: first line %q is not %q", PartLogPath(part), first, string(part)+": exit code N")
	}
	o := Outcome{Name: name, Dir: dir, Part: part, ExitCode: n, Output: rest, JUnit: junit}
	if n == -1 {
		o.Failure = strings.TrimSpace(rest)
	}
	return o, nil
}

func firstLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append(lines[:n], fmt.Sprintf("... (%d more lines)", len(lines)-n))
	}
	return strings.Join(lines, "\n")
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("... (%d lines before)", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

func indent(s string) string { return "  " + strings.ReplaceAll(s, "\n", "\n  ") }

// The module's test functions by CLI name, and the parts each runs: the
// table Decide is tested against, and the names the module passes it.
const (
	FnTestUnit                = "test-unit"
	FnTestIntegration         = "test-integration"
	FnTestIntegrationCoverage = "test-integration-coverage"
	FnTestAll                 = "test-all"
	FnCoverageAll             = "coverage-all"
	FnTestMatrix              = "test-matrix"
	FnVerdict                 = "verdict"
)

// FunctionParts lists the parts of each test function (a matrix runs one
// integration part per version).
var FunctionParts = map[string][]Part{
	FnTestUnit:                {PartUnit},
	FnTestIntegration:         {PartIntegration},
	FnTestIntegrationCoverage: {PartIntegration},
	FnTestAll:                 {PartUnit, PartIntegration},
	FnCoverageAll:             {PartUnit, PartIntegration, PartMerge},
	FnTestMatrix:              {PartIntegration},
}

// JUnitPath is where a part's JUnit report is inside a report directory.
func JUnitPath(part Part) string { return string(part) + "-junit.xml" }

// OutcomesFromReports rebuilds the outcomes of the run that left files
// (report-relative slash paths and their contents; the logs and JUnit
// reports suffice): one per logs/<part>.log, at the root or in a matrix's
// version folder.
func OutcomesFromReports(files map[string][]byte) ([]Outcome, error) {
	var logs []string
	for path := range files {
		dir, name, ok := strings.Cut(path, "logs/")
		if ok && strings.HasSuffix(name, ".log") && !strings.Contains(name, "/") && (dir == "" || strings.Count(dir, "/") == 1) {
			logs = append(logs, path)
		}
	}
	if len(logs) == 0 {
		return nil, fmt.Errorf("no logs/<part>.log in the reports: export them from a test function run with --allow-failure")
	}
	slices.Sort(logs)
	var out []Outcome
	for _, path := range logs {
		dir, name, _ := strings.Cut(path, "logs/")
		dir = strings.TrimSuffix(dir, "/")
		part := Part(strings.TrimSuffix(name, ".log"))
		label := string(part)
		junit := JUnitPath(part)
		if dir != "" {
			label += " " + dir
			junit = dir + "/" + junit
		}
		o, err := OutcomeFromLog(label, dir, part, string(files[path]), files[junit])
		if err != nil {
			return nil, fmt.Errorf("reports: %w", err)
		}
		out = append(out, o)
	}
	return out, nil
}
