package pipeline

import (
	"fmt"
	"strings"
	"testing"
)

func TestStepErrorCarriesTheOutput(t *testing.T) {
	e := &StepError{Step: "wait for the k3s API server", Cmd: []string{"/usr/local/bin/vllm-bootstrap", "wait"}, ExitCode: 1,
		Stdout: "bootstrap: waiting\n", Stderr: "timed out after 60s waiting for API server https://k3s:6443/readyz\n"}
	got := e.Error()
	for _, want := range []string{"wait for the k3s API server: /usr/local/bin/vllm-bootstrap exited with code 1",
		"--- stderr ---\ntimed out after 60s", "--- stdout ---\nbootstrap: waiting"} {
		if !strings.Contains(got, want) {
			t.Errorf("error lacks %q:\n%s", want, got)
		}
	}
	if strings.Index(got, "stderr") > strings.Index(got, "stdout") {
		t.Errorf("stderr (the why) must come before stdout:\n%s", got)
	}
}

func TestStepErrorKeepsTheLastLines(t *testing.T) {
	var b strings.Builder
	for i := 1; i <= OutputLines+10; i++ {
		fmt.Fprintf(&b, "line %d\n", i)
	}
	got := (&StepError{Step: "unit tests", Cmd: []string{"vllm-coverage"}, ExitCode: 1, Stdout: b.String()}).Error()
	if strings.Contains(got, "line 10\n") || !strings.Contains(got, fmt.Sprintf("line %d", OutputLines+10)) {
		t.Errorf("want the last %d lines only:\n%s", OutputLines, got)
	}
	if !strings.Contains(got, fmt.Sprintf("last %d of %d lines", OutputLines, OutputLines+10)) {
		t.Errorf("a cut output must say so:\n%s", got)
	}
}

func TestStepErrorWithoutCommand(t *testing.T) {
	got := (&StepError{Step: "start k3s rancher/k3s:v1.37.2-k3s1", Detail: "service did not become healthy"}).Error()
	if got != "start k3s rancher/k3s:v1.37.2-k3s1: service did not become healthy" {
		t.Errorf("Error() = %q", got)
	}
}
