package pipeline

import (
	"slices"
	"strings"
	"testing"
)

func TestK3sServerArgs(t *testing.T) {
	args := K3sServerArgs("k3s")
	if !slices.Equal(args[:2], []string{"k3s", "server"}) {
		t.Fatalf("command = %q, want k3s server first", args[:2])
	}
	flags := map[string][]string{}
	for i := 2; i < len(args); i++ {
		if !strings.HasPrefix(args[i], "--") {
			t.Fatalf("args[%d] = %q: want a flag (values follow their flag)", i, args[i])
		}
		if i+1 < len(args) && !strings.HasPrefix(args[i+1], "--") {
			flags[args[i]] = append(flags[args[i]], args[i+1])
			i++
			continue
		}
		flags[args[i]] = append(flags[args[i]], "")
	}
	for _, c := range []string{"traefik", "servicelb", "metrics-server", "local-storage", "coredns"} {
		if !slices.Contains(flags["--disable"], c) {
			t.Errorf("--disable %s missing from %q", c, args)
		}
	}
	for _, f := range []string{"--disable-helm-controller", "--disable-network-policy", "--disable-cloud-controller"} {
		if _, ok := flags[f]; !ok {
			t.Errorf("%s missing from %q", f, args)
		}
	}
	want := map[string]string{"--tls-san": "k3s", "--write-kubeconfig-mode": "644", "--write-kubeconfig": K3sKubeconfigPath}
	for f, v := range want {
		if got := flags[f]; !slices.Equal(got, []string{v}) {
			t.Errorf("%s = %q, want [%q]", f, got, v)
		}
	}
}

func TestK3sEntrypointExecsArgs(t *testing.T) {
	if !strings.HasPrefix(K3sEntrypoint, "#!/bin/sh\n") {
		t.Error("entrypoint needs a shebang: Dagger execs it directly")
	}
	if !strings.HasSuffix(K3sEntrypoint, "exec \"$@\"\n") {
		t.Error("entrypoint must end by exec'ing its arguments so k3s gets the signals")
	}
	if !strings.Contains(K3sEntrypoint, "rm -f \""+K3sKubeconfigPath+"\"") {
		t.Error("entrypoint must remove a stale kubeconfig before k3s starts")
	}
}

func TestWaitForFileArgs(t *testing.T) {
	got := WaitForFileArgs("/x/k3s.yaml", 90)
	want := []string{"sh", "-c", WaitForFileScript, "wait-for-file", "/x/k3s.yaml", "90"}
	if !slices.Equal(got, want) {
		t.Errorf("WaitForFileArgs = %q, want %q", got, want)
	}
}

func TestRunID(t *testing.T) {
	a, b := NewRunID(), NewRunID()
	if a == b {
		t.Errorf("two run ids are equal: %q", a)
	}
	for _, id := range []string{a, "ci-42", "x"} {
		if err := CheckRunID(id); err != nil {
			t.Errorf("CheckRunID(%q) = %v", id, err)
		}
	}
	for _, id := range []string{"", "Upper", "-lead", "has space", "a/b", strings.Repeat("a", 64)} {
		if err := CheckRunID(id); err == nil {
			t.Errorf("CheckRunID(%q) = nil, want an error", id)
		}
	}
	if got := CacheName("k3s", "kubeconfig", "ab12"); got != "vllm-chill-k3s-kubeconfig-ab12" {
		t.Errorf("CacheName = %q", got)
	}
}
