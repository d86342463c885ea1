package crdschema

import (
	"context"
	"fmt"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/listtype"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
)

// BlockedCELDetail is the detail of the error the API server adds, with no
// field, when schema errors keep it from running the CEL rules.
const BlockedCELDetail = "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"

// Validator checks objects of one version of a CRD the way the API server
// checks a create with fieldValidation=Strict: type meta, object metadata,
// unknown fields (pruning), nulls and defaults, the OpenAPI schema, list
// types, then the CEL rules (x-kubernetes-validations) with the server's
// cost limits. It does not run admission.
type Validator struct {
	gvk             schema.GroupVersionKind
	namespaced      bool
	structural      *structuralschema.Structural
	schemaValidator apiservervalidation.SchemaValidator
	cel             *cel.Validator // nil when the schema has no CEL rules
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
		// As the server's custom-resource strategy does: programs compiled
		// once, each call bounded by the per-call limit.
		cel: cel.NewValidator(s, true, celconfig.PerCallLimit),
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
	errs = append(errs, listtype.ValidateListSetsAndMaps(nil, v.structural, obj)...)
	return append(errs, v.validateCEL(obj, errs)...)
}

// validateCEL runs the CEL rules unless errs already holds an error the
// server treats as blocking (a rule could not rely on the object's shape);
// then, like the server, it says so in one error without a field.
func (v *Validator) validateCEL(obj map[string]interface{}, errs field.ErrorList) field.ErrorList {
	if v.cel == nil {
		return nil
	}
	for _, e := range errs {
		switch e.Type {
		case field.ErrorTypeNotSupported, field.ErrorTypeRequired, field.ErrorTypeTooLong, field.ErrorTypeTooMany, field.ErrorTypeTypeInvalid:
			return field.ErrorList{field.Invalid(nil, nil, BlockedCELDetail)}
		}
	}
	celErrs, _ := v.cel.Validate(context.Background(), nil, v.structural, obj, nil, celconfig.RuntimeCELCostBudget)
	return celErrs
}
