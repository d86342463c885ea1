package bootstrap

import (
	"context"
	"testing"
	"time"
)

func TestEnsureNamespaceInvalidNameWithoutConnecting(t *testing.T) {
	url, accepts := acceptRecorder(t)
	b, _ := newTestBootstrapper(t, url, time.Second)
	err := b.EnsureNamespace(context.Background(), "Not_Valid")
	if err == nil {
		t.Fatal("want an error")
	}
	mustContain(t, err.Error(), `namespace "Not_Valid"`, "invalid name")
	if n := accepts(); n != 0 {
		t.Fatalf("%d connection(s) made before refusing", n)
	}
}
