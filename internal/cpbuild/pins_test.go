package cpbuild

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"

	"github.com/efortin/vllm-chill/internal/contract"
)

func TestKeyAndPins(t *testing.T) {
	pins, err := ReadPins(repoRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	if pins.Kubernetes != contract.KubernetesVersion || pins.Etcd != contract.EtcdVersion || len(pins.Hash) != 8 {
		t.Errorf("pins = %+v, want Kubernetes %s, etcd %s and an 8-digit hash", pins, contract.KubernetesVersion, contract.EtcdVersion)
	}
	// A comment does not change the hash; a dependency version does.
	copyRoot := t.TempDir()
	for _, d := range []string{PinsDir, EtcdPinsDir} {
		for _, f := range []string{"go.mod", "go.sum"} {
			data, err := os.ReadFile(filepath.Join(repoRoot(t), d, f))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Join(copyRoot, d), 0o755); err != nil {
				t.Fatal(err)
			}
			if d == PinsDir && f == "go.mod" {
				data = append([]byte("// a new comment\n"), data...)
			}
			if err := os.WriteFile(filepath.Join(copyRoot, d, f), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if commented, err := ReadPins(copyRoot); err != nil || commented != pins {
		t.Errorf("pins with a comment added = %+v, %v; want %+v", commented, err, pins)
	}
	mod := filepath.Join(copyRoot, PinsDir, "go.mod")
	data, _ := os.ReadFile(mod)
	if err := os.WriteFile(mod, []byte(strings.Replace(string(data), "google.golang.org/grpc v1.", "google.golang.org/grpc v1.9", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if bumped, err := ReadPins(copyRoot); err != nil || bumped.Hash == pins.Hash {
		t.Errorf("pins with another grpc = %+v, %v; want another hash than %s", bumped, err, pins.Hash)
	}

	got := Key(Pins{Kubernetes: "v1.37.2", Etcd: "v3.6.16", Hash: "0a1b2c3d"}, Toolchain{"go1.26.8", "linux", "amd64"})
	if want := "k8s-v1.37.2_etcd-v3.6.16_linux-amd64_go1.26.8_pins-0a1b2c3d"; got != want {
		t.Errorf("Key = %s, want %s", got, want)
	}
}

// TestWorkflowCachesTheBinaryCache: the workflow's go job restores the
// folder CacheRoot is on a Linux runner (no XDG_CACHE_HOME there), keyed by
// every file that goes into the pins' hash and by the Go version, as Key is.
func TestWorkflowCachesTheBinaryCache(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot(t), ".github", "workflows", "ci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("HOME", "/home/runner")
	if root, err := CacheRoot(); err != nil || (runtime.GOOS == "linux" && root != "/home/runner/.cache/vllm-chill/controlplane") {
		t.Fatalf("CacheRoot on a Linux runner = %q, %v", root, err)
	}
	wf := string(data)
	if !strings.Contains(wf, "path: ~/.cache/vllm-chill/controlplane\n") {
		t.Errorf("ci.yml does not cache ~/.cache/vllm-chill/controlplane")
	}
	var files []string
	for _, d := range []string{PinsDir, EtcdPinsDir} {
		files = append(files, "'"+d+"/go.mod'", "'"+d+"/go.sum'")
	}
	if key := "-go${{ steps.go.outputs.go-version }}-${{ hashFiles(" + strings.Join(files, ", ") + ") }}"; !strings.Contains(wf, key) {
		t.Errorf("ci.yml's cache key lacks %s", key)
	}
}

// TestPinsShareVersionsWithTheRootModule: every module that the root module
// and tools/controlplane both require is at one version in both (a replace
// counts as its target). A package compiled for kube-apiserver is then the
// same build as the one the project's commands and tests need, and Go
// compiles it once: 669 packages, 42 MB of source, on 2026-12-04.
func TestPinsShareVersionsWithTheRootModule(t *testing.T) {
	versions := func(file string) map[string]string {
		data, err := os.ReadFile(filepath.Join(repoRoot(t), file))
		if err != nil {
			t.Fatal(err)
		}
		f, err := modfile.Parse(file, data, nil) // ParseLax would drop the replaces
		if err != nil {
			t.Fatal(err)
		}
		v := map[string]string{}
		for _, r := range f.Require {
			v[r.Mod.Path] = r.Mod.Version
		}
		for _, r := range f.Replace {
			if r.New.Version != "" {
				v[r.Old.Path] = r.New.Version
			}
		}
		return v
	}
	root, pins := versions("go.mod"), versions(filepath.Join(PinsDir, "go.mod"))
	shared := 0
	for m, rv := range root {
		pv, ok := pins[m]
		if !ok {
			continue
		}
		shared++
		if rv != pv {
			t.Errorf("%s: go.mod has %s, %s/go.mod %s: raise the lower one (go get %s@HIGHER; go mod tidy, in that module) so that Go compiles the packages they share once", m, rv, PinsDir, pv, m)
		}
	}
	if shared < 50 {
		t.Errorf("only %d modules in both go.mod files: the check reads the wrong files", shared)
	}
}
