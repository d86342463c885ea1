package pipeline

import (
	"strings"
	"testing"
)

func TestRunIDsAndNonces(t *testing.T) {
	if a, b := NewRunID(), NewRunID(); a == b {
		t.Errorf("two run ids are equal: %q", a)
	}
	if a, b := NewNonce(), NewNonce(); a == b {
		t.Errorf("two nonces are equal: %q", a)
	}
	for _, id := range []string{NewRunID(), "ci-42", "dev"} {
		if err := CheckRunID(id); err != nil {
			t.Errorf("CheckRunID(%q) = %v", id, err)
		}
	}
	for _, id := range []string{"", "Upper", "-lead", "has space", "a/b", strings.Repeat("a", 64)} {
		if err := CheckRunID(id); err == nil || !strings.Contains(err.Error(), "--run-id") {
			t.Errorf("CheckRunID(%q) = %v, want an error naming --run-id", id, err)
		}
	}
	if got := CacheName("cluster", "dev"); got != "vllm-chill-cluster-dev" {
		t.Errorf("CacheName = %q", got)
	}
}
