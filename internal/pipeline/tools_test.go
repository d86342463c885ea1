package pipeline

import (
	"slices"
	"testing"
)

// TestToolCommandsRunWhatPrepareBuilds: the commands the module runs are
// the binaries its prepare step builds into ToolsDir.
func TestToolCommandsRunWhatPrepareBuilds(t *testing.T) {
	prep := PrepareArgs()
	if len(prep) != 2 || !slices.Equal(prep[0], []string{"go", "mod", "download"}) {
		t.Fatalf("PrepareArgs = %q: want go mod download, then the build", prep)
	}
	built := map[string]bool{}
	for _, tool := range Tools {
		if !slices.Contains(prep[1], "./cmd/"+tool) {
			t.Errorf("the build %q does not build %s", prep[1], tool)
		}
		built[ToolsDir+"/"+tool] = true
	}
	for _, cmd := range [][]string{CoverageArgs(PartUnit, "/r"), BootstrapArgs("/k", "c", "wait")} {
		if !built[cmd[0]] {
			t.Errorf("%q runs %s, which the prepare step does not build", cmd, cmd[0])
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
