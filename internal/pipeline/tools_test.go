package pipeline

import (
	"slices"
	"testing"
)

func TestToolCommands(t *testing.T) {
	if got, want := CoverageArgs(PartIntegration, "/reports"), []string{"/usr/local/bin/vllm-coverage", "integration", "--out", "/reports"}; !slices.Equal(got, want) {
		t.Errorf("CoverageArgs = %q, want %q", got, want)
	}
	if got, want := BootstrapArgs("/kube/config", "vllm-k3s", "install-crds", "manifests/crds"),
		[]string{"/usr/local/bin/vllm-bootstrap", "--kubeconfig", "/kube/config", "--context", "vllm-k3s", "install-crds", "manifests/crds"}; !slices.Equal(got, want) {
		t.Errorf("BootstrapArgs = %q, want %q", got, want)
	}
	// The tools the commands above run are the ones the prepare step builds.
	prep := PrepareArgs()
	if len(prep) != 2 || !slices.Equal(prep[0], []string{"go", "mod", "download"}) {
		t.Fatalf("PrepareArgs = %q: want go mod download, then the build", prep)
	}
	for _, tool := range Tools {
		if !slices.Contains(prep[1], "./cmd/"+tool) {
			t.Errorf("the build %q does not build %s", prep[1], tool)
		}
	}
}

func TestTestEnv(t *testing.T) {
	cases := []struct {
		name, kube, run string
		want            []EnvVar
	}{
		{"unit, no filter", "", "", []EnvVar{{RunNonceEnv, "n"}}},
		{"unit, filter", "", "TestX", []EnvVar{{"VLLM_TEST_RUN", "TestX"}, {RunNonceEnv, "n"}}},
		{"integration", "/k", "TestY", []EnvVar{{"KUBECONFIG", "/k"}, {"VLLM_KUBE_CONTEXT", "vllm-k3s"}, {"VLLM_TEST_RUN", "TestY"}, {RunNonceEnv, "n"}}},
	}
	for _, tc := range cases {
		if got := TestEnv(tc.kube, tc.run, "n"); !slices.Equal(got, tc.want) {
			t.Errorf("%s: TestEnv = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestPartLog(t *testing.T) {
	if got := PartLog(PartUnit, 1, "FAIL x\n"); got != "unit: exit code 1\nFAIL x\n" {
		t.Errorf("PartLog = %q", got)
	}
	if got := PartLogPath(PartMerge); got != "logs/merge.log" {
		t.Errorf("PartLogPath = %q", got)
	}
}
