package catalog

import (
	"reflect"
	"strings"
	"testing"

	"github.com/efortin/vllm-chill/api/v1alpha1"
)

func TestArgs(t *testing.T) {
	cases := []struct {
		name string
		spec v1alpha1.VLLMModelSpec
		want string
	}{
		{
			name: "qwen3-coder reference model",
			spec: qwen().Spec,
			want: "--model Qwen/Qwen3-Coder-30B-A3B-Instruct-FP8 --served-model-name qwen3-coder-30b-fp8 --max-model-len 112640 --gpu-memory-utilization 0.91 --enable-chunked-prefill --max-num-batched-tokens 8192 --max-num-seqs 16 --dtype float16 --disable-custom-all-reduce --enable-prefix-caching --enable-auto-tool-choice --tool-call-parser qwen3_coder",
		},
		{
			name: "reasoning parser only when set",
			spec: func() v1alpha1.VLLMModelSpec {
				s := qwen().Spec
				s.ToolCallParser, s.ReasoningParser, s.Dtype = "hermes", "deepseek_r1", "auto"
				return s
			}(),
			want: "--model Qwen/Qwen3-Coder-30B-A3B-Instruct-FP8 --served-model-name qwen3-coder-30b-fp8 --max-model-len 112640 --gpu-memory-utilization 0.91 --enable-chunked-prefill --max-num-batched-tokens 8192 --max-num-seqs 16 --dtype auto --disable-custom-all-reduce --enable-prefix-caching --enable-auto-tool-choice --tool-call-parser hermes --reasoning-parser deepseek_r1",
		},
		{
			name: "false booleans and zero values are left out",
			spec: v1alpha1.VLLMModelSpec{ModelName: "m", ServedModelName: "s", MaxModelLen: 4096, GPUMemoryUtilization: 1},
			want: "--model m --served-model-name s --max-model-len 4096 --gpu-memory-utilization 1",
		},
		{
			name: "shortest float form",
			spec: v1alpha1.VLLMModelSpec{GPUMemoryUtilization: 0.1},
			want: "--gpu-memory-utilization 0.1",
		},
		{name: "empty spec", spec: v1alpha1.VLLMModelSpec{}, want: ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Args(tc.spec)
			want := strings.Fields(tc.want)
			if len(want) == 0 {
				want = nil
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Args()\n got: %s\nwant: %s", strings.Join(got, " "), tc.want)
			}
		})
	}
}

func TestArgsOfReferenceModels(t *testing.T) {
	want := map[string]string{
		"qwen3-coder-30b-fp8": "--model Qwen/Qwen3-Coder-30B-A3B-Instruct-FP8 --served-model-name qwen3-coder-30b-fp8 --max-model-len 112640 --gpu-memory-utilization 0.91 --enable-chunked-prefill --max-num-batched-tokens 8192 --max-num-seqs 16 --dtype float16 --disable-custom-all-reduce --enable-prefix-caching --enable-auto-tool-choice --tool-call-parser qwen3_coder",
		"deepseek-r1-fp8":     "--model neuralmagic/DeepSeek-R1-Distill-Qwen-32B-FP8-dynamic --served-model-name deepseek-r1-fp8 --max-model-len 32768 --gpu-memory-utilization 0.91 --enable-chunked-prefill --max-num-batched-tokens 8192 --max-num-seqs 16 --dtype auto --disable-custom-all-reduce --enable-prefix-caching --enable-auto-tool-choice --tool-call-parser hermes --reasoning-parser deepseek_r1",
	}
	models, err := LoadDir(modelsDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(models) != len(want) {
		t.Fatalf("got %d models, want %d", len(models), len(want))
	}
	for _, m := range models {
		if got := strings.Join(Args(m.Spec), " "); got != want[m.Name] {
			t.Errorf("%s:\n got: %s\nwant: %s", m.Name, got, want[m.Name])
		}
	}
}
