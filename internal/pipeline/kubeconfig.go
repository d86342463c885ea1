package pipeline

import (
	"fmt"
	"strconv"
	"time"

	"sigs.k8s.io/yaml"
)

// RewriteKubeconfig adapts the kubeconfig k3s writes (server https://127.0.0.1:6443,
// context "default") for use from elsewhere: every cluster's server becomes
// server, and the single context is renamed to context and made current.
// Fields it does not touch (certificates, users) are kept as they are.
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

// ServerURL is the API server address of the k3s service seen from test containers.
func ServerURL() string { return "https://" + Alias + ":" + strconv.Itoa(APIPort) }

// HostServerURL is the API server address seen from a host that forwards the
// port with `dagger call ... cluster up --ports 6443:6443`.
func HostServerURL() string { return "https://localhost:" + strconv.Itoa(APIPort) }

// ReadKubeconfigScript prints the kubeconfig of a running cluster, polling
// every 0.1 s. A cluster is running while its heartbeat is at most
// staleAfter seconds old. It fails (exit 3) when no running cluster appeared
// within its first absentFor seconds, and (exit 4) when a running cluster
// wrote no kubeconfig within timeout seconds; each message names the file and
// the time waited. Arguments: kubeconfig, heartbeat, timeout, absentFor,
// staleAfter, and a hint for the "no running cluster" message.
const ReadKubeconfigScript = `set -u
kubeconfig=$1 heartbeat=$2 timeout=$3 absent=$4 stale=$5 hint=$6
start=$(date +%s)
while :; do
	now=$(date +%s)
	beat=$(cat "$heartbeat" 2>/dev/null || true)
	case "$beat" in
	''|*[!0-9]*) age=none ;;
	*) age=$((now - beat)) ;;
	esac
	if [ "$age" != none ] && [ "$age" -le "$stale" ] && [ -s "$kubeconfig" ]; then
		cat "$kubeconfig"
		exit 0
	fi
	waited=$((now - start))
	if { [ "$age" = none ] || [ "$age" -gt "$stale" ]; } && [ "$waited" -ge "$absent" ]; then
		if [ "$age" = none ]; then
			echo "no running cluster: waited ${waited}s and found no heartbeat in $heartbeat; $hint" >&2
		else
			echo "no running cluster: its last heartbeat in $heartbeat is ${age}s old (waited ${waited}s); $hint" >&2
		fi
		exit 3
	fi
	if [ "$waited" -ge "$timeout" ]; then
		echo "the cluster is running (heartbeat ${age}s old) but wrote no kubeconfig to $kubeconfig within ${timeout}s" >&2
		exit 4
	fi
	sleep 0.1
done
`

// ReadKubeconfigArgs runs ReadKubeconfigScript for the files of StateDir.
// A heartbeat older than three beats means the cluster stopped.
func ReadKubeconfigArgs(timeout, absentFor time.Duration, hint string) []string {
	stale := 3 * HeartbeatEvery
	return []string{"sh", "-c", ReadKubeconfigScript, "read-kubeconfig",
		KubeconfigFile, HeartbeatFile, secs(timeout), secs(absentFor), secs(stale), hint}
}

func secs(d time.Duration) string { return strconv.Itoa(int(d / time.Second)) }
