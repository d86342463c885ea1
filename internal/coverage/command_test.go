package coverage

import (
	"context"
	"io"
	"strings"
	"testing"
)

// IntegrationPackages widens the integration part (the local path adds the
// packages that start their own control plane); without it the part runs
// only the suite, as inside Dagger.
func TestIntegrationPackages(t *testing.T) {
	t.Setenv("KUBECONFIG", "/dev/null")
	t.Setenv("VLLM_KUBE_CONTEXT", "ctx")
	for _, tc := range []struct {
		pkgs []string
		want string
	}{
		{nil, " ./test -args "},
		{[]string{"./test", "./internal/controlplane/..."}, " ./test ./internal/controlplane/... -args "},
	} {
		o := Options{Out: t.TempDir(), Module: "example.com/m", Gotestsum: []string{"true"}, IntegrationPackages: tc.pkgs, Stdout: io.Discard, Stderr: io.Discard}
		if err := Run(context.Background(), o, "integration"); err != nil {
			t.Fatalf("Run(integration, %v) = %v", tc.pkgs, err)
		}
		if got := readResult(o, "integration").Command; !strings.Contains(got, tc.want) || !strings.Contains(got, "-tags integration") {
			t.Errorf("packages %v: command %q, want packages %q with -tags integration", tc.pkgs, got, tc.want)
		}
	}
}
