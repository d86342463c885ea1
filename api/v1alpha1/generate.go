package v1alpha1

// The deep-copy functions and the CRD are generated from the markers in this
// package; `go tool task generate` runs this, `go tool task crd:check` proves
// the committed files match. Floats are allowed because vLLM's
// --gpu-memory-utilization is a fraction.
//go:generate go tool controller-gen object paths=./... crd:crdVersions=v1,allowDangerousTypes=true output:crd:dir=../../manifests/crds
