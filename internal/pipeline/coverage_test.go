package pipeline

import (
	"slices"
	"testing"
)

func TestCoverageArgs(t *testing.T) {
	got := CoverageArgs(PartIntegration, "/reports")
	want := []string{"go", "run", "./cmd/vllm-coverage", "integration", "--out", "/reports"}
	if !slices.Equal(got, want) {
		t.Errorf("CoverageArgs = %q, want %q", got, want)
	}
}

func TestBootstrapArgs(t *testing.T) {
	got := BootstrapArgs("/kube/config", "vllm-k3s", "install-crds", "manifests/crds")
	want := []string{"go", "run", "./cmd/vllm-bootstrap", "--kubeconfig", "/kube/config", "--context", "vllm-k3s", "install-crds", "manifests/crds"}
	if !slices.Equal(got, want) {
		t.Errorf("BootstrapArgs = %q, want %q", got, want)
	}
}

func TestTestEnv(t *testing.T) {
	cases := []struct {
		name, kube, run string
		want            []EnvVar
	}{
		{"unit, no filter", "", "", nil},
		{"unit, filter", "", "TestX", []EnvVar{{EnvTestRun, "TestX"}}},
		{"integration", "/k", "TestY", []EnvVar{{EnvKubeconfig, "/k"}, {EnvKubeContext, "vllm-k3s"}, {EnvTestRun, "TestY"}}},
	}
	for _, tc := range cases {
		if got := TestEnv(tc.kube, "vllm-k3s", tc.run); !slices.Equal(got, tc.want) {
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
