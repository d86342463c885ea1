package pipeline

import (
	"strings"
	"testing"
)

func TestK3sImageFor(t *testing.T) {
	cases := map[string]string{
		"v1.37.2":                  "rancher/k3s:v1.37.2-k3s1",
		"1.37.2":                   "rancher/k3s:v1.37.2-k3s1",
		" v1.36.7 ":                "rancher/k3s:v1.36.7-k3s1",
		"v1.37.2+k3s2":             "rancher/k3s:v1.37.2-k3s2",
		"v1.37.2-k3s3":             "rancher/k3s:v1.37.2-k3s3",
		"rancher/k3s:v1.37.2-k3s1": "rancher/k3s:v1.37.2-k3s1",
		"mirror.example/k3s:dev":   "mirror.example/k3s:dev",
	}
	for in, want := range cases {
		got, err := K3sImageFor(in)
		if err != nil || got != want {
			t.Errorf("K3sImageFor(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"1.37":     "give a patch release",
		"latest":   "want vMAJOR.MINOR.PATCH",
		"v1.37.2x": "want vMAJOR.MINOR.PATCH",
	} {
		if _, err := K3sImageFor(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("K3sImageFor(%q) error = %v, want %q", in, err, want)
		}
	}
}

func TestExpandMatrix(t *testing.T) {
	got, err := ExpandMatrix([]string{"v1.37.2", "1.37.2+k3s1", "", "v1.36.7", "reg.example:5000/k3s:v1.35.1-k3s1"})
	if err != nil {
		t.Fatal(err)
	}
	want := []MatrixEntry{
		{"v1.37.2", "rancher/k3s:v1.37.2-k3s1", "v1.37.2-k3s1"},
		{"v1.36.7", "rancher/k3s:v1.36.7-k3s1", "v1.36.7-k3s1"},
		{"reg.example:5000/k3s:v1.35.1-k3s1", "reg.example:5000/k3s:v1.35.1-k3s1", "v1.35.1-k3s1"},
	}
	if len(got) != len(want) {
		t.Fatalf("ExpandMatrix = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if _, err := ExpandMatrix([]string{" ", ""}); err == nil || !strings.Contains(err.Error(), "no kubernetes versions") {
		t.Errorf("empty matrix error = %v", err)
	}
	if _, err := ExpandMatrix([]string{"1.36", "bad", "v1.37.2"}); err == nil || !strings.Contains(err.Error(), `"1.36"`) || !strings.Contains(err.Error(), `"bad"`) {
		t.Errorf("error = %v, want both bad versions named", err)
	}
	if n := imageName("reg.example:5000/k3s"); n != "reg.example_5000_k3s" {
		t.Errorf("imageName without tag = %q", n)
	}
}
