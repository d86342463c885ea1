// Command vllm-local runs a throwaway local Kubernetes control plane (etcd and
// kube-apiserver, plus kube-controller-manager with --controllers) for the
// vllm-chill tests; see the usage below and internal/controlplane.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
