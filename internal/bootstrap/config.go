package bootstrap

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// ContextError reports a kubeconfig context that was not given, is not in
// the kubeconfig, or is not the one the caller expected. It is returned
// before any connection is attempted.
type ContextError struct {
	Kubeconfig string   // the kubeconfig path (or path list) that was read
	Context    string   // the context that was asked for
	Expected   string   // the context the caller expected, when that was the problem
	Known      []string // contexts defined in the kubeconfig, sorted
}

func (e *ContextError) Error() string {
	switch {
	case e.Context == "":
		return fmt.Sprintf("no kubeconfig context given for %s: pass --context or VLLM_KUBE_CONTEXT (the current-context is never used); known contexts: %s",
			e.Kubeconfig, knownList(e.Known))
	case e.Expected != "":
		return fmt.Sprintf("refusing context %q: expected context %q (kubeconfig %s)", e.Context, e.Expected, e.Kubeconfig)
	default:
		return fmt.Sprintf("context %q not found in kubeconfig %s; known contexts: %s", e.Context, e.Kubeconfig, knownList(e.Known))
	}
}

func knownList(known []string) string {
	if len(known) == 0 {
		return "(none)"
	}
	return strings.Join(known, ", ")
}

// KubeconfigPaths splits a kubeconfig value the way KUBECONFIG is split
// (a path list); an empty value means the default ~/.kube/config.
func KubeconfigPaths(kubeconfig string) []string {
	var paths []string
	for _, p := range filepath.SplitList(kubeconfig) {
		if p != "" {
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		paths = []string{clientcmd.RecommendedHomeFile}
	}
	return paths
}

// LoadConfig reads the kubeconfig (a path, a KUBECONFIG-style path list, or
// "" for ~/.kube/config) and builds a client config for the named context.
// The context is required and the kubeconfig's current-context is never
// used, so a test run cannot land on whatever cluster the user last
// selected. Nothing here connects to the cluster.
func LoadConfig(kubeconfig, context string) (*rest.Config, error) {
	paths := KubeconfigPaths(kubeconfig)
	shown := strings.Join(paths, string(filepath.ListSeparator))
	for _, p := range paths {
		// clientcmd silently skips missing files in a path list; a typo in
		// the path must not look like "context not found".
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("read kubeconfig %s: %w", p, err)
		}
	}
	raw, err := (&clientcmd.ClientConfigLoadingRules{Precedence: paths}).Load()
	if err != nil {
		return nil, fmt.Errorf("read kubeconfig %s: %w", shown, err)
	}
	known := contextNames(raw)
	if context == "" {
		return nil, &ContextError{Kubeconfig: shown, Known: known}
	}
	if _, ok := raw.Contexts[context]; !ok {
		return nil, &ContextError{Kubeconfig: shown, Context: context, Known: known}
	}
	overrides := &clientcmd.ConfigOverrides{CurrentContext: context}
	cfg, err := clientcmd.NewNonInteractiveClientConfig(*raw, context, overrides, nil).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("build client config for context %q from kubeconfig %s: %w", context, shown, err)
	}
	return cfg, nil
}

// CheckContext refuses a context that differs from the expected one (when
// one is expected). It needs neither the kubeconfig nor the network, so a
// wrong target is refused before anything else happens.
func CheckContext(kubeconfig, context, expected string) error {
	if expected == "" || context == expected {
		return nil
	}
	return &ContextError{
		Kubeconfig: strings.Join(KubeconfigPaths(kubeconfig), string(filepath.ListSeparator)),
		Context:    context,
		Expected:   expected,
	}
}

// IsContextError reports whether err is (or wraps) a *ContextError.
func IsContextError(err error) bool {
	var ce *ContextError
	return errors.As(err, &ce)
}

func contextNames(cfg *clientcmdapi.Config) []string {
	names := make([]string, 0, len(cfg.Contexts))
	for name := range cfg.Contexts {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}
