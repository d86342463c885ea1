// Package daggercheck checks the Dagger module in .dagger without a Dagger
// engine, by the engine's own rules where they can be reproduced:
//
//   - TypeCheck compiles the module against the published dagger.io/dagger
//     SDK at dagger.json's engineVersion: the engine generates the module's
//     client package (internal/dagger) and the global `dag` on every load, so
//     neither is committed; a scratch copy gets a shim of type aliases in
//     their place and `go vet` runs there. A call to a Dagger API that does
//     not exist fails with "has no field or method".
//   - ReadModule and Problems apply the engine's naming (strcase v0.3.0, as
//     the engine and CLI use it) to every function and argument, and check
//     each `dagger call` written in the docs, Taskfiles and workflows
//     against the functions and flags the CLI would offer.
package daggercheck

import (
	"encoding/json"
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
	Name          string   `json:"name"`
	EngineVersion string   `json:"engineVersion"`
	Source        string   `json:"source"`
	Include       []string `json:"include"`
	SDK           struct {
		Source string `json:"source"`
	} `json:"sdk"`
}

// TypeCheck type-checks the module of the repository at root and returns the
// line to print. keep leaves the scratch copy under .cache/daggercheck.
func TypeCheck(root string, keep bool) (string, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return "", err
	}
	cfg, err := readConfig(filepath.Join(root, "dagger.json"))
	if err != nil {
		return "", err
	}
	srcDir := filepath.Join(root, cfg.Source)
	scratch := filepath.Join(root, ".cache", "daggercheck", cfg.Name)

	sdkDir, err := downloadSDK(root, cfg.EngineVersion)
	if err != nil {
		return "", err
	}
	decls, err := listDecls(sdkDir)
	if err != nil {
		return "", err
	}
	if err := os.RemoveAll(scratch); err != nil {
		return "", fmt.Errorf("clear scratch dir %q: %w", scratch, err)
	}
	if err := copyModule(srcDir, scratch); err != nil {
		return "", err
	}
	modPath, err := readModulePath(scratch)
	if err != nil {
		return "", err
	}
	if err := writeShim(scratch, modPath, decls); err != nil {
		return "", err
	}
	if err := prepareGoMod(scratch, srcDir, cfg.EngineVersion); err != nil {
		return "", err
	}
	if out, err := goCmd(scratch, "vet", "./..."); err != nil {
		// Point messages at the real sources rather than the scratch copy.
		rel, _ := filepath.Rel(root, srcDir)
		msg := strings.ReplaceAll(out, scratch+string(filepath.Separator), rel+string(filepath.Separator))
		msg = relPath.ReplaceAllString(msg, "${1}"+rel+"/")
		return "", fmt.Errorf("module %s does not type-check against %s %s:\n%s", cfg.Name, sdkModule, cfg.EngineVersion, msg)
	}
	done := fmt.Sprintf("module %s type-checks against %s %s (%d shim declarations)", cfg.Name, sdkModule, cfg.EngineVersion, decls.count())
	if keep {
		return done + "; scratch copy kept in " + scratch, nil
	}
	return done, os.RemoveAll(scratch)
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
