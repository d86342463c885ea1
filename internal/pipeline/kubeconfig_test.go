package pipeline

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"
)

// k3sKubeconfig has the shape k3s writes (certificates shortened).
const k3sKubeconfig = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: Q0E=
    server: https://127.0.0.1:6443
  name: default
contexts:
- context:
    cluster: default
    user: default
  name: default
current-context: default
kind: Config
preferences: {}
users:
- name: default
  user:
    client-certificate-data: Q0VSVA==
    client-key-data: S0VZ
`

func TestRewriteKubeconfig(t *testing.T) {
	out, err := RewriteKubeconfig([]byte(k3sKubeconfig), ServerURL(), "vllm-k3s")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Clusters []struct {
			Name    string
			Cluster struct {
				Server string
				CA     string `json:"certificate-authority-data"`
			}
		}
		Contexts []struct {
			Name    string
			Context struct{ Cluster, User string }
		}
		CurrentContext string `json:"current-context"`
		Users          []struct {
			Name string
			User struct {
				Key string `json:"client-key-data"`
			}
		}
	}
	if err := yaml.Unmarshal(out, &got); err != nil {
		t.Fatalf("rewritten kubeconfig does not parse: %v\n%s", err, out)
	}
	if s := got.Clusters[0].Cluster.Server; s != "https://k3s:6443" {
		t.Errorf("server = %q, want https://k3s:6443", s)
	}
	if got.Contexts[0].Name != "vllm-k3s" || got.CurrentContext != "vllm-k3s" {
		t.Errorf("context = %q, current = %q, want vllm-k3s for both", got.Contexts[0].Name, got.CurrentContext)
	}
	if got.Contexts[0].Context.Cluster != "default" || got.Contexts[0].Context.User != "default" {
		t.Errorf("context refs changed: %+v", got.Contexts[0].Context)
	}
	if got.Clusters[0].Cluster.CA != "Q0E=" || got.Users[0].User.Key != "S0VZ" {
		t.Errorf("credentials changed:\n%s", out)
	}
}

func TestRewriteKubeconfigErrors(t *testing.T) {
	twoContexts := strings.Replace(k3sKubeconfig, "current-context", "- context: {cluster: default, user: default}\n  name: other\ncurrent-context", 1)
	cases := map[string]struct{ in, want string }{
		"not yaml":     {"{", "parse kubeconfig"},
		"empty":        {"", "empty document"},
		"no clusters":  {"contexts: [{name: a}]", "no clusters"},
		"no server":    {"clusters: [{name: a, cluster: {}}]\ncontexts: [{name: a}]", "clusters[0] (a): no server"},
		"two contexts": {twoContexts, "found 2"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := RewriteKubeconfig([]byte(tc.in), "https://k3s:6443", "vllm-k3s")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// readKubeconfig runs ReadKubeconfigScript with the host's sh against files
// in dir, as the module runs it against the state volume.
func readKubeconfig(t *testing.T, dir string, timeout, absent int) (stdout, stderr string, code int, took time.Duration) {
	t.Helper()
	var out, errOut strings.Builder
	cmd := exec.Command("sh", "-c", ReadKubeconfigScript, "read-kubeconfig",
		filepath.Join(dir, kubeconfigName), filepath.Join(dir, heartbeatName),
		strconv.Itoa(timeout), strconv.Itoa(absent), "3", "start one")
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	_ = cmd.Run()
	return out.String(), errOut.String(), cmd.ProcessState.ExitCode(), time.Since(start)
}

func beat(t *testing.T, dir string, at time.Time) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, heartbeatName), []byte(strconv.FormatInt(at.Unix(), 10)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReadKubeconfigScript(t *testing.T) {
	t.Run("live cluster", func(t *testing.T) {
		dir := t.TempDir()
		beat(t, dir, time.Now())
		// The kubeconfig appears a moment later, as k3s writes it after starting.
		go func() {
			time.Sleep(300 * time.Millisecond)
			_ = os.WriteFile(filepath.Join(dir, kubeconfigName), []byte(k3sKubeconfig), 0o644)
		}()
		out, errOut, code, took := readKubeconfig(t, dir, 10, 10)
		if code != 0 || out != k3sKubeconfig {
			t.Fatalf("exit %d, stdout %q, stderr %q; want 0 and the kubeconfig", code, out, errOut)
		}
		if took > 4*time.Second {
			t.Errorf("took %s to see a kubeconfig written after 0.3s: it must poll often", took)
		}
	})
	t.Run("stopped cluster", func(t *testing.T) {
		dir := t.TempDir()
		beat(t, dir, time.Now().Add(-100*time.Second))
		if err := os.WriteFile(filepath.Join(dir, kubeconfigName), []byte(k3sKubeconfig), 0o644); err != nil {
			t.Fatal(err)
		}
		out, errOut, code, _ := readKubeconfig(t, dir, 10, 1)
		if code != 3 || out != "" || !strings.Contains(errOut, "last heartbeat") || !strings.Contains(errOut, "start one") {
			t.Errorf("exit %d, stdout %q, stderr %q; want 3, no kubeconfig, and the stale heartbeat with the hint", code, out, errOut)
		}
	})
	t.Run("no cluster", func(t *testing.T) {
		dir := t.TempDir()
		_, errOut, code, took := readKubeconfig(t, dir, 10, 1)
		if code != 3 || !strings.Contains(errOut, "found no heartbeat in "+filepath.Join(dir, heartbeatName)) {
			t.Errorf("exit %d, stderr %q; want 3 naming the heartbeat file", code, errOut)
		}
		if took > 6*time.Second {
			t.Errorf("took %s with a 1s bound", took)
		}
	})
	t.Run("no kubeconfig from a live cluster", func(t *testing.T) {
		dir := t.TempDir()
		beat(t, dir, time.Now().Add(time.Hour)) // stays fresh for the whole wait
		_, errOut, code, _ := readKubeconfig(t, dir, 1, 1)
		if code != 4 || !strings.Contains(errOut, "wrote no kubeconfig to "+filepath.Join(dir, kubeconfigName)+" within 1s") {
			t.Errorf("exit %d, stderr %q; want 4 naming the file and the bound", code, errOut)
		}
	})
}

func TestReadKubeconfigArgs(t *testing.T) {
	args := ReadKubeconfigArgs(2*time.Minute, 15*time.Second, "hint")
	want := []string{"sh", "-c", ReadKubeconfigScript, "read-kubeconfig", KubeconfigFile, HeartbeatFile, "120", "15", "3", "hint"}
	if !slices.Equal(args, want) {
		t.Errorf("ReadKubeconfigArgs = %q, want %q", args, want)
	}
}
