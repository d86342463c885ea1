module github.com/efortin/vllm-chill

go 1.26.4
