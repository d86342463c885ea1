package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLapsAndReport(t *testing.T) {
	file := filepath.Join(t.TempDir(), "sub", "laps")
	t0 := time.Unix(1000, 0)
	for i, args := range [][]string{{"start"}, {"lap", "vet"}, {"lap", "fuzz"}} {
		if err := marks(args, file, t0.Add(time.Duration(i*i)*time.Second)); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	data, _ := os.ReadFile(file)
	var out strings.Builder
	if err := report(&out, string(data), t0.Add(5*time.Second)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"vet   1.0s", "fuzz   3.0s", "total   5.0s"} {
		if !strings.Contains(strings.Join(strings.Fields(out.String()), "   "), strings.Join(strings.Fields(want), "   ")) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	if err := marks([]string{"lap", "x"}, filepath.Join(t.TempDir(), "none"), t0); err == nil || !strings.Contains(err.Error(), "no start") {
		t.Errorf("lap without start: %v", err)
	}
}
