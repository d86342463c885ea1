// Package pipeline holds the engine-free logic of the Dagger module in .dagger:
// the k3s command line and entrypoint, the script that reads a cluster's
// kubeconfig, kubeconfig rewriting, the tool command lines, run ids and
// nonces, the Kubernetes version matrix, and the text of a failed step.
//
// The module's generated Dagger client panics at init outside an engine
// session, so everything that can be tested without an engine lives here, in
// plain Go, and the module only wires it into containers. The shell scripts
// are tested by running them with the host's /bin/sh.
package pipeline
