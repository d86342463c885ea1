package daggercheck

import (
	"strings"
	"testing"

	"github.com/efortin/vllm-chill/internal/repo"
)

// TestCheckACall reads the repository's module and the SDK once, then checks
// calls a user could write, right and wrong.
func TestCheckACall(t *testing.T) {
	root, err := repo.Root()
	if err != nil {
		t.Fatal(err)
	}
	_, _, cli, err := loadCLI(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		call string
		want string // "" when the CLI would take it
	}{
		{"test-integration --run TestApply", ""},
		{"--run-id dev cluster up --ports 6443:6443", ""},
		{"--run-id=dev kubeconfig --server https://127.0.0.1:6443 export --path kubeconfig", ""},
		{"-v --progress plain coverage-all export --path coverage --wipe", ""},
		{"{{.DAGGER_OPTS}} test-all {{.CLI_ARGS}}", ""},
		{"test-matrix --versions v1.37.2,v1.36.9", ""},
		{"test-integration --k3s-image x", `test-integration has no flag --k3s-image`},
		{"--k-3-s-image x test-unit", `no flag --k-3-s-image before the function name`},
		{"cluster down", `Service has no function "down"`},
		{"coverage-all export --path coverage --wipe-out", `export has no flag --wipe-out`},
		{"install-crd contents", `"contents" follows a function whose result has no functions`},
		{"k3s up", `the module has no function "k3s"`},
	} {
		got := strings.Join(cli.Check(strings.Fields(tc.call)), "; ")
		if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("dagger call %s: got %q, want %q", tc.call, got, tc.want)
		}
	}
	if got := strings.Join(cli.Checks, ","); got != "test-integration,test-unit" {
		t.Errorf("checks = %s, want test-integration,test-unit (functions marked +check)", got)
	}
}
