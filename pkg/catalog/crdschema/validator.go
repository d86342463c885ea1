package crdschema

import (
	"context"
	"fmt"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Validator checks objects of one version of a CRD the way the API server
// checks a create with fieldValidation=Strict: type meta, object metadata,
// unknown fields (pruning), nulls and defaults, then the OpenAPI schema.
// It does not run CEL rules (x-kubernetes-validations) nor admission.
type Validator struct {
	gvk             schema.GroupVersionKind
	namespaced      bool
	structural      *structuralschema.Structural
	schemaValidator apiservervalidation.SchemaValidator
}

// NewValidator builds the validator of version of crd; crd should have
// passed Check.
func NewValidator(crd *apiextensionsv1.CustomResourceDefinition, version string) (*Validator, error) {
	var v1schema *apiextensionsv1.JSONSchemaProps
	for _, ver := range crd.Spec.Versions {
		if ver.Name == version && ver.Schema != nil {
			v1schema = ver.Schema.OpenAPIV3Schema
		}
	}
	if v1schema == nil {
		return nil, fmt.Errorf("CRD %q has no schema for version %q", crd.Name, version)
	}
	internal := &apiextensions.JSONSchemaProps{}
	if err := scheme.Convert(v1schema, internal, nil); err != nil {
		return nil, fmt.Errorf("convert schema of CRD %q: %w", crd.Name, err)
	}
	s, err := structuralschema.NewStructural(internal)
	if err != nil {
		return nil, fmt.Errorf("structural schema of CRD %q: %w", crd.Name, err)
	}
	sv, _, err := apiservervalidation.NewSchemaValidator(internal)
	if err != nil {
		return nil, fmt.Errorf("schema validator of CRD %q: %w", crd.Name, err)
	}
	return &Validator{
		gvk:             schema.GroupVersionKind{Group: crd.Spec.Group, Version: version, Kind: crd.Spec.Names.Kind},
		namespaced:      crd.Spec.Scope == apiextensionsv1.NamespaceScoped,
		structural:      s,
		schemaValidator: sv,
	}, nil
}

// ForFile loads a CRD file with exactly one CRD and returns the validator of
// version. It is the one-liner for tests:
//
//	v, err := crdschema.ForFile("manifests/crds/vllm.sir-alfred.io_models.yaml", "v1alpha1")
func ForFile(path, version string) (*Validator, error) {
	crds, err := LoadFile(path)
	if err != nil {
		return nil, err
	}
	if len(crds) != 1 {
		return nil, fmt.Errorf("load CRD %q: want one CRD, found %d", path, len(crds))
	}
	return NewValidator(crds[0], version)
}

// GroupVersionKind is what the validator accepts.
func (v *Validator) GroupVersionKind() schema.GroupVersionKind { return v.gvk }

// Validate reports what the API server would refuse in obj, as a create
// with strict field validation. obj is not modified.
func (v *Validator) Validate(obj map[string]interface{}) field.ErrorList {
	obj = runtime.DeepCopyJSON(obj)
	if obj["apiVersion"] != v.gvk.GroupVersion().String() {
		return field.ErrorList{field.Invalid(field.NewPath("apiVersion"), obj["apiVersion"], "must be "+v.gvk.GroupVersion().String())}
	}
	if obj["kind"] != v.gvk.Kind {
		return field.ErrorList{field.Invalid(field.NewPath("kind"), obj["kind"], "must be "+v.gvk.Kind)}
	}
	var errs field.ErrorList
	// Metadata is read apart, as the server's schema coercer does, and
	// malformed metadata is an error (the server only drops it on reads).
	meta, _, unknownMeta, err := objectmeta.GetObjectMetaWithOptions(obj, objectmeta.ObjectMetaOptions{ReturnUnknownFieldPaths: true})
	if err != nil {
		return field.ErrorList{field.Invalid(field.NewPath("metadata"), field.OmitValueType{}, err.Error())}
	}
	unknown := append(unknownMeta, pruning.PruneWithOptions(obj, v.structural, true, structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})...)
	for _, p := range unknown {
		errs = append(errs, &field.Error{Type: field.ErrorTypeForbidden, Field: p, Detail: "field not declared in schema"})
	}
	structuraldefaulting.PruneNonNullableNullsWithoutDefaults(obj, v.structural)
	structuraldefaulting.Default(obj, v.structural)
	if meta != nil {
		errs = append(errs, apivalidation.ValidateObjectMeta(meta, v.namespaced, apivalidation.NameIsDNSSubdomain, field.NewPath("metadata"))...)
	} else {
		errs = append(errs, field.Required(field.NewPath("metadata", "name"), "name or generateName is required"))
	}
	errs = append(errs, objectmeta.Validate(context.Background(), nil, obj, v.structural, true)...)
	errs = append(errs, apiservervalidation.ValidateCustomResource(nil, obj, v.schemaValidator)...)
	return errs
}
