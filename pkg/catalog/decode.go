package catalog

import (
	"errors"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/efortin/vllm-chill/api/v1alpha1"
	"github.com/efortin/vllm-chill/pkg/manifest"
)

// FieldErrors is a list of broken rules of one document. It is the Err of a
// *manifest.Error, so callers get both the file and the fields:
//
//	var fe catalog.FieldErrors
//	if errors.As(err, &fe) { ... fe[0].Field ... }
type FieldErrors field.ErrorList

func (f FieldErrors) Error() string {
	msgs := make([]string, len(f))
	for i, e := range f {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "; ")
}

// DecodeFile reads a YAML file of VLLMModel documents. See Decode.
func DecodeFile(path string) ([]*v1alpha1.VLLMModel, error) {
	docs, err := manifest.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return decodeDocs(docs)
}

// Decode reads YAML VLLMModel documents; name is used in errors. It is
// strict: every document must be a vllm.sir-alfred.io/v1alpha1 VLLMModel,
// unknown fields are errors, required fields must be present (a missing bool
// is not false) and values must have the schema's JSON types. Value rules
// (enums, bounds) are Validate's, except in a document Decode refuses: then
// they are reported with the rest, as the API server does. Errors are *manifest.Error naming the file
// and document; broken rules come as FieldErrors inside.
func Decode(name string, data []byte) ([]*v1alpha1.VLLMModel, error) {
	docs, err := manifest.Parse(name, data)
	if err != nil {
		return nil, err
	}
	return decodeDocs(docs)
}

// LoadFile is DecodeFile followed by Validate on each model: it refuses
// every document the API server would refuse, naming file, document and
// fields. Use it before applying user-written manifests.
func LoadFile(path string) ([]*v1alpha1.VLLMModel, error) {
	docs, err := manifest.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return loadDocs(docs)
}

// LoadDir is LoadFile for every manifest of a directory (see manifest.ReadDir).
func LoadDir(dir string) ([]*v1alpha1.VLLMModel, error) {
	docs, err := manifest.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	return loadDocs(docs)
}

func loadDocs(docs []manifest.Document) ([]*v1alpha1.VLLMModel, error) {
	models, err := decodeDocs(docs)
	if err != nil {
		return nil, err
	}
	var errs []error
	for i, m := range models {
		if fe := Validate(m); len(fe) > 0 {
			errs = append(errs, docs[i].Wrap("validate model", FieldErrors(fe)))
		}
	}
	return models, errors.Join(errs...)
}

func decodeDocs(docs []manifest.Document) ([]*v1alpha1.VLLMModel, error) {
	models := make([]*v1alpha1.VLLMModel, 0, len(docs))
	var errs []error
	for i, d := range docs {
		m, err := FromObject(d.Object.Object)
		if err != nil {
			errs = append(errs, docs[i].Wrap("decode model", err))
			continue
		}
		models = append(models, m)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return models, nil
}

// FromObject strictly converts one decoded JSON object (as a YAML or JSON
// decoder or the API server returns it) into a VLLMModel. The object is not
// modified. Broken rules come back as FieldErrors.
func FromObject(obj map[string]interface{}) (*v1alpha1.VLLMModel, error) {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	if apiVersion != v1alpha1.GroupVersion.String() || kind != v1alpha1.Kind {
		return nil, fmt.Errorf("document is a %s %s, not a %s %s", apiVersion, kind, v1alpha1.GroupVersion, v1alpha1.Kind)
	}
	if errs := checkRaw(obj); len(errs) > 0 {
		// Report the value rules of the well-typed fields too, as the server
		// reports every broken rule at once.
		return nil, FieldErrors(append(errs, valueErrors(obj, errs)...))
	}
	m := &v1alpha1.VLLMModel{}
	// checkRaw covered the root, spec and status completely, so what the
	// strict converter can still refuse is in metadata.
	if err := runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(obj, m, true); err != nil {
		errs := field.ErrorList{field.Invalid(field.NewPath("metadata"), field.OmitValueType{}, err.Error())}
		return nil, FieldErrors(append(errs, valueErrors(obj, nil)...))
	}
	return m, nil
}

// valueErrors runs ValidateSpec on the spec fields that passed checkRaw, so
// a document with a missing field still has its bad enum reported.
func valueErrors(obj map[string]interface{}, rawErrs field.ErrorList) field.ErrorList {
	spec, ok := obj["spec"].(map[string]interface{})
	if !ok {
		return nil
	}
	bad := map[string]bool{}
	for _, e := range rawErrs {
		bad[e.Field] = true
	}
	good := map[string]interface{}{}
	for k, v := range spec {
		if p := "spec." + k; !bad[p] && v != nil {
			good[k] = v
		}
	}
	var s v1alpha1.VLLMModelSpec
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(good, &s); err != nil {
		return nil // checkRaw let only well-typed values through; be safe anyway
	}
	var out field.ErrorList
	for _, e := range ValidateSpec(s, field.NewPath("spec")) {
		if _, present := good[strings.TrimPrefix(e.Field, "spec.")]; present {
			out = append(out, e)
		}
	}
	return out
}
