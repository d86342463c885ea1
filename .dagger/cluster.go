package main

import (
	"context"
	"errors"
	"time"

	"github.com/efortin/vllm-chill/.dagger/internal/dagger"

	"github.com/efortin/vllm-chill/internal/contract"
	"github.com/efortin/vllm-chill/internal/pipeline"
)

// kubeconfigInContainer is where test containers find the rewritten kubeconfig.
const kubeconfigInContainer = "/kube/config"

// Bounds of the kubeconfig read: a fresh k3s writes it within seconds; a
// cluster with no heartbeat at all is not coming.
const (
	kubeconfigTimeout = 120 * time.Second
	clusterAbsentFor  = 15 * time.Second
)

// What to do when no cluster answers: a kept-up cluster is started by the
// user; a test cluster was started by this call, so its service log tells.
const freshClusterHint = "k3s was started by this call but its entrypoint never ran: see the k3s service output above"

func (m *VllmChill) devClusterHint() string {
	return "start one with `dagger call --run-id " + m.RunID + " cluster up --ports 6443:6443` and keep it running"
}

// Cluster is a k3s cluster to work with from the host. Keep it up with
// `dagger call --run-id dev cluster up --ports 6443:6443` (until Ctrl-C), then
// in another terminal `dagger call --run-id dev kubeconfig export --path
// kubeconfig` writes a kubeconfig for https://localhost:6443 (context
// vllm-k3s). Each call starts a new cluster with fresh state.
//
// +cache="session"
func (m *VllmChill) Cluster(
	// k3s image; defaults to the constructor's --cluster-image.
	// +optional
	image string,
) (*dagger.Service, error) {
	if !m.RunIDGiven {
		return nil, errors.New("cluster: give --run-id before the function name, e.g. `dagger call --run-id dev cluster up --ports 6443:6443`, so that `dagger call --run-id dev kubeconfig` finds this cluster")
	}
	return m.k3s(m.image(image), m.devVolume(), pipeline.NewNonce()), nil
}

// Kubeconfig reads the kubeconfig of the cluster kept up by `cluster up` with
// the same --run-id, with context vllm-k3s and the server rewritten to
// --server. Fails, saying so, when no such cluster is running.
//
// +cache="session"
func (m *VllmChill) Kubeconfig(
	ctx context.Context,
	// API server address written in the kubeconfig: where `cluster up --ports` forwards 6443.
	// +default="https://localhost:6443"
	server string,
) (*dagger.File, error) {
	if !m.RunIDGiven {
		return nil, errors.New("kubeconfig: give the --run-id of a running cluster before the function name, e.g. `dagger call --run-id dev kubeconfig export --path kubeconfig`")
	}
	raw, err := m.readKubeconfig(ctx, m.devVolume(), nil, pipeline.NewNonce(), m.devClusterHint())
	if err != nil {
		return nil, err
	}
	return rewritten(raw, server)
}

// devVolume is the state volume of the cluster kept up for a run id: the one
// place where `cluster` writes and `kubeconfig` reads.
func (m *VllmChill) devVolume() *dagger.CacheVolume {
	return dag.CacheVolume(pipeline.CacheName("cluster", m.RunID))
}

// k3s is a k3s server as a service: agentless and unprivileged unless the
// constructor's --agent asked for pods (pipeline.Cluster says what each mode
// runs). Cluster state lives on fresh tmpfs mounts; the state volume carries
// its kubeconfig and heartbeat out. nonce makes the service unlike any
// earlier one, so it is a new cluster.
func (m *VllmChill) k3s(image string, state *dagger.CacheVolume, nonce string) *dagger.Service {
	mode := pipeline.Cluster{Agent: m.Agent}
	ctr := dag.Container().From(image).
		WithNewFile(pipeline.EntrypointPath, mode.Entrypoint(), dagger.ContainerWithNewFileOpts{Permissions: 0o755}).
		WithEntrypoint([]string{pipeline.EntrypointPath}).
		WithEnvVariable(pipeline.NonceEnv, nonce).
		WithMountedCache(pipeline.StateDir, state).
		WithExposedPort(pipeline.APIPort)
	for _, dir := range pipeline.StateDirs {
		ctr = ctr.WithMountedTemp(dir)
	}
	return ctr.AsService(dagger.ContainerAsServiceOpts{
		Args:                     mode.ServerArgs(),
		UseEntrypoint:            true,
		InsecureRootCapabilities: mode.Privileged(),
	})
}

// readKubeconfig polls the state volume (every 0.1 s, bounded) until a live
// cluster's kubeconfig is there and prints it. svc, when given, is bound so
// that the reader runs while the cluster does; hint says what to do when no
// cluster is running.
func (m *VllmChill) readKubeconfig(ctx context.Context, state *dagger.CacheVolume, svc *dagger.Service, nonce, hint string) (string, error) {
	ctr := dag.Container().From(m.GoImage).
		WithMountedCache(pipeline.StateDir, state).
		WithEnvVariable(pipeline.NonceEnv, nonce)
	if svc != nil {
		ctr = ctr.WithServiceBinding(pipeline.Alias, svc)
	}
	out, err := ctr.WithExec(pipeline.ReadKubeconfigArgs(kubeconfigTimeout, clusterAbsentFor, hint)).Stdout(ctx)
	if err != nil {
		return "", stepErr("read the kubeconfig of k3s (run id "+m.RunID+")", err)
	}
	return out, nil
}

// rewritten is the k3s kubeconfig with server and the context vllm-k3s.
func rewritten(raw, server string) (*dagger.File, error) {
	data, err := pipeline.RewriteKubeconfig([]byte(raw), server, contract.ContextK3s)
	if err != nil {
		return nil, stepErr("rewrite the k3s kubeconfig", err)
	}
	return dag.Directory().WithNewFile("kubeconfig", string(data)).File("kubeconfig"), nil
}

// cluster is a started k3s service with the kubeconfig test containers use.
type cluster struct {
	svc        *dagger.Service
	kubeconfig *dagger.File
}

// startCluster starts a fresh k3s once, explicitly, so every step of a
// function binds the same instance, and reads its kubeconfig.
func (m *VllmChill) startCluster(ctx context.Context, image string) (*cluster, error) {
	nonce := pipeline.NewNonce()
	state := dag.CacheVolume(pipeline.CacheName("cluster", m.RunID, nonce))
	svc, err := m.k3s(image, state, nonce).Start(ctx)
	if err != nil {
		return nil, stepErr("start k3s "+image, err)
	}
	raw, err := m.readKubeconfig(ctx, state, svc, nonce, freshClusterHint)
	if err == nil {
		var kc *dagger.File
		if kc, err = rewritten(raw, pipeline.ServerURL()); err == nil {
			return &cluster{svc: svc, kubeconfig: kc}, nil
		}
	}
	_, _ = svc.Stop(ctx)
	return nil, err
}

// stop stops the service; a failure only leaks a container the engine reaps
// at the end of the session, so it is not worth failing the tests for.
func (c *cluster) stop(ctx context.Context) { _, _ = c.svc.Stop(ctx) }

// attach binds the cluster to ctr as "k3s", points KUBECONFIG at it and waits
// with the bootstrap CLI until the API answers (the service health check only
// proved the port was open). The wait is its own step, so a cluster that never
// answers is reported as such, not as failed tests.
func (c *cluster) attach(ctx context.Context, ctr *dagger.Container) (*dagger.Container, error) {
	ctr, err := ctr.
		WithServiceBinding(pipeline.Alias, c.svc).
		WithMountedFile(kubeconfigInContainer, c.kubeconfig).
		WithExec(pipeline.BootstrapArgs(kubeconfigInContainer, contract.ContextK3s, "wait")).
		Sync(ctx)
	if err != nil {
		return nil, stepErr("wait for the k3s API server", err)
	}
	return ctr, nil
}
