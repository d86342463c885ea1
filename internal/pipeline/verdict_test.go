package pipeline

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// junitWith is a gotestsum-shaped JUnit report with one passing test and
// the given failed ones (name -> output).
func junitWith(failed map[string]string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<testsuites>\n" + `<testsuite name="github.com/efortin/vllm-chill/pkg/catalog" tests="3">` + "\n")
	b.WriteString(`<testcase classname="github.com/efortin/vllm-chill/pkg/catalog" name="TestOK" time="0.01"></testcase>` + "\n")
	names := make([]string, 0, len(failed))
	for n := range failed {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintf(&b, `<testcase classname="github.com/efortin/vllm-chill/pkg/catalog" name="%s" time="0.02"><failure message="Failed" type="">%s</failure></testcase>`+"\n", n, failed[n])
	}
	b.WriteString("</testsuite>\n</testsuites>\n")
	return []byte(b.String())
}

func green(p Part) Outcome {
	return Outcome{Name: string(p), Part: p, ExitCode: 0, JUnit: junitWith(nil)}
}

// scenario breaks one part of a green run.
type scenario struct {
	name   string
	part   Part
	break_ func(*Outcome)
	want   []string // in the error
}

var scenarios = []scenario{
	{"a failing unit part", PartUnit, func(o *Outcome) {
		o.ExitCode, o.Output = 1, "=== RUN TestDecode\n--- FAIL: TestDecode\nFAIL\n"
		o.JUnit = junitWith(map[string]string{"TestDecode": "=== RUN   TestDecode\n    decode_test.go:12: spec.dtype: got &#34;fp8&#34;, want an error"})
	}, []string{"unit: exit code 1, 1 failed:", "--- FAIL: github.com/efortin/vllm-chill/pkg/catalog TestDecode", `decode_test.go:12: spec.dtype: got "fp8", want an error`, "full log: logs/unit.log"}},
	{"a failing integration part", PartIntegration, func(o *Outcome) {
		o.ExitCode = 1
		o.JUnit = junitWith(map[string]string{"TestApply/qwen3-coder": strings.Repeat("line\n", 20) + "apply_test.go:40: not Established"})
	}, []string{"integration: exit code 1, 1 failed:", "TestApply/qwen3-coder", "... (13 more lines)", "full log: logs/integration.log"}},
	{"a failed merge", PartMerge, func(o *Outcome) {
		o.ExitCode, o.JUnit = 1, nil
		o.Output = "merge: go tool covdata merge: counter mode clash\nresult: FAIL\n"
	}, []string{"merge: exit code 1, no failed test case in its JUnit report; the last lines of its output:", "counter mode clash", "full log: logs/merge.log"}},
	{"a cluster that never came up", PartIntegration, func(o *Outcome) {
		o.ExitCode, o.JUnit = -1, nil
		o.Failure = "wait for the k3s API server: /usr/local/bin/vllm-bootstrap exited with code 1\n--- stderr ---\nbootstrap: wait: API server https://k3s:6443 not ready after 2m0s: connection refused"
	}, []string{"integration: did not run: wait for the k3s API server", "not ready after 2m0s"}},
}

// TestDecideEveryFunction applies the rule to every test function of the
// module: green returns the reports; each way a part of the function can
// fail makes the call fail, naming the part, the tests and the log; with
// allowFailure the reports come back whatever happened.
func TestDecideEveryFunction(t *testing.T) {
	for fn, parts := range FunctionParts {
		run := make([]Outcome, len(parts))
		for i, p := range parts {
			run[i] = green(p)
		}
		if err := Decide(fn, run, false); err != nil {
			t.Errorf("%s, green: %v", fn, err)
		}
		for _, sc := range scenarios {
			i := slices.Index(parts, sc.part)
			if i < 0 {
				continue
			}
			t.Run(fn+"/"+sc.name, func(t *testing.T) {
				broken := slices.Clone(run)
				sc.break_(&broken[i])
				err := Decide(fn, broken, false)
				var red *RedError
				if !errors.As(err, &red) {
					t.Fatalf("err = %v, want a *RedError: a red run must fail the call", err)
				}
				msg := err.Error()
				for _, w := range append(sc.want, fn+": 1 of "+fmt.Sprint(len(parts))+" parts failed", "dagger call "+fn+" --allow-failure export") {
					if !strings.Contains(msg, w) {
						t.Errorf("error lacks %q:\n%s", w, msg)
					}
				}
				if err := Decide(fn, broken, true); err != nil {
					t.Errorf("allowFailure: %v, want the reports", err)
				}
			})
		}
	}
}

// TestMergeFollowingAFailedPartIsNotListed: the coverage tool's merge exits 1
// whenever a part failed; the error names the part once, not the merge too.
func TestMergeFollowingAFailedPartIsNotListed(t *testing.T) {
	unit, merge := green(PartUnit), green(PartMerge)
	unit.ExitCode, unit.JUnit = 1, junitWith(map[string]string{"TestX": "boom"})
	merge.ExitCode = 1
	err := Decide(FnCoverageAll, []Outcome{unit, green(PartIntegration), merge}, false)
	if err == nil || strings.Contains(err.Error(), "merge:") || !strings.Contains(err.Error(), "1 of 3 parts failed") {
		t.Errorf("err = %v, want only the unit part", err)
	}
}

func TestManyFailedTestsAreBounded(t *testing.T) {
	failed := map[string]string{}
	for i := range maxFailedTests + 3 {
		failed[fmt.Sprintf("Test%02d", i)] = "x"
	}
	unit := green(PartUnit)
	unit.ExitCode, unit.JUnit = 1, junitWith(failed)
	err := Decide(FnTestUnit, []Outcome{unit}, false)
	if err == nil || !strings.Contains(err.Error(), "... and 3 more") || strings.Contains(err.Error(), "Test12") {
		t.Errorf("err = %v, want %d tests then '... and 3 more'", err, maxFailedTests)
	}
}

// TestOutcomeFromLog: the verdict of exported reports is rebuilt from the
// same logs the functions write.
func TestOutcomeFromLog(t *testing.T) {
	o, err := OutcomeFromLog("unit", "", PartUnit, PartLog(PartUnit, 1, "FAIL pkg\n"), junitWith(map[string]string{"TestX": "boom"}))
	if err != nil || o.Passed() || o.ExitCode != 1 || o.Output != "FAIL pkg\n" {
		t.Errorf("got %+v, %v", o, err)
	}
	o, err = OutcomeFromLog("integration", "v1.37.2", PartIntegration, PartLog(PartIntegration, -1, "start k3s: pull failed\n"), nil)
	if err != nil || o.Failure != "start k3s: pull failed" || o.logPath() != "v1.37.2/logs/integration.log" {
		t.Errorf("never ran: got %+v, %v", o, err)
	}
	if _, err := OutcomeFromLog("unit", "", PartUnit, "garbage\n", nil); err == nil || !strings.Contains(err.Error(), "logs/unit.log") {
		t.Errorf("a log without the exit code line: err = %v, want it named", err)
	}
}

// TestVerdictOfExportedReports: reports exported from a red run, read back,
// fail with the same names; from a green one they pass.
func TestVerdictOfExportedReports(t *testing.T) {
	files := map[string][]byte{
		"logs/unit.log":           []byte(PartLog(PartUnit, 1, "FAIL\n")),
		"unit-junit.xml":          junitWith(map[string]string{"TestDecode": "decode_test.go:12: boom"}),
		"logs/integration.log":    []byte(PartLog(PartIntegration, 0, "ok\n")),
		"integration-junit.xml":   junitWith(nil),
		"logs/merge.log":          []byte(PartLog(PartMerge, 1, "result: FAIL\n")),
		"summary.txt":             []byte("result: FAIL\n"),
		"raw/unit/covmeta.abc":    []byte("x"),
		"v1.37.2/logs/other.txt":  []byte("not a part log"),
		"combined-coverage.html":  []byte("<html>"),
		"logs/unit.log.orig/nope": []byte("x"),
	}
	outcomes, err := OutcomesFromReports(files)
	if err != nil {
		t.Fatal(err)
	}
	if len(outcomes) != 3 {
		t.Fatalf("outcomes = %+v, want unit, integration, merge", outcomes)
	}
	err = Decide(FnVerdict, outcomes, false)
	if err == nil || !strings.Contains(err.Error(), "TestDecode") || !strings.Contains(err.Error(), "verdict: 1 of 3 parts failed") {
		t.Errorf("err = %v", err)
	}
	matrix := map[string][]byte{
		"v1.37.2/logs/integration.log":  []byte(PartLog(PartIntegration, 0, "ok\n")),
		"v1.37.2/integration-junit.xml": junitWith(nil),
		"v1.36.1/logs/integration.log":  []byte(PartLog(PartIntegration, -1, "start k3s rancher/k3s:v1.36.1-k3s1: pull failed\n")),
	}
	outcomes, err = OutcomesFromReports(matrix)
	if err != nil {
		t.Fatal(err)
	}
	err = Decide(FnVerdict, outcomes, false)
	if err == nil || !strings.Contains(err.Error(), "integration v1.36.1: did not run: start k3s") {
		t.Errorf("matrix: err = %v", err)
	}
	if _, err := OutcomesFromReports(map[string][]byte{"summary.txt": nil}); err == nil {
		t.Error("reports without logs: want an error saying how to get them")
	}
}
