package pipeline

import (
	"strings"
	"testing"

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
	out, err := RewriteKubeconfig([]byte(k3sKubeconfig), ServerURL("k3s"), KubeContext)
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
