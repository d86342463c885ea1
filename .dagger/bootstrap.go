package main

import (
	"context"
	"strings"

	"github.com/efortin/vllm-chill/internal/contract"
	"github.com/efortin/vllm-chill/internal/pipeline"
)

// InstallCrd starts a fresh k3s cluster and installs manifests/crds with the
// bootstrap CLI, which waits until each CRD is Established and discoverable.
// Returns the bootstrap progress lines.
//
// +cache="session"
func (m *VllmChill) InstallCrd(
	ctx context.Context,
	// k3s image; defaults to the constructor's --cluster-image.
	// +optional
	image string,
) (string, error) {
	return m.bootstrap(ctx, m.image(image), []string{"install-crds", "manifests/crds"})
}

// ApplyModels starts a fresh k3s cluster, installs the CRD and applies
// manifests/models, then applies them a second time to show the apply is
// idempotent. Returns the bootstrap progress lines.
//
// +cache="session"
func (m *VllmChill) ApplyModels(
	ctx context.Context,
	// k3s image; defaults to the constructor's --cluster-image.
	// +optional
	image string,
) (string, error) {
	return m.bootstrap(ctx, m.image(image), []string{"setup"}, []string{"apply", "manifests/models"})
}

// bootstrap runs bootstrap CLI commands, in order, against a fresh cluster and
// returns what they printed.
func (m *VllmChill) bootstrap(ctx context.Context, image string, commands ...[]string) (string, error) {
	ctr, err := m.goContainer(ctx)
	if err != nil {
		return "", err
	}
	cl, err := m.startCluster(ctx, image)
	if err != nil {
		return "", err
	}
	defer cl.stop(ctx)
	if ctr, err = cl.attach(ctx, ctr); err != nil {
		return "", err
	}
	// CombinedOutput covers only the last exec, so collect each command's lines.
	var out strings.Builder
	for _, c := range commands {
		ctr = ctr.WithExec(pipeline.BootstrapArgs(kubeconfigInContainer, contract.ContextK3s, c...))
		lines, err := ctr.CombinedOutput(ctx)
		if err != nil {
			return out.String(), stepErr("vllm-bootstrap "+strings.Join(c, " "), err)
		}
		out.WriteString(lines)
	}
	return out.String(), nil
}
