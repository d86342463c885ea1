// Package crdschema checks CustomResourceDefinition files and validates
// objects against a CRD schema with the API server's own code (pruning,
// defaulting, OpenAPI schema validation, CEL rules), without a server. It lives apart
// from the catalog because that code pulls in much of the API server.
package crdschema

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/install"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	crdvalidation "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/efortin/vllm-chill/pkg/manifest"
)

var scheme = func() *runtime.Scheme {
	s := runtime.NewScheme()
	install.Install(s)
	return s
}()

// LoadFile reads and checks every CRD of a YAML file. See Check.
func LoadFile(path string) ([]*apiextensionsv1.CustomResourceDefinition, error) {
	docs, err := manifest.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return load(docs)
}

// LoadDir reads and checks every CRD of a directory (see manifest.ReadDir).
func LoadDir(dir string) ([]*apiextensionsv1.CustomResourceDefinition, error) {
	docs, err := manifest.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	return load(docs)
}

func load(docs []manifest.Document) ([]*apiextensionsv1.CustomResourceDefinition, error) {
	var crds []*apiextensionsv1.CustomResourceDefinition
	var errs []error
	for _, d := range docs {
		crd, err := Check(d.Object.Object)
		if err != nil {
			errs = append(errs, d.Wrap("check CRD", err))
			continue
		}
		crds = append(crds, crd)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return crds, nil
}

// Check decodes one object as an apiextensions.k8s.io/v1 CRD, strictly
// (a misspelt schema keyword such as "minimun" is an error), applies the
// server's defaults and runs the validation the API server runs on create,
// including the structural-schema rules. What the server would refuse is
// refused here, before any cluster is involved.
func Check(obj map[string]interface{}) (*apiextensionsv1.CustomResourceDefinition, error) {
	want := apiextensionsv1.SchemeGroupVersion.WithKind("CustomResourceDefinition")
	if obj["apiVersion"] != want.GroupVersion().String() || obj["kind"] != want.Kind {
		return nil, fmt.Errorf("document is a %v %v, not a %s %s", obj["apiVersion"], obj["kind"], want.GroupVersion(), want.Kind)
	}
	crd := &apiextensionsv1.CustomResourceDefinition{}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(obj, crd, true); err != nil {
		return nil, fmt.Errorf("decode CRD: %w", err)
	}
	scheme.Default(crd)
	internal := &apiextensions.CustomResourceDefinition{}
	if err := scheme.Convert(crd, internal, nil); err != nil {
		return nil, fmt.Errorf("convert CRD %q: %w", crd.Name, err)
	}
	if errs := crdvalidation.ValidateCustomResourceDefinition(context.Background(), internal); len(errs) > 0 {
		return nil, fmt.Errorf("invalid CRD %q: %s", crd.Name, joinErrors(errs))
	}
	return crd, nil
}

func joinErrors(errs field.ErrorList) string {
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "; ")
}
