// Command daggercheck type-checks the Dagger module of this repository without
// a Dagger engine.
//
// The engine generates the module's client package (internal/dagger) and the
// global `dag` on every load, so neither is committed and plain `go vet` cannot
// compile .dagger. daggercheck copies the module sources into a scratch
// directory under .cache/, adds a shim internal/dagger made of aliases to every
// exported declaration of the published dagger.io/dagger package at the
// engineVersion pinned in dagger.json (same core API types), declares `dag`,
// and runs `go vet` there. A call to a Dagger API that does not exist fails
// with "has no field or method".
//
// Usage: go run ./hack/daggercheck [-keep]   (from anywhere in the repository)
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// relPath matches a path go vet printed relative to the scratch module ("./k3s.go").
var relPath = regexp.MustCompile(`(?m)(^|\s)\./`)

// sdkModule is the published Go SDK whose API mirrors the generated client.
const sdkModule = "dagger.io/dagger"

// moduleConfig is the part of dagger.json the check needs.
type moduleConfig struct {
	Name          string `json:"name"`
	EngineVersion string `json:"engineVersion"`
	Source        string `json:"source"`
	SDK           struct {
		Source string `json:"source"`
	} `json:"sdk"`
}

func main() {
	keep := flag.Bool("keep", false, "keep the scratch directory after a successful check")
	flag.Parse()
	if err := run(*keep); err != nil {
		fmt.Fprintln(os.Stderr, "daggercheck:", err)
		os.Exit(1)
	}
}

func run(keep bool) error {
	root, err := findRoot()
	if err != nil {
		return err
	}
	cfg, err := readConfig(filepath.Join(root, "dagger.json"))
	if err != nil {
		return err
	}
	srcDir := filepath.Join(root, cfg.Source)
	scratch := filepath.Join(root, ".cache", "daggercheck", cfg.Name)

	sdkDir, err := downloadSDK(root, cfg.EngineVersion)
	if err != nil {
		return err
	}
	decls, err := listDecls(sdkDir)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(scratch); err != nil {
		return fmt.Errorf("clear scratch dir %q: %w", scratch, err)
	}
	if err := copyModule(srcDir, scratch); err != nil {
		return err
	}
	modPath, err := readModulePath(scratch)
	if err != nil {
		return err
	}
	if err := writeShim(scratch, modPath, decls); err != nil {
		return err
	}
	if err := prepareGoMod(scratch, srcDir, cfg.EngineVersion); err != nil {
		return err
	}
	if out, err := goCmd(scratch, "vet", "./..."); err != nil {
		// Point messages at the real sources rather than the scratch copy.
		rel, _ := filepath.Rel(root, srcDir)
		msg := strings.ReplaceAll(out, scratch+string(filepath.Separator), rel+string(filepath.Separator))
		msg = relPath.ReplaceAllString(msg, "${1}"+rel+"/")
		return fmt.Errorf("module %s does not type-check against %s %s:\n%s", cfg.Name, sdkModule, cfg.EngineVersion, msg)
	}
	fmt.Printf("daggercheck: module %s type-checks against %s %s (%d shim declarations)\n",
		cfg.Name, sdkModule, cfg.EngineVersion, decls.count())
	if !keep {
		return os.RemoveAll(scratch)
	}
	fmt.Println("daggercheck: scratch copy kept in", scratch)
	return nil
}

// findRoot walks up from the working directory to the one holding dagger.json.
func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "dagger.json")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no dagger.json in the working directory or above")
		}
		dir = parent
	}
}

func readConfig(path string) (*moduleConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var cfg moduleConfig
	if err := json.Unmarshal(data, &cfg); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	switch {
	case cfg.Name == "":
		return nil, fmt.Errorf("%s: no name", path)
	case cfg.EngineVersion == "":
		return nil, fmt.Errorf("%s: no engineVersion to pin %s to", path, sdkModule)
	case cfg.SDK.Source != "go":
		return nil, fmt.Errorf("%s: sdk %q is not go; only Go modules can be checked", path, cfg.SDK.Source)
	}
	if cfg.Source == "" {
		cfg.Source = "."
	}
	return &cfg, nil
}
