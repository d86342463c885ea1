package pipeline

import (
	"fmt"

	"sigs.k8s.io/yaml"
)

// RewriteKubeconfig adapts the kubeconfig k3s writes (server https://127.0.0.1:6443,
// context "default") for use from another container: every cluster's server
// becomes server, and the single context is renamed to context and made
// current. Fields it does not touch (certificates, users) are kept as they are.
func RewriteKubeconfig(data []byte, server, context string) ([]byte, error) {
	var cfg map[string]any
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		return nil, fmt.Errorf("parse kubeconfig: %w", err)
	}
	if cfg == nil {
		return nil, fmt.Errorf("parse kubeconfig: empty document")
	}
	clusters, err := namedList(cfg, "clusters")
	if err != nil {
		return nil, err
	}
	for i, c := range clusters {
		inner, ok := c["cluster"].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("kubeconfig clusters[%d] (%v): no cluster section", i, c["name"])
		}
		if _, ok := inner["server"].(string); !ok {
			return nil, fmt.Errorf("kubeconfig clusters[%d] (%v): no server", i, c["name"])
		}
		inner["server"] = server
	}
	contexts, err := namedList(cfg, "contexts")
	if err != nil {
		return nil, err
	}
	// Renaming is only unambiguous with one context, which is what k3s writes.
	if len(contexts) != 1 {
		return nil, fmt.Errorf("kubeconfig: want exactly one context to rename to %q, found %d", context, len(contexts))
	}
	contexts[0]["name"] = context
	cfg["current-context"] = context
	out, err := yaml.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("write kubeconfig: %w", err)
	}
	return out, nil
}

// namedList returns cfg[key] as a non-empty list of objects.
func namedList(cfg map[string]any, key string) ([]map[string]any, error) {
	raw, ok := cfg[key].([]any)
	if !ok || len(raw) == 0 {
		return nil, fmt.Errorf("kubeconfig: no %s", key)
	}
	out := make([]map[string]any, len(raw))
	for i, item := range raw {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("kubeconfig %s[%d]: not an object", key, i)
		}
		out[i] = m
	}
	return out, nil
}

// ServerURL is the API server address of a k3s service reached as alias.
func ServerURL(alias string) string {
	return fmt.Sprintf("https://%s:%d", alias, K3sPort)
}
