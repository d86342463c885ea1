package catalog

import (
	"fmt"
	"strings"
	"testing"

	"k8s.io/client-go/rest"

	"github.com/efortin/vllm-chill/api/v1alpha1"
)

func TestPick(t *testing.T) {
	mk := func(name, served string) v1alpha1.VLLMModel {
		m := qwen()
		m.Name, m.Spec.ServedModelName = name, served
		return *m
	}
	models := []v1alpha1.VLLMModel{mk("b", "zeta"), mk("a", "alpha"), mk("c", "dup"), mk("d", "dup")}
	if m, err := pick(models, "alpha"); err != nil || m.Name != "a" {
		t.Errorf("alpha: %v %v", m, err)
	}
	_, err := pick(models, "missing")
	if !IsNotFound(err) || err.Error() != `no model served as "missing" (available: alpha, dup, zeta)` {
		t.Errorf("missing: %v", err)
	}
	if !IsNotFound(fmt.Errorf("wrapped: %w", err)) {
		t.Error("IsNotFound does not see through wrapping")
	}
	if _, err := pick(nil, "x"); err == nil || !strings.Contains(err.Error(), "available: none") {
		t.Errorf("empty: %v", err)
	}
	if _, err := pick(models, "dup"); err == nil || IsNotFound(err) || !strings.Contains(err.Error(), "c, d") {
		t.Errorf("dup: %v", err)
	}
}

func TestNew(t *testing.T) {
	if _, err := New(nil); err == nil {
		t.Error("nil config accepted")
	}
	if _, err := New(&rest.Config{Host: "https://127.0.0.1:1"}, WithFieldManager("")); err == nil {
		t.Error("empty field manager accepted")
	}
	c, err := New(&rest.Config{Host: "https://127.0.0.1:1"}, WithFieldManager("tests"))
	if err != nil || c.FieldManager() != "tests" {
		t.Errorf("New: %v %v", c, err)
	}
}
