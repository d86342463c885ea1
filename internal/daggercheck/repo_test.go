package daggercheck

import (
	"slices"
	"testing"

	"github.com/efortin/vllm-chill/internal/pipeline"
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

// TestEveryTestFunctionFollowsTheRule: each function that pipeline.Decide
// is tested for exists under that CLI name and takes --allow-failure, and
// verdict exists to apply the rule to exported reports.
func TestEveryTestFunctionFollowsTheRule(t *testing.T) {
	root, err := repo.Root()
	if err != nil {
		t.Fatal(err)
	}
	cfg, m, _, err := loadCLI(root)
	if err != nil {
		t.Fatal(err)
	}
	byCLI := map[string]*Function{}
	for _, f := range m.Objects[m.Main].Functions {
		byCLI[CLIName(FunctionName(f.GoName))] = f
	}
	for fn := range pipeline.FunctionParts {
		f := byCLI[fn]
		if f == nil {
			t.Errorf("pipeline.FunctionParts names %q, which module %s lacks", fn, cfg.Name)
			continue
		}
		if !slices.ContainsFunc(f.Args, func(a *Arg) bool { return CLIName(LookupName(a.GoName)) == "allow-failure" }) {
			t.Errorf("%s: no --allow-failure, so a red run's reports cannot be had", fn)
		}
	}
	if byCLI[pipeline.FnVerdict] == nil {
		t.Errorf("module %s lacks %s", cfg.Name, pipeline.FnVerdict)
	}
}
