package catalog

import (
	"testing"

	"github.com/efortin/vllm-chill/api/v1alpha1"
)

func TestValidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(*v1alpha1.VLLMModel)
		want   []string // fields with an error, in order; none means valid
	}{
		{name: "reference model", change: func(*v1alpha1.VLLMModel) {}},
		{name: "bounds are inclusive", change: func(m *v1alpha1.VLLMModel) {
			m.Spec.MaxModelLen, m.Spec.GPUMemoryUtilization, m.Spec.MaxNumBatchedTokens, m.Spec.MaxNumSeqs = 512, 0.1, 1, 1
		}},
		{name: "gpu at 1", change: func(m *v1alpha1.VLLMModel) { m.Spec.GPUMemoryUtilization = 1 }},
		{name: "every enum value", change: func(m *v1alpha1.VLLMModel) {
			m.Spec.ToolCallParser, m.Spec.ReasoningParser, m.Spec.Dtype = "granite", "deepseek_r1", "bfloat16"
		}},
		{name: "empty names", change: func(m *v1alpha1.VLLMModel) { m.Spec.ModelName, m.Spec.ServedModelName = "", "" },
			want: []string{"spec.modelName", "spec.servedModelName"}},
		{name: "enums", change: func(m *v1alpha1.VLLMModel) {
			m.Spec.ToolCallParser, m.Spec.ReasoningParser, m.Spec.Dtype = "openai", "qwen3", "int4"
		}, want: []string{"spec.toolCallParser", "spec.reasoningParser", "spec.dtype"}},
		{name: "below minimums", change: func(m *v1alpha1.VLLMModel) {
			m.Spec.MaxModelLen, m.Spec.GPUMemoryUtilization, m.Spec.MaxNumBatchedTokens, m.Spec.MaxNumSeqs = 511, 0.09, 0, -1
		}, want: []string{"spec.maxModelLen", "spec.gpuMemoryUtilization", "spec.maxNumBatchedTokens", "spec.maxNumSeqs"}},
		{name: "gpu above 1", change: func(m *v1alpha1.VLLMModel) { m.Spec.GPUMemoryUtilization = 1.0001 },
			want: []string{"spec.gpuMemoryUtilization"}},
		{name: "status phase", change: func(m *v1alpha1.VLLMModel) { m.Status.Phase = "Running" },
			want: []string{"status.phase"}},
		{name: "name not a DNS subdomain", change: func(m *v1alpha1.VLLMModel) { m.Name = "Qwen_3" },
			want: []string{"metadata.name"}},
		{name: "no name", change: func(m *v1alpha1.VLLMModel) { m.Name = "" },
			want: []string{"metadata.name"}},
		{name: "namespace on a cluster-scoped model", change: func(m *v1alpha1.VLLMModel) { m.Namespace = "default" },
			want: []string{"metadata.namespace"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := qwen()
			tc.change(m)
			errs := Validate(m)
			if len(errs) != len(tc.want) {
				t.Fatalf("got %d errors %v, want fields %v", len(errs), errs, tc.want)
			}
			for i, e := range errs {
				if e.Field != tc.want[i] {
					t.Errorf("error %d names %q, want %q (%v)", i, e.Field, tc.want[i], e)
				}
			}
		})
	}
}
