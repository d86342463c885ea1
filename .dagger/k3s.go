package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/efortin/vllm-chill/.dagger/internal/dagger"

	"github.com/efortin/vllm-chill/internal/pipeline"
)

// kubeconfigInContainer is where test containers find the rewritten kubeconfig.
const kubeconfigInContainer = "/kube/config"

// kubeconfigTimeoutSeconds bounds the wait for k3s to write its kubeconfig.
const kubeconfigTimeoutSeconds = 120

// k3sService is a k3s server in a container. Cluster state lives on fresh tmpfs
// mounts, so nothing survives the service; the only volume carries the
// kubeconfig out and is named after the run id and slot, so two runs (or two
// matrix entries) never read each other's credentials.
func (m *VllmChill) k3sService(image, slot string) (*dagger.Service, error) {
	if err := pipeline.CheckRunID(m.RunID); err != nil {
		return nil, err
	}
	ctr := dag.Container().From(image).
		WithNewFile(pipeline.K3sEntrypointPath, pipeline.K3sEntrypoint, dagger.ContainerWithNewFileOpts{Permissions: 0o755}).
		WithEntrypoint([]string{pipeline.K3sEntrypointPath}).
		WithMountedCache(pipeline.K3sKubeconfigDir, m.kubeconfigVolume(slot)).
		WithExposedPort(pipeline.K3sPort)
	for _, dir := range pipeline.K3sStateDirs {
		ctr = ctr.WithMountedTemp(dir)
	}
	return ctr.AsService(dagger.ContainerAsServiceOpts{
		Args:          pipeline.K3sServerArgs(pipeline.K3sAlias),
		UseEntrypoint: true,
		// k3s runs containerd and the kubelet, which manage cgroups and mounts;
		// nothing else in the graph gets these capabilities.
		InsecureRootCapabilities: true,
	}), nil
}

// kubeconfigVolume is the per-run, per-slot volume k3s writes its kubeconfig to.
func (m *VllmChill) kubeconfigVolume(slot string) *dagger.CacheVolume {
	parts := []string{"k3s-kubeconfig", m.RunID}
	if slot != "" {
		parts = append(parts, slot)
	}
	return dag.CacheVolume(pipeline.CacheName(parts...))
}

// cluster is a started k3s service with the kubeconfig k3s wrote for it.
type cluster struct {
	svc *dagger.Service
	raw string
}

// startCluster starts k3s once, explicitly, so every step of a function binds
// the same instance, and reads its kubeconfig.
func (m *VllmChill) startCluster(ctx context.Context, image, slot string) (*cluster, error) {
	svc, err := m.k3sService(image, slot)
	if err != nil {
		return nil, err
	}
	svc, err = svc.Start(ctx)
	if err != nil {
		return nil, fmt.Errorf("start k3s %s: %w", image, err)
	}
	// The service counts as up once port 6443 accepts connections; k3s writes its
	// kubeconfig a little later, so poll for the file in a container sharing the volume.
	raw, err := dag.Container().From(m.GoImage).
		WithMountedCache(pipeline.K3sKubeconfigDir, m.kubeconfigVolume(slot)).
		WithServiceBinding(pipeline.K3sAlias, svc).
		WithExec(pipeline.WaitForFileArgs(pipeline.K3sKubeconfigPath, kubeconfigTimeoutSeconds)).
		Stdout(ctx)
	if err != nil {
		_, _ = svc.Stop(ctx)
		return nil, fmt.Errorf("read kubeconfig of k3s %s: %w", image, err)
	}
	return &cluster{svc: svc, raw: raw}, nil
}

// stop stops the service; a failure only leaks a container the engine reaps
// at the end of the session, so it is not worth failing the tests for.
func (c *cluster) stop(ctx context.Context) { _, _ = c.svc.Stop(ctx) }

// kubeconfigFor rewrites the kubeconfig for server with the context vllm-k3s.
func (c *cluster) kubeconfigFor(ctx context.Context, server string) (*dagger.File, error) {
	data, err := pipeline.RewriteKubeconfig([]byte(c.raw), server, pipeline.KubeContext)
	if err != nil {
		return nil, err
	}
	return dag.Directory().WithNewFile("kubeconfig", string(data)).File("kubeconfig"), nil
}

// attach binds the cluster to ctr as "k3s" and points KUBECONFIG at it, then
// waits with the bootstrap CLI until the API answers: the service health check
// only proved the port was open.
func (c *cluster) attach(ctx context.Context, ctr *dagger.Container) (*dagger.Container, error) {
	kubeconfig, err := c.kubeconfigFor(ctx, pipeline.ServerURL(pipeline.K3sAlias))
	if err != nil {
		return nil, err
	}
	return ctr.
		WithServiceBinding(pipeline.K3sAlias, c.svc).
		WithMountedFile(kubeconfigInContainer, kubeconfig).
		WithExec(pipeline.BootstrapArgs(kubeconfigInContainer, pipeline.KubeContext, "wait")), nil
}

// bootstrap runs bootstrap CLI commands, in order, against a fresh cluster and
// returns what they printed.
func (m *VllmChill) bootstrap(ctx context.Context, image string, commands ...[]string) (string, error) {
	cl, err := m.startCluster(ctx, image, "")
	if err != nil {
		return "", err
	}
	defer cl.stop(ctx)
	ctr, err := cl.attach(ctx, m.goContainer())
	if err != nil {
		return "", err
	}
	// CombinedOutput covers only the last exec, so collect each command's lines.
	var out strings.Builder
	for _, c := range commands {
		ctr = ctr.WithExec(pipeline.BootstrapArgs(kubeconfigInContainer, pipeline.KubeContext, c...))
		lines, err := ctr.CombinedOutput(ctx)
		if err != nil {
			return out.String(), fmt.Errorf("bootstrap %s: %w", strings.Join(c, " "), err)
		}
		out.WriteString(lines)
	}
	return out.String(), nil
}
