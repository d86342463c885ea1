package daggercheck

import (
	"testing"

	"github.com/efortin/vllm-chill/internal/repo"
)

// TestModuleAsTheEngineNamesIt applies the engine's naming to every function
// and argument of .dagger and checks every `dagger call` and `dagger check`
// written in the README, docs/, the Taskfiles and the workflows against the
// functions and flags the CLI would offer.
func TestModuleAsTheEngineNamesIt(t *testing.T) {
	root, err := repo.Root()
	if err != nil {
		t.Fatal(err)
	}
	problems, err := Problems(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
	calls, err := FindCalls(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) == 0 {
		t.Fatal("no `dagger call` found in the docs: the check would prove nothing")
	}
	t.Logf("%d documented calls checked", len(calls))
}
