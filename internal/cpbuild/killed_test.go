package cpbuild

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/efortin/vllm-chill/internal/contract"
	"github.com/efortin/vllm-chill/internal/proc/proctest"
)

// The helper process: a build that writes half of kube-apiserver into its
// build folder, says so, and waits to be killed.
const (
	helperEnv   = "CPBUILD_TEST_KILLED_BUILD" // the cache root
	helperReady = "CPBUILD_TEST_READY"        // a file the helper creates once it wrote half a binary
)

func killedBuilderHelper() int {
	c := &Cache{Root: os.Getenv(helperEnv), build: func(_ context.Context, s spec) error {
		half := []byte("#!/bin/sh\necho 'Kubern")
		if err := os.WriteFile(filepath.Join(s.dir, APIServer), half, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(os.Getenv(helperReady), nil, 0o644); err != nil {
			return err
		}
		time.Sleep(2 * time.Minute) // the test kills us long before
		return errors.New("not killed")
	}}
	if _, err := c.Ensure(context.Background(), Needed(false)); err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
	}
	return 1
}

// TestKilledBuildLeavesNothingTrusted kills a build with SIGKILL after it
// wrote half a binary. The lock is held while it builds and dropped by its
// death; nothing is in bin/; the next run builds again, without waiting,
// and removes the half-built folder.
func TestKilledBuildLeavesNothingTrusted(t *testing.T) {
	t.Setenv(contract.EnvControlPlaneBinDir, "")
	root := t.TempDir()
	ready := filepath.Join(t.TempDir(), "ready")
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), helperEnv+"="+root, helperReady+"="+ready)
	var stderr proctest.Buffer
	child.Stderr = &stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- child.Wait() }()
	waitFor(t, "the helper build to write half of kube-apiserver ("+ready+")", func() error {
		select {
		case err := <-exited:
			t.Fatalf("the helper build ended before it was killed: %v\n%s", err, stderr.String())
		default:
		}
		_, err := os.Stat(ready)
		return err
	})

	f := &fakeBuild{tpl: templates(t, nil)}
	var out proctest.Buffer
	c := newCache(t, root, f, &out)
	e, err := c.Entry(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if l, err := tryLock(lockPath(e)); !errors.Is(err, errBusy) {
		t.Errorf("the lock is free while a build runs (%v)", err)
		if l != nil {
			l.Close()
		}
	}
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-exited

	if m := missing(e.Bin, Needed(false)); len(m) != 2 {
		t.Fatalf("after a killed build, %s holds more than nothing: only %v missing", e.Bin, m)
	}
	left := buildFolders(t, c)
	if len(left) != 1 {
		t.Fatalf("want the killed build's one build folder, got %v", left)
	}
	bin, err := c.Ensure(context.Background(), Needed(false))
	if err != nil {
		t.Fatal(err)
	}
	if n := f.calls.Load(); n != 1 {
		t.Errorf("the next run built %d times, want 1", n)
	}
	if strings.Contains(out.String(), "waiting") {
		t.Errorf("the next run waited for the dead build's lock:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "removed "+left[0]+", left by a build that was interrupted") {
		t.Errorf("the next run does not say it removed %s:\n%s", left[0], out.String())
	}
	if got := buildFolders(t, c); len(got) > 0 {
		t.Errorf("build folders left: %v", got)
	}
	if got, err := exec.Command(filepath.Join(bin, APIServer), "--version").Output(); err != nil || strings.TrimSpace(string(got)) != "Kubernetes "+contract.KubernetesVersion {
		t.Errorf("%s --version = %q, %v", filepath.Join(bin, APIServer), got, err)
	}
}
