module github.com/efortin/vllm-chill/.dagger

go 1.26.4

require github.com/efortin/vllm-chill v0.0.0-00010101000000-000000000000

require (
	go.yaml.in/yaml/v2 v2.4.4 // indirect
	sigs.k8s.io/yaml v1.6.0 // indirect
)

// The module imports plain packages of the repository (internal/pipeline); dagger.json
// lists them under "include" so the engine uploads them next to .dagger.
replace github.com/efortin/vllm-chill => ..
