// Package pipeline holds the engine-free logic of the Dagger module in .dagger:
// the k3s command line, kubeconfig rewriting, Kubernetes version matrix expansion
// and the coverage-tool command lines.
//
// The module's generated Dagger client panics at init outside an engine session,
// so everything that can be tested without an engine lives here, in plain Go,
// and the module only wires it into containers.
package pipeline
