package daggercheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// generated are the module paths the engine writes; a local `dagger develop`
// may have left them behind, and the shim replaces them.
var generated = []string{"dagger.gen.go", "internal/dagger", "internal/querybuilder", "internal/telemetry"}

// readModulePath is the module path of the copied go.mod.
func readModulePath(dir string) (string, error) {
	out, err := goCmd(dir, "list", "-m", "-f", "{{.Path}}")
	if err != nil {
		return "", fmt.Errorf("read module path in %s: %s", dir, out)
	}
	return strings.TrimSpace(out), nil
}

// downloadSDK returns the module-cache directory of the SDK at version.
func downloadSDK(dir, version string) (string, error) {
	out, err := goCmd(dir, "mod", "download", "-json", sdkModule+"@"+version)
	if err != nil {
		return "", fmt.Errorf("download %s@%s: %s", sdkModule, version, out)
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal([]byte(out), &info); err != nil || info.Dir == "" {
		return "", fmt.Errorf("download %s@%s: %s %s", sdkModule, version, info.Error, out)
	}
	return info.Dir, nil
}

// goCmd runs the go command in dir, ignoring any go.work, and returns its
// combined output.
func goCmd(dir string, args ...string) (string, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	return buf.String(), err
}
