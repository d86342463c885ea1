// Package manifest reads Kubernetes YAML manifests into unstructured objects.
// It knows nothing about any particular kind: callers (the catalog, the
// bootstrap) decide what a document must be. Every error names the file and,
// for multi-document files, the document.
package manifest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// Document is one non-empty YAML document of a manifest file.
type Document struct {
	// File is the path the document was read from.
	File string
	// Index is the 0-based position among the file's non-empty documents.
	Index int
	// Count is how many non-empty documents the file holds.
	Count int
	// Object is the document as the API server would see it.
	Object *unstructured.Unstructured
	// Raw is the document converted to JSON.
	Raw []byte
}

// ReadFile reads every non-empty document of a YAML file. A file without any
// document is an error: an empty manifest is almost always a mistake.
func ReadFile(path string) ([]Document, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{Op: "read manifest", File: path, Index: -1, Err: err}
	}
	return Parse(path, data)
}

// Parse splits data into YAML documents and converts each to an object.
// name is only used in errors. All broken documents are reported, joined.
func Parse(name string, data []byte) ([]Document, error) {
	chunks, err := split(data)
	if err != nil {
		return nil, &Error{Op: "read manifest", File: name, Index: -1, Err: err}
	}
	// Convert first, then number: comment-only chunks are not documents, and
	// the count in messages must not include them.
	type parsed struct {
		raw []byte
		obj map[string]interface{}
		err error
	}
	var docs []parsed
	for _, c := range chunks {
		raw, obj, err := toObject(c)
		if err == nil && raw == nil {
			continue
		}
		docs = append(docs, parsed{raw, obj, err})
	}
	if len(docs) == 0 {
		return nil, &Error{Op: "read manifest", File: name, Index: -1, Err: errors.New("no YAML document in file")}
	}
	out := make([]Document, 0, len(docs))
	var errs []error
	for i, d := range docs {
		if d.err != nil {
			errs = append(errs, &Error{Op: "read manifest", File: name, Index: i, Count: len(docs), Err: d.err})
			continue
		}
		out = append(out, Document{File: name, Index: i, Count: len(docs), Object: &unstructured.Unstructured{Object: d.obj}, Raw: d.raw})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// Read reads path as ReadDir does when it is a directory, else as ReadFile,
// so a command can take one manifest or a directory of them, as kubectl does.
func Read(path string) ([]Document, error) {
	if info, err := os.Stat(path); err == nil && !info.IsDir() {
		return ReadFile(path)
	}
	return ReadDir(path)
}

// ReadDir reads every *.yaml and *.yml file of dir (not recursive), in name
// order. A missing directory and a directory without manifests are errors.
func ReadDir(dir string) ([]Document, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read manifests dir %q: %w", dir, err)
	}
	var docs []Document
	var errs []error
	found := 0
	for _, e := range entries { // os.ReadDir sorts by name
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if e.IsDir() || (ext != ".yaml" && ext != ".yml") {
			continue
		}
		found++
		d, err := ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		docs = append(docs, d...)
	}
	if found == 0 {
		return nil, fmt.Errorf("%w in %q (want *.yaml or *.yml files)", ErrNoManifests, dir)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return docs, nil
}

// split cuts a YAML stream at "---" lines without parsing it, so a syntax
// error in one document does not hide the others.
func split(data []byte) ([][]byte, error) {
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var chunks [][]byte
	for {
		c, err := r.Read()
		if errors.Is(err, io.EOF) {
			return chunks, nil
		}
		if err != nil {
			return nil, err
		}
		chunks = append(chunks, c)
	}
}

// toObject converts one YAML document to JSON and to a map, the way kubectl
// and the API server do: duplicate keys are errors, integers stay int64.
// It returns nil raw for a document that holds only comments or whitespace.
func toObject(chunk []byte) ([]byte, map[string]interface{}, error) {
	raw, err := yaml.YAMLToJSONStrict(chunk)
	if err != nil {
		return nil, nil, err
	}
	raw = bytes.TrimSpace(raw)
	if bytes.Equal(raw, []byte("null")) {
		return nil, nil, nil
	}
	var v interface{}
	if err := utiljson.Unmarshal(raw, &v); err != nil {
		return nil, nil, err
	}
	obj, ok := v.(map[string]interface{})
	if !ok {
		return nil, nil, fmt.Errorf("document is %s, not an object", jsonKind(v))
	}
	for _, key := range []string{"apiVersion", "kind"} {
		s, ok := obj[key].(string)
		if !ok || s == "" {
			return nil, nil, fmt.Errorf("document has no %s", key)
		}
	}
	return raw, obj, nil
}

// jsonKind names a decoded JSON value the way a YAML author thinks of it.
func jsonKind(v interface{}) string {
	switch v.(type) {
	case []interface{}:
		return "a list"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case int64, float64:
		return "a number"
	default:
		return fmt.Sprintf("a %T", v)
	}
}
