package bootstrap

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/efortin/vllm-chill/pkg/manifest"
)

func TestActionFor(t *testing.T) {
	for _, tc := range []struct {
		existed       bool
		before, after string
		want          Action
	}{
		{false, "", "7", Created},
		{true, "7", "7", Unchanged},
		{true, "7", "9", Configured},
	} {
		if got := actionFor(tc.existed, tc.before, tc.after); got != tc.want {
			t.Errorf("actionFor(%v, %q, %q) = %s, want %s", tc.existed, tc.before, tc.after, got, tc.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	got := summarize([]Result{{Action: Created}, {Action: Unchanged}, {Action: Unchanged}})
	if want := "1 created, 0 configured, 2 unchanged"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestApplyDirRequiresNameWithoutConnecting(t *testing.T) {
	url, accepts := acceptRecorder(t)
	b, _ := newTestBootstrapper(t, url, time.Second)
	dir := writeFiles(t, map[string]string{"gen.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {generateName: x-}\n"})
	_, err := b.ApplyDir(context.Background(), dir)
	if err == nil {
		t.Fatal("want an error")
	}
	mustContain(t, err.Error(), `gen.yaml"`, "metadata.name is required")
	if n := accepts(); n != 0 {
		t.Fatalf("%d connection(s) made before refusing", n)
	}
}

func TestApplyDirEmpty(t *testing.T) {
	b, _ := newTestBootstrapper(t, closedPort(t), time.Second)
	dir := t.TempDir()
	_, err := b.ApplyDir(context.Background(), dir)
	if err == nil {
		t.Fatal("want an error")
	}
	if !errors.Is(err, manifest.ErrNoManifests) {
		t.Fatalf("want manifest.ErrNoManifests, got %v", err)
	}
	mustContain(t, err.Error(), dir)
}
