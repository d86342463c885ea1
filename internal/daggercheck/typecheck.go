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

// TypeCheck replays the engine's load of the module of the repository at
// root and returns the line to print. It lays out exactly the files the
// engine uploads (UploadFiles) in .cache/daggercheck/upload, puts a shim of
// the SDK where the engine generates the module's client, then runs what the
// Go SDK runs there, `go mod tidy`, and builds and vets the module. keep
// leaves the upload in place.
func TypeCheck(root string, keep bool) (string, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return "", err
	}
	cfg, err := readConfig(filepath.Join(root, "dagger.json"))
	if err != nil {
		return "", err
	}
	files, err := UploadFiles(root)
	if err != nil {
		return "", err
	}
	upload := filepath.Join(root, filepath.FromSlash(scratchDir), "upload")
	if err := layOut(root, upload, files); err != nil {
		return "", fmt.Errorf("lay out the upload in %s: %w", upload, err)
	}
	srcDir := filepath.Join(upload, filepath.FromSlash(cfg.Source))
	sdkDir, err := downloadSDK(root, cfg.EngineVersion)
	if err != nil {
		return "", err
	}
	decls, err := listDecls(sdkDir)
	if err != nil {
		return "", err
	}
	modPath, err := readModulePath(srcDir)
	if err != nil {
		return "", err
	}
	if err := writeShim(srcDir, modPath, decls); err != nil {
		return "", err
	}
	rel, _ := filepath.Rel(upload, srcDir)
	// Point messages at the real sources rather than the upload's copy.
	real := func(out string) string {
		msg := strings.ReplaceAll(out, upload+string(filepath.Separator), "")
		return relPath.ReplaceAllString(msg, "${1}"+rel+"/")
	}
	if out, err := goCmd(srcDir, "mod", "edit", "-require", sdkModule+"@"+cfg.EngineVersion); err != nil {
		return "", fmt.Errorf("require %s in the upload's %s/go.mod: %s", sdkModule, rel, out)
	}
	if out, err := goCmd(srcDir, "mod", "tidy"); err != nil {
		return "", fmt.Errorf("the engine's load would fail: `go mod tidy` in the upload's %s (dagger.json, %s and include %q, %d files) failed:\n%s", rel, cfg.Source, cfg.Include, len(files), real(out))
	}
	for _, step := range [][]string{{"build", "./..."}, {"vet", "./..."}} {
		if out, err := goCmd(srcDir, step...); err != nil {
			return "", fmt.Errorf("module %s does not %s against %s %s in the engine's upload:\n%s", cfg.Name, "go "+step[0], sdkModule, cfg.EngineVersion, real(out))
		}
	}
	done := fmt.Sprintf("module %s loads as the engine loads it: %d files uploaded, go mod tidy, build and vet pass against %s %s (%d shim declarations)", cfg.Name, len(files), sdkModule, cfg.EngineVersion, decls.count())
	if keep {
		return done + "; upload kept in " + upload, nil
	}
	return done, os.RemoveAll(upload)
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
