package contract_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
	"sigs.k8s.io/yaml"

	"github.com/efortin/vllm-chill/internal/contract"
	"github.com/efortin/vllm-chill/internal/daggercheck"
	"github.com/efortin/vllm-chill/internal/pipeline"
)

// root is the repository root, two levels up from this package.
const root = "../.."

func read(t *testing.T, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// requireVersion is the version a go.mod requires of path.
func requireVersion(t *testing.T, rel, path string) string {
	t.Helper()
	f, err := modfile.Parse(rel, read(t, rel), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range f.Require {
		if r.Mod.Path == path {
			return r.Mod.Version
		}
	}
	t.Fatalf("%s does not require %s", rel, path)
	return ""
}

// TestLiteralsMatchTheContract checks every place that must spell a
// contract value as a literal (go.mod pins, dagger.json, pragmas, Taskfile
// vars, the workflow) against the constant.
func TestLiteralsMatchTheContract(t *testing.T) {
	check := func(where, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %q, want %q (internal/contract)", where, got, want)
		}
	}
	check("module path in go.mod", modfile.ModulePath(read(t, "go.mod")), contract.Module)
	check("k8s.io/kubernetes in tools/controlplane/go.mod", requireVersion(t, "tools/controlplane/go.mod", "k8s.io/kubernetes"), contract.KubernetesVersion)
	check("etcd server in tools/controlplane/etcd/go.mod", requireVersion(t, "tools/controlplane/etcd/go.mod", "go.etcd.io/etcd/server/v3"), contract.EtcdVersion)
	if !strings.HasPrefix(contract.K3sImage, "rancher/k3s:"+contract.KubernetesVersion+"-k3s") {
		t.Errorf("K3sImage %s does not run Kubernetes %s", contract.K3sImage, contract.KubernetesVersion)
	}

	// The Go image builds the module in Dagger: its minor must be go.mod's.
	gomod, err := modfile.Parse("go.mod", read(t, "go.mod"), nil)
	if err != nil {
		t.Fatal(err)
	}
	goMinor := strings.Join(strings.Split(gomod.Go.Version, ".")[:2], ".")
	check("go line of go.mod (major.minor)", "golang:"+goMinor, contract.GoImage)

	var dj struct{ EngineVersion string }
	if err := json.Unmarshal(read(t, "dagger.json"), &dj); err != nil {
		t.Fatal(err)
	}
	check("engineVersion in dagger.json", dj.EngineVersion, contract.DaggerVersion)
	for _, m := range regexp.MustCompile(`(?m)^\s+version: "([^"]+)"`).FindAllStringSubmatch(string(read(t, ".github/workflows/ci.yml")), -1) {
		check("dagger-for-github version in .github/workflows/ci.yml", "v"+m[1], contract.DaggerVersion)
	}

	// Dagger pragmas spell the defaults as JSON literals.
	m, err := daggercheck.ReadModule(filepath.Join(root, ".dagger"), "vllm-chill")
	if err != nil {
		t.Fatal(err)
	}
	defaults := map[string]string{}
	for _, a := range m.Objects[m.Main].Constructor.Args {
		defaults["New."+a.GoName] = a.Default
	}
	for _, fn := range []string{"TestMatrix", "Kubeconfig"} {
		for _, a := range m.Objects[m.Main].Function(fn).Args {
			defaults[fn+"."+a.GoName] = a.Default
		}
	}
	check("+default of New's goImage", defaults["New.goImage"], quote(contract.GoImage))
	check("+default of New's clusterImage", defaults["New.clusterImage"], quote(contract.K3sImage))
	check("+default of TestMatrix's versions", defaults["TestMatrix.versions"], "["+quote(contract.KubernetesVersion)+"]")
	check("+default of Kubeconfig's server", defaults["Kubeconfig.server"], quote(pipeline.HostServerURL()))

	// Taskfile vars.
	var k3d struct{ Vars map[string]any }
	if err := yaml.Unmarshal(read(t, "taskfiles/k3d.yml"), &k3d); err != nil {
		t.Fatal(err)
	}
	check("K3D_K3S_IMAGE default in taskfiles/k3d.yml", templateDefault(t, k3d.Vars["K3D_K3S_IMAGE"]), contract.K3sImage)
	var top struct{ Vars map[string]any }
	if err := yaml.Unmarshal(read(t, "Taskfile.yml"), &top); err != nil {
		t.Fatal(err)
	}
	check("k3d- + CLUSTER_NAME default in Taskfile.yml", "k3d-"+templateDefault(t, top.Vars["CLUSTER_NAME"]), contract.ContextK3d)
}

// templateDefault is X in a go-task var '{{.V | default "X"}}'.
func templateDefault(t *testing.T, v any) string {
	t.Helper()
	s, _ := v.(string)
	m := regexp.MustCompile(`default "([^"]*)"`).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("var %q has no default", s)
	}
	return m[1]
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
