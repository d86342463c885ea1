package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// VLLMModelSpec is how vLLM must serve one model. Field names follow the vLLM
// OpenAI server flags they render to (see catalog.Args).
type VLLMModelSpec struct {
	// ModelName is the Hugging Face repository or path passed as --model.
	// +kubebuilder:validation:MinLength=1
	ModelName string `json:"modelName"`

	// ServedModelName is the name clients ask for; vllm-chill routes by it.
	// +kubebuilder:validation:MinLength=1
	ServedModelName string `json:"servedModelName"`

	// ToolCallParser selects vLLM's tool-call parser; empty means none.
	// +optional
	// +kubebuilder:default=""
	// +kubebuilder:validation:Enum="";hermes;mistral;llama3_json;internlm2;qwen3_coder;granite
	ToolCallParser string `json:"toolCallParser,omitempty"`

	// ReasoningParser selects vLLM's reasoning parser; empty means none.
	// +optional
	// +kubebuilder:default=""
	// +kubebuilder:validation:Enum="";deepseek_r1
	ReasoningParser string `json:"reasoningParser,omitempty"`

	// MaxModelLen is the context length in tokens.
	// +kubebuilder:validation:Minimum=512
	MaxModelLen int64 `json:"maxModelLen"`

	// The CEL rule repeats the minimum because the API server's OpenAPI
	// check compares a whole-number value with int64(minimum), so a bare 0
	// passes "minimum: 0.1"; CEL sees every number of a `type: number`
	// field as a double. (Kept out of the doc comment, which is the CRD's
	// description.)

	// GPUMemoryUtilization is the fraction of GPU memory vLLM may take.
	// +kubebuilder:validation:Minimum=0.1
	// +kubebuilder:validation:XValidation:rule="self >= 0.1",message="must be at least 0.1"
	// +kubebuilder:validation:Maximum=1.0
	GPUMemoryUtilization float64 `json:"gpuMemoryUtilization"`

	// EnableChunkedPrefill splits long prefills into chunks.
	EnableChunkedPrefill bool `json:"enableChunkedPrefill"`

	// MaxNumBatchedTokens bounds the tokens of one batch.
	// +kubebuilder:validation:Minimum=1
	MaxNumBatchedTokens int64 `json:"maxNumBatchedTokens"`

	// MaxNumSeqs bounds the sequences of one batch.
	// +kubebuilder:validation:Minimum=1
	MaxNumSeqs int64 `json:"maxNumSeqs"`

	// Dtype is the weight and activation data type.
	// +kubebuilder:validation:Enum=auto;half;float16;bfloat16;float;float32
	Dtype string `json:"dtype"`

	// DisableCustomAllReduce turns off vLLM's custom all-reduce kernel.
	DisableCustomAllReduce bool `json:"disableCustomAllReduce"`

	// EnablePrefixCaching turns on automatic prefix caching.
	EnablePrefixCaching bool `json:"enablePrefixCaching"`

	// EnableAutoToolChoice lets the model decide when to call tools.
	EnableAutoToolChoice bool `json:"enableAutoToolChoice"`
}

// Phase is where a model stands in its lifecycle.
// +kubebuilder:validation:Enum=Pending;Ready;Failed
type Phase string

// The phases a model goes through.
const (
	PhasePending Phase = "Pending"
	PhaseReady   Phase = "Ready"
	PhaseFailed  Phase = "Failed"
)

// VLLMModelStatus is what vllm-chill last observed of a model.
type VLLMModelStatus struct {
	// Phase is Pending, Ready or Failed.
	// +optional
	Phase Phase `json:"phase,omitempty"`

	// LastUpdated is when the status last changed.
	// +optional
	LastUpdated *metav1.Time `json:"lastUpdated,omitempty"`

	// Message says why the model is in its phase.
	// +optional
	Message string `json:"message,omitempty"`
}

// VLLMModel declares one model that vllm-chill can serve.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:path=models,singular=model,scope=Cluster,shortName={vm,vllm}
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="Model",type=string,JSONPath=`.spec.modelName`
// +kubebuilder:printcolumn:name="Served As",type=string,JSONPath=`.spec.servedModelName`
// +kubebuilder:printcolumn:name="Status",type=string,JSONPath=`.status.phase`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type VLLMModel struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   VLLMModelSpec   `json:"spec"`
	Status VLLMModelStatus `json:"status,omitempty"`
}

// VLLMModelList is a list of VLLMModel.
//
// +kubebuilder:object:root=true
type VLLMModelList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`

	Items []VLLMModel `json:"items"`
}
