package daggercheck

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// failLine is a failed test or package in go test's output.
var failLine = regexp.MustCompile(`^(--- FAIL: \S+|FAIL\s+\S+)`)

// UnitTestsInView lays out the repository at root as the module's
// constructor receives it (SourceViewFiles: no .git, no file its +ignore
// drops) in .cache/daggercheck/view, and runs `go test ARGS ./...` there, as
// the unit part does in the container. It streams go test's output to out
// and fails naming every test that failed in the view.
//
// The project's VLLM_* variables are not passed on: the container has none.
func UnitTestsInView(ctx context.Context, root string, args []string, out io.Writer) error {
	root, err := filepath.Abs(root)
	if err != nil {
		return err
	}
	all, err := repoFiles(root)
	if err != nil {
		return err
	}
	files, err := SourceViewFiles(root)
	if err != nil {
		return err
	}
	view := filepath.Join(root, filepath.FromSlash(scratchDir), "view")
	if err := layOut(root, view, files); err != nil {
		return fmt.Errorf("lay out the source view in %s: %w", view, err)
	}
	fmt.Fprintf(out, "daggercheck: source view in %s: %d of %d files (+ignore dropped %d, and .git)\n", view, len(files), len(all), len(all)-len(files))

	cmd := exec.CommandContext(ctx, "go", append(append([]string{"test"}, args...), "./...")...)
	cmd.Dir = view
	cmd.Env = containerEnv(os.Environ())
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start go test in the source view: %w", err)
	}
	var failed []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(out, line)
			if m := failLine.FindString(strings.TrimSpace(line)); m != "" && !slices.Contains(failed, m) {
				failed = append(failed, m)
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	runErr := cmd.Wait()
	pw.Close()
	<-done
	if runErr != nil {
		if len(failed) == 0 {
			return fmt.Errorf("go test in the source view %s: %w", view, runErr)
		}
		return fmt.Errorf("in the source view the module's constructor receives (%s), these fail:\n  %s", view, strings.Join(failed, "\n  "))
	}
	return nil
}

// containerEnv is env without the project's own variables and go test flags
// a user may have set: the test container starts with neither.
func containerEnv(env []string) []string {
	var out []string
	for _, kv := range env {
		if strings.HasPrefix(kv, "VLLM_") || strings.HasPrefix(kv, "GOFLAGS=") || strings.HasPrefix(kv, "KUBECONFIG=") {
			continue
		}
		out = append(out, kv)
	}
	return out
}
