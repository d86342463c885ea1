// Package v1alpha1 holds the VLLMModel API: one cluster-scoped resource per
// model that vllm-chill can serve.
//
// +kubebuilder:object:generate=true
// +groupName=vllm.sir-alfred.io
package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var (
	// GroupVersion is the API group and version of every type in this package.
	GroupVersion = schema.GroupVersion{Group: "vllm.sir-alfred.io", Version: "v1alpha1"}

	// SchemeBuilder registers the types of this package with a scheme.
	SchemeBuilder = runtime.NewSchemeBuilder(addKnownTypes)

	// AddToScheme adds the types of this package to a scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)

// Resource names as served by the CRD; clients address models through them.
const (
	Kind     = "VLLMModel"
	Plural   = "models"
	Singular = "model"
	CRDName  = Plural + ".vllm.sir-alfred.io"
)

// GroupVersionResource is the resource a dynamic or REST client talks to.
var GroupVersionResource = GroupVersion.WithResource(Plural)

func addKnownTypes(scheme *runtime.Scheme) error {
	scheme.AddKnownTypes(GroupVersion, &VLLMModel{}, &VLLMModelList{})
	metav1.AddToGroupVersion(scheme, GroupVersion)
	return nil
}
