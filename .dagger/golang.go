package main

import (
	"context"

	"github.com/efortin/vllm-chill/.dagger/internal/dagger"

	"github.com/efortin/vllm-chill/internal/pipeline"
)

// goContainer is the Go image with the source at /src, module-prefixed cache
// volumes for downloaded modules and compiled packages, the modules
// downloaded and the repository's tools built. Each of those is an exec of
// its own with no nonce: a warm call finds them cached and a cold one keeps
// `go: downloading` out of the test logs.
func (m *VllmChill) goContainer(ctx context.Context) (*dagger.Container, error) {
	ctr := dag.Container().From(m.GoImage).
		WithMountedCache("/go/pkg/mod", dag.CacheVolume(pipeline.CacheName("go-mod"))).
		WithEnvVariable("GOMODCACHE", "/go/pkg/mod").
		WithMountedCache("/root/.cache/go-build", dag.CacheVolume(pipeline.CacheName("go-build"))).
		WithEnvVariable("GOCACHE", "/root/.cache/go-build").
		WithDirectory("/src", m.Source).
		WithWorkdir("/src")
	for _, args := range pipeline.PrepareArgs() {
		ctr = ctr.WithExec(args)
	}
	ctr, err := ctr.Sync(ctx)
	if err != nil {
		return nil, stepErr("prepare the Go container (go mod download, build the tools)", err)
	}
	// Created up front so the reports can be read even if a tool never starts.
	return ctr.WithDirectory(reportsDir, dag.Directory()), nil
}
