package coverage

import (
	"strings"
	"testing"
)

const unitText = `mode: atomic
example.com/m/a/a.go:3.14,5.2 2 4
example.com/m/a/a.go:7.14,9.2 2 0
example.com/m/b/b.go:3.14,5.2 1 0
`

func mustParse(t *testing.T, s string) *Profile {
	t.Helper()
	p, err := ParseProfile(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestParseProfileSumsRepeatedBlocks(t *testing.T) {
	p := mustParse(t, unitText+"example.com/m/b/b.go:3.14,5.2 1 3\n")
	if p.Len() != 3 {
		t.Fatalf("want 3 distinct blocks, got %d", p.Len())
	}
	per, total := p.Stmts(p)
	if got := Percent(per["example.com/m/b"]); got != 100 {
		t.Errorf("package b: want 100%% once the repeated block is summed, got %.1f%%", got)
	}
	if total != [2]int64{3, 5} {
		t.Errorf("total: want 3 of 5 statements, got %v", total)
	}
}

func TestParseProfileRejectsGarbage(t *testing.T) {
	if _, err := ParseProfile(strings.NewReader("mode: atomic\nnot a block\n")); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("want an error naming line 2, got %v", err)
	}
}

// A package that never wrote binary data must still count, at 0%, or the
// totals would leave it out.
func TestFillMissingFilesAddsOnlyAbsentFiles(t *testing.T) {
	p := mustParse(t, "mode: atomic\nexample.com/m/a/a.go:3.14,5.2 2 4\n")
	p.FillMissingFiles(mustParse(t, unitText))
	blocks := p.Blocks()
	if len(blocks) != 2 {
		t.Fatalf("want a.go's own block plus b.go's, got %v", blocks)
	}
	if blocks[0].Count != 4 || blocks[1].File != "example.com/m/b/b.go" || blocks[1].Count != 0 {
		t.Fatalf("unexpected blocks %v", blocks)
	}
}

func TestSummaryFailsWhenCombinedIsBelowAPart(t *testing.T) {
	unit := mustParse(t, unitText)
	s := &Summary{
		Parts: []PartSummary{
			{Result: Result{Part: "unit", Passed: true}, Profile: unit},
			{Result: Result{Part: "integration", Passed: true}, Profile: NewProfile("atomic")},
		},
		// A merge that lost data: nothing covered.
		Combined: mustParse(t, strings.ReplaceAll(unitText, " 2 4", " 2 0")),
	}
	err := s.Err()
	if err == nil || !strings.Contains(err.Error(), "below the unit total") {
		t.Fatalf("want a failure naming the unit total, got %v", err)
	}
	if !strings.Contains(s.Render(), "result: FAIL") {
		t.Fatalf("summary does not say FAIL:\n%s", s.Render())
	}
}

func TestSummaryNamesTheFailedPart(t *testing.T) {
	unit := mustParse(t, unitText)
	s := &Summary{
		Parts: []PartSummary{
			{Result: Result{Part: "unit", Passed: true}, Profile: unit},
			{Result: Result{Part: "integration", Message: "not run (no integration-result.json)"}, Profile: NewProfile("atomic")},
		},
		Combined: unit,
	}
	text := s.Render()
	for _, want := range []string{"integration  FAIL", "integration part failed: not run", "total", "40.0%"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
}
