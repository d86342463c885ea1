package catalog

import (
	"math"
	"reflect"
	"sort"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/efortin/vllm-chill/api/v1alpha1"
)

// A Go struct cannot tell a missing field from its zero value, nor keep a
// wrongly typed one, so presence, JSON types and unknown fields are checked
// on the raw document. The field table is derived from the Go types with the
// same rule controller-gen uses (no omitempty means required), so it cannot
// drift from the CRD; the agreement test proves it.

// jsonField is one property of a JSON object as the CRD declares it.
type jsonField struct {
	name     string
	typ      string // "string", "boolean", "integer", "number", "object", "date-time"
	required bool
}

var (
	rootFields   = fieldsOf(reflect.TypeOf(v1alpha1.VLLMModel{}))
	specFields   = fieldsOf(reflect.TypeOf(v1alpha1.VLLMModelSpec{}))
	statusFields = fieldsOf(reflect.TypeOf(v1alpha1.VLLMModelStatus{}))
	timeType     = reflect.TypeOf(metav1.Time{})
)

func fieldsOf(t reflect.Type) []jsonField {
	var out []jsonField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" { // inline TypeMeta
			out = append(out, fieldsOf(f.Type)...)
			continue
		}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		jf := jsonField{name: name, required: !strings.Contains(opts, "omitempty")}
		switch {
		case ft == timeType:
			jf.typ = "date-time"
		case ft.Kind() == reflect.String:
			jf.typ = "string"
		case ft.Kind() == reflect.Bool:
			jf.typ = "boolean"
		case ft.Kind() == reflect.Int64:
			jf.typ = "integer"
		case ft.Kind() == reflect.Float64:
			jf.typ = "number"
		default:
			jf.typ = "object"
		}
		out = append(out, jf)
	}
	return out
}

// checkRaw reports missing required fields, wrongly typed values and unknown
// fields of the root, spec and status. A null counts as missing, as on the
// server (which prunes nulls of fields that are not nullable).
func checkRaw(obj map[string]interface{}) field.ErrorList {
	var errs field.ErrorList
	// apiVersion and kind are checked by the caller; metadata's inside is
	// the API machinery's, only its being an object is checked here.
	errs = append(errs, checkObject(obj, nil, rootFields, map[string]bool{"apiVersion": true, "kind": true})...)
	if spec, ok := obj["spec"].(map[string]interface{}); ok {
		errs = append(errs, checkObject(spec, field.NewPath("spec"), specFields, nil)...)
	}
	if status, ok := obj["status"].(map[string]interface{}); ok {
		errs = append(errs, checkObject(status, field.NewPath("status"), statusFields, nil)...)
	}
	return errs
}

func checkObject(obj map[string]interface{}, at *field.Path, fields []jsonField, skip map[string]bool) field.ErrorList {
	var errs field.ErrorList
	known := map[string]bool{}
	for _, f := range fields {
		known[f.name] = true
		if skip[f.name] {
			continue
		}
		p := at.Child(f.name)
		if at == nil {
			p = field.NewPath(f.name)
		}
		v, present := obj[f.name]
		if !present || v == nil {
			if f.required {
				errs = append(errs, field.Required(p, ""))
			}
			continue
		}
		if !hasType(v, f.typ) {
			errs = append(errs, field.Invalid(p, v, "must be of type "+typeWord(f.typ)))
		}
	}
	var unknown []string
	for k := range obj {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown) // map order would make messages flaky
	for _, k := range unknown {
		p := field.NewPath(k)
		if at != nil {
			p = at.Child(k)
		}
		errs = append(errs, UnknownField(p.String()))
	}
	return errs
}

// UnknownField is the error for a field the schema does not declare; the
// catalog and the CRD schema validator report it the same way.
func UnknownField(path string) *field.Error {
	return &field.Error{Type: field.ErrorTypeForbidden, Field: path, Detail: "field not declared in schema"}
}

// maxJSONInteger is the largest integer a JSON number (float64) holds exactly;
// the OpenAPI validator refuses larger floats as integers.
const maxJSONInteger = 1<<53 - 1

func hasType(v interface{}, typ string) bool {
	switch typ {
	case "string":
		_, ok := v.(string)
		return ok
	case "date-time":
		s, ok := v.(string)
		if !ok {
			return false
		}
		// metav1.Time only reads RFC 3339; anything else cannot be decoded.
		_, err := time.Parse(time.RFC3339, s)
		return err == nil
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "integer":
		switch n := v.(type) {
		case int64:
			return true
		case float64:
			// 5e3 arrives as a float; the server accepts whole floats.
			return n == math.Trunc(n) && math.Abs(n) <= maxJSONInteger
		}
		return false
	case "number":
		switch v.(type) {
		case int64, float64:
			return true
		}
		return false
	default:
		_, ok := v.(map[string]interface{})
		return ok
	}
}

func typeWord(typ string) string {
	if typ == "date-time" {
		return "string (RFC 3339 date-time)"
	}
	return typ
}
