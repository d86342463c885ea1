package daggercheck

import (
	"strings"
	"testing"
)

// TestOldNamesFail runs the check on the module as it was before its names
// were checked (testdata/oldnames: the K3s function, the k3sImage argument,
// and the README's calls of that time), which every call of a real engine
// refused. Each of those must be reported; the call that was right must not.
func TestOldNamesFail(t *testing.T) {
	problems, err := Problems("testdata/oldnames")
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, p := range problems {
		all = append(all, p.String())
	}
	text := strings.Join(all, "\n")
	t.Logf("problems found:\n%s", text)
	for _, want := range []string{
		`argument k3sImage of VllmChill.New: the engine stores it as "k3SImage" and looks it up as "k3Simage"`,
		`function VllmChill.K3s: the CLI spells it "k-3-s"`,
		"README.md:3: `dagger call k3s up --ports 6443:6443`: the module has no function \"k3s\"",
		"README.md:4: `dagger call --k3s-image rancher/k3s:v1.37.2-k3s1 test-integration`: no flag --k3s-image before the function name",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("not reported: %s", want)
		}
	}
	if strings.Contains(text, "README.md:5") {
		t.Errorf("`dagger call test-integration --run TestApply` was right, but is reported")
	}
}
