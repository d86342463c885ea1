package main

const usage = `Usage: vllm-bootstrap [global flags] COMMAND [ARGS] [flags]

Prepares a Kubernetes API server for the vllm-chill tests. The kubeconfig
context is always explicit: the kubeconfig's current-context is never used.

Commands:
  wait                wait until the API server is ready and accepts the credentials
  install-crds PATH   server-side apply every CRD in PATH (file or directory), wait
                      until Established and served
  apply PATH          server-side apply every manifest in PATH (file or directory;
                      strict field validation)
  namespace NAME      create namespace NAME if it does not exist
  setup               wait, install-crds, namespace (if --namespace), apply, in that order
  help                print this help

Global flags (also accepted after the command):
  --kubeconfig PATH   kubeconfig path or path list (default $KUBECONFIG, else ~/.kube/config)
  --context NAME      kubeconfig context to use; required (default $VLLM_KUBE_CONTEXT)
  --expect-context NAME
                      refuse to run unless --context is NAME (checked before connecting)
  --timeout DURATION  bound on each wait (default 60s)

setup flags:
  --crds DIR          CRD directory (default manifests/crds; "" skips)
  --models DIR        manifest directory to apply (default manifests/models; "" skips)
  --namespace NAME    namespace to ensure (default: none)

Exit status: 0 success, 1 a step failed (message names the step, file or
context), 2 usage error.

Examples:
  vllm-bootstrap --context vllm-local setup
  vllm-bootstrap --context k3d-vllm-test --expect-context k3d-vllm-test apply manifests/models
  KUBECONFIG=/tmp/kc VLLM_KUBE_CONTEXT=vllm-k3s vllm-bootstrap --timeout 2m wait
`
