//go:build integration

package test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"

	"github.com/efortin/vllm-chill/api/v1alpha1"
)

var crdGVR = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

func TestCRDIsEstablished(t *testing.T) {
	crd, err := suite.dynamic.Resource(crdGVR).Get(ctxFor(t, callTimeout), v1alpha1.CRDName, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get CRD %s: %v", v1alpha1.CRDName, err)
	}
	conds, _, _ := unstructured.NestedSlice(crd.Object, "status", "conditions")
	status := map[string]string{}
	for _, c := range conds {
		if m, ok := c.(map[string]any); ok {
			status[fmt.Sprint(m["type"])] = fmt.Sprint(m["status"])
		}
	}
	for _, want := range []string{"Established", "NamesAccepted"} {
		if status[want] != "True" {
			t.Errorf("CRD %s condition %s = %q, want True (all: %v)", v1alpha1.CRDName, want, status[want], status)
		}
	}
}

// Discovery is what kubectl resolves `kubectl get vm` through, so the short
// names are checked there rather than in the CRD object.
func TestCRDServedUnderShortNames(t *testing.T) {
	list, err := suite.disco.ServerResourcesForGroupVersion(v1alpha1.GroupVersion.String())
	if err != nil {
		t.Fatalf("discover %s: %v", v1alpha1.GroupVersion, err)
	}
	var res *metav1.APIResource
	var names []string
	for i := range list.APIResources {
		names = append(names, list.APIResources[i].Name)
		if list.APIResources[i].Name == v1alpha1.Plural {
			res = &list.APIResources[i]
		}
	}
	if res == nil {
		t.Fatalf("discovery of %s lacks %q; it serves %v", v1alpha1.GroupVersion, v1alpha1.Plural, names)
	}
	for _, short := range []string{"vm", "vllm"} {
		if !slices.Contains(res.ShortNames, short) {
			t.Errorf("resource %s: short names %v lack %q", res.Name, res.ShortNames, short)
		}
	}
	if res.Kind != v1alpha1.Kind || res.Namespaced || res.SingularName != v1alpha1.Singular {
		t.Errorf("resource %s: kind %q namespaced %v singular %q; want %q, cluster-scoped, %q",
			res.Name, res.Kind, res.Namespaced, res.SingularName, v1alpha1.Kind, v1alpha1.Singular)
	}
	if !slices.Contains(names, v1alpha1.Plural+"/status") {
		t.Errorf("discovery lacks the status subresource %s/status; it serves %v", v1alpha1.Plural, names)
	}
}

// The printer columns are only visible in the Table form the server renders
// for kubectl, so the test asks for exactly that.
func TestPrinterColumns(t *testing.T) {
	m := newModel(t, "columns")
	mustApply(t, m)
	if _, err := suite.catalog.SetStatus(ctxFor(t, callTimeout), m.Name, v1alpha1.VLLMModelStatus{Phase: v1alpha1.PhaseReady}); err != nil {
		t.Fatalf("set status of %q: %v", m.Name, err)
	}

	table := getTable(t, "fieldSelector=metadata.name%3D"+url.QueryEscape(m.Name))
	var cols []string
	for _, c := range table.ColumnDefinitions {
		cols = append(cols, c.Name)
	}
	for _, want := range []string{"Name", "Model", "Served As", "Status", "Age"} {
		if !slices.Contains(cols, want) {
			t.Errorf("table columns %v lack %q", cols, want)
		}
	}
	if len(table.Rows) != 1 {
		t.Fatalf("table for %q: want 1 row, got %d", m.Name, len(table.Rows))
	}
	cells := map[string]any{}
	for i, c := range cols {
		if i < len(table.Rows[0].Cells) {
			cells[c] = table.Rows[0].Cells[i]
		}
	}
	want := map[string]string{"Name": m.Name, "Model": m.Spec.ModelName, "Served As": m.Spec.ServedModelName, "Status": string(v1alpha1.PhaseReady)}
	for col, v := range want {
		if fmt.Sprint(cells[col]) != v {
			t.Errorf("row %q column %q = %v, want %q (row %v)", m.Name, col, cells[col], v, cells)
		}
	}
	if age := fmt.Sprint(cells["Age"]); age == "" || age == "<nil>" || age == "<unknown>" {
		t.Errorf("row %q column Age = %q, want a duration", m.Name, age)
	}
}

// getTable lists models in the server-rendered Table form.
func getTable(t *testing.T, query string) *metav1.Table {
	t.Helper()
	client, err := rest.HTTPClientFor(suite.cfg)
	if err != nil {
		t.Fatalf("HTTP client: %v", err)
	}
	u := strings.TrimSuffix(suite.cfg.Host, "/") + "/apis/" + v1alpha1.GroupVersion.String() + "/" + v1alpha1.Plural + "?" + query
	req, err := http.NewRequestWithContext(ctxFor(t, callTimeout), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s as Table: %v", u, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s as Table: %s: %s", u, resp.Status, body)
	}
	var table metav1.Table
	if err := json.Unmarshal(body, &table); err != nil || table.Kind != "Table" {
		t.Fatalf("GET %s: not a Table (kind %q, err %v): %.300s", u, table.Kind, err, body)
	}
	return &table
}
