// Package cpbuild builds the local control plane's binaries (etcd,
// kube-apiserver and, only when a run asks for controllers,
// kube-controller-manager) from the Go module proxy, once per machine: into a
// per-user cache that every clone and worktree shares,
//
//	os.UserCacheDir()/vllm-chill/controlplane/<key>/bin
//
// where the key names what decides every byte built: the Kubernetes and etcd
// versions, GOOS/GOARCH, the Go version and a hash of the pins
// (tools/controlplane's go.mod and go.sum files), e.g.
// k8s-v1.37.2_etcd-v3.6.16_linux-amd64_go1.26.8_pins-1f2e3d4c.
//
// A binary is trusted when it is in bin/, and it only gets there by a rename:
// each build runs under a file lock, into a fresh build-* folder of the
// entry, and each binary must report its version before it is renamed into
// bin/. A build killed at any point leaves at most a build-* folder, which
// the next build removes. $VLLM_CONTROLPLANE_BIN_DIR replaces the cache with
// a directory of ready binaries: then nothing is built.
package cpbuild

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/efortin/vllm-chill/internal/contract"
)

// The binaries, by their file names.
const (
	Etcd              = "etcd"
	APIServer         = "kube-apiserver"
	ControllerManager = "kube-controller-manager"
)

// Needed is what a control plane runs: etcd and kube-apiserver, and
// kube-controller-manager only with controllers (a test of CRDs needs none).
func Needed(controllers bool) []string {
	if controllers {
		return []string{Etcd, APIServer, ControllerManager}
	}
	return []string{Etcd, APIServer}
}

// PinsDir and EtcdPinsDir are the modules that pin the binaries, relative to
// the repository root: Kubernetes in one, etcd in one of its own (minimal
// version selection would otherwise lift etcd to Kubernetes' v3.7 clients).
const (
	PinsDir     = "tools/controlplane"
	EtcdPinsDir = "tools/controlplane/etcd"
)

// Pins are the versions the pin modules ask for.
type Pins struct {
	Kubernetes string // k8s.io/kubernetes in PinsDir, e.g. v1.37.2
	Etcd       string // go.etcd.io/etcd/server/v3 in EtcdPinsDir, e.g. v3.6.16
	// Hash is a short hash of both modules' requirements, replacements and
	// go.sum (not their comments): any other dependency version gives other
	// binaries, so another cache entry.
	Hash string
}

// ReadPins reads the pins below the repository root.
func ReadPins(root string) (Pins, error) {
	var p Pins
	h := sha256.New()
	for _, m := range []struct {
		dir, module string
		version     *string
	}{{PinsDir, "k8s.io/kubernetes", &p.Kubernetes}, {EtcdPinsDir, "go.etcd.io/etcd/server/v3", &p.Etcd}} {
		for _, name := range []string{"go.mod", "go.sum"} {
			file := filepath.Join(root, m.dir, name)
			data, err := os.ReadFile(file)
			if err != nil {
				return Pins{}, fmt.Errorf("read the control-plane pins: %w", err)
			}
			fmt.Fprintf(h, "%s/%s\n", m.dir, name)
			if name != "go.mod" {
				h.Write(data)
				continue
			}
			f, err := modfile.Parse(file, data, nil)
			if err != nil {
				return Pins{}, fmt.Errorf("parse %s: %w", file, err)
			}
			if f.Go != nil {
				fmt.Fprintf(h, "go %s\n", f.Go.Version)
			}
			for _, r := range f.Require {
				fmt.Fprintf(h, "require %s\n", r.Mod)
				if r.Mod.Path == m.module {
					*m.version = r.Mod.Version
				}
			}
			for _, r := range f.Replace {
				fmt.Fprintf(h, "replace %s => %s\n", r.Old, r.New)
			}
			if *m.version == "" {
				return Pins{}, fmt.Errorf("%s: no require of %s", file, m.module)
			}
		}
	}
	p.Hash = hex.EncodeToString(h.Sum(nil))[:8]
	return p, nil
}

// Toolchain is the Go that builds the binaries, as `go env` reports it in
// the pin module (GOTOOLCHAIN may pick another Go than the one on PATH).
type Toolchain struct{ Version, GOOS, GOARCH string }

func readToolchain(ctx context.Context, goCmd, dir string) (Toolchain, error) {
	cmd := exec.CommandContext(ctx, goCmd, "env", "GOVERSION", "GOOS", "GOARCH")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = fmt.Errorf("%w: %s", err, strings.TrimSpace(string(ee.Stderr)))
		}
		return Toolchain{}, fmt.Errorf("go env GOVERSION GOOS GOARCH in %s: %w", dir, err)
	}
	f := strings.Fields(string(out))
	if len(f) != 3 {
		return Toolchain{}, fmt.Errorf("go env GOVERSION GOOS GOARCH in %s: want 3 lines, got %q", dir, out)
	}
	return Toolchain{f[0], f[1], f[2]}, nil
}

// Key names one cache entry.
func Key(p Pins, t Toolchain) string {
	return fmt.Sprintf("k8s-%s_etcd-%s_%s-%s_%s_pins-%s", p.Kubernetes, p.Etcd, t.GOOS, t.GOARCH, t.Version, p.Hash)
}

// CacheRoot is the folder of every entry: os.UserCacheDir()/vllm-chill/controlplane
// ($XDG_CACHE_HOME or ~/.cache on Linux, ~/Library/Caches on macOS).
func CacheRoot() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find the per-user cache folder: %w", err)
	}
	return filepath.Join(dir, "vllm-chill", "controlplane"), nil
}

// missing lists the names that are not executable files in dir.
func missing(dir string, names []string) []string {
	var out []string
	for _, n := range names {
		st, err := os.Stat(filepath.Join(dir, n))
		if err != nil || !st.Mode().IsRegular() || st.Mode()&0o111 == 0 {
			out = append(out, n)
		}
	}
	return out
}

// Size is the bytes of every file below dir (0 when dir does not exist).
func Size(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			n += info.Size()
		}
		return nil
	})
	return n, err
}

// override is $VLLM_CONTROLPLANE_BIN_DIR, made absolute, or "".
func override() (string, error) {
	d := os.Getenv(contract.EnvControlPlaneBinDir)
	if d == "" {
		return "", nil
	}
	abs, err := filepath.Abs(d)
	if err != nil {
		return "", fmt.Errorf("%s=%q: %w", contract.EnvControlPlaneBinDir, d, err)
	}
	return abs, nil
}
