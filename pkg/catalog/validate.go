package catalog

import (
	"fmt"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/efortin/vllm-chill/api/v1alpha1"
)

// Enums of the CRD, in the order of the kubebuilder markers on the types.
// The agreement test proves these match manifests/crds.
var (
	ToolCallParsers  = []string{"", "hermes", "mistral", "llama3_json", "internlm2", "qwen3_coder", "granite"}
	ReasoningParsers = []string{"", "deepseek_r1"}
	Dtypes           = []string{"auto", "half", "float16", "bfloat16", "float", "float32"}
	Phases           = []string{string(v1alpha1.PhasePending), string(v1alpha1.PhaseReady), string(v1alpha1.PhaseFailed)}
)

// Bounds of the CRD (the kubebuilder markers spell them as literals; the
// agreement test proves these match manifests/crds).
const (
	MinMaxModelLen          = 512
	MinGPUMemoryUtilization = 0.1
	MaxGPUMemoryUtilization = 1.0
	MinMaxNumBatchedTokens  = 1
	MinMaxNumSeqs           = 1
)

// Validate checks a decoded model against the value rules of the CRD (enums,
// bounds, non-empty strings) and the object-metadata rules the API server
// applies to every resource. It reports every broken rule, not the first.
// Presence and types cannot be seen on a Go struct (a missing bool is false):
// Decode checks those on the raw document.
func Validate(m *v1alpha1.VLLMModel) field.ErrorList {
	var errs field.ErrorList
	// Cluster-scoped, names are DNS subdomains: what the server checks on a CR.
	errs = append(errs, apivalidation.ValidateObjectMeta(&m.ObjectMeta, false, apivalidation.NameIsDNSSubdomain, field.NewPath("metadata"))...)
	errs = append(errs, ValidateSpec(m.Spec, field.NewPath("spec"))...)
	if p := m.Status.Phase; p != "" {
		errs = append(errs, oneOf(field.NewPath("status", "phase"), string(p), Phases)...)
	}
	return errs
}

// ValidateSpec checks the value rules of a spec; fldPath is where it sits.
func ValidateSpec(s v1alpha1.VLLMModelSpec, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if s.ModelName == "" {
		errs = append(errs, field.Invalid(fldPath.Child("modelName"), s.ModelName, "must not be empty"))
	}
	if s.ServedModelName == "" {
		errs = append(errs, field.Invalid(fldPath.Child("servedModelName"), s.ServedModelName, "must not be empty"))
	}
	errs = append(errs, oneOf(fldPath.Child("toolCallParser"), s.ToolCallParser, ToolCallParsers)...)
	errs = append(errs, oneOf(fldPath.Child("reasoningParser"), s.ReasoningParser, ReasoningParsers)...)
	if s.MaxModelLen < MinMaxModelLen {
		errs = append(errs, field.Invalid(fldPath.Child("maxModelLen"), s.MaxModelLen, fmt.Sprintf("should be greater than or equal to %d", MinMaxModelLen)))
	}
	if g := s.GPUMemoryUtilization; g < MinGPUMemoryUtilization || g > MaxGPUMemoryUtilization {
		errs = append(errs, field.Invalid(fldPath.Child("gpuMemoryUtilization"), g, fmt.Sprintf("should be between %g and %g", MinGPUMemoryUtilization, MaxGPUMemoryUtilization)))
	}
	if s.MaxNumBatchedTokens < MinMaxNumBatchedTokens {
		errs = append(errs, field.Invalid(fldPath.Child("maxNumBatchedTokens"), s.MaxNumBatchedTokens, fmt.Sprintf("should be greater than or equal to %d", MinMaxNumBatchedTokens)))
	}
	if s.MaxNumSeqs < MinMaxNumSeqs {
		errs = append(errs, field.Invalid(fldPath.Child("maxNumSeqs"), s.MaxNumSeqs, fmt.Sprintf("should be greater than or equal to %d", MinMaxNumSeqs)))
	}
	errs = append(errs, oneOf(fldPath.Child("dtype"), s.Dtype, Dtypes)...)
	return errs
}

func oneOf(p *field.Path, v string, allowed []string) field.ErrorList {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return field.ErrorList{field.NotSupported(p, v, allowed)}
}
