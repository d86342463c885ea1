// Package bootstrap prepares a Kubernetes API server for the vllm-chill
// tests: it connects through an explicitly named kubeconfig context, waits
// for readiness, installs the CRDs, applies manifests and ensures
// namespaces. The local control plane, k3d and the Dagger/k3s path all go
// through this one package (and its CLI, cmd/vllm-bootstrap), so a cluster
// is prepared the same way everywhere.
//
// Every wait is bounded by Options.Timeout and every step prints one line
// with its duration to Options.Out.
package bootstrap
