package coverage

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
)

// PartSummary is one part's result and coverage.
type PartSummary struct {
	Result
	Profile *Profile
}

// Summary is what summary.txt reports.
type Summary struct {
	Out      string
	Parts    []PartSummary
	Combined *Profile
	// Tests sums the test cases of every part's JUnit report.
	Tests Counts
	// Missing lists packages of the module with Go files but no coverage
	// block: either they have no statements or their data never arrived.
	Missing []string
}

// universe is every block any profile knows, so every percentage below is
// over the same statements.
func (s *Summary) universe() *Profile {
	u := NewProfile("atomic")
	for _, b := range s.Combined.Blocks() {
		b.Count = 0
		u.Add(b)
	}
	for _, p := range s.Parts {
		u.FillMissingFiles(p.Profile)
	}
	return u
}

// Failures lists why the run as a whole fails: a failed part, or a combined
// total below a part's total (which would mean the merge lost data).
func (s *Summary) Failures() []string {
	var out []string
	for _, p := range s.Parts {
		if !p.Passed {
			out = append(out, fmt.Sprintf("%s part failed: %s", p.Part, p.Message))
		}
	}
	u := s.universe()
	_, comb := s.Combined.Stmts(u)
	for _, p := range s.Parts {
		if _, t := p.Profile.Stmts(u); Percent(comb) < Percent(t) {
			out = append(out, fmt.Sprintf("combined total %.1f%% is below the %s total %.1f%%", Percent(comb), p.Part, Percent(t)))
		}
	}
	return out
}

// Err is nil when every part passed and the combined total is not below
// either part.
func (s *Summary) Err() error {
	if f := s.Failures(); len(f) > 0 {
		return errors.New("coverage: " + strings.Join(f, "; "))
	}
	return nil
}

// Render is the text of summary.txt.
func (s *Summary) Render() string {
	var sb strings.Builder
	sb.WriteString("coverage summary (statements, atomic mode)\n\nparts:\n")
	tw := tabwriter.NewWriter(&sb, 0, 4, 2, ' ', 0)
	for _, p := range s.Parts {
		status := "PASS"
		if !p.Passed {
			status = "FAIL"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%.1fs\t%s\n", p.Part, status, p.Seconds, p.Message)
	}
	tw.Flush()

	u := s.universe()
	perPart := make([]map[string][2]int64, len(s.Parts))
	totals := make([][2]int64, len(s.Parts))
	for i, p := range s.Parts {
		perPart[i], totals[i] = p.Profile.Stmts(u)
	}
	combPkg, combTotal := s.Combined.Stmts(u)
	pkgs := make([]string, 0, len(combPkg))
	for pkg := range combPkg {
		pkgs = append(pkgs, pkg)
	}
	sort.Strings(pkgs)

	sb.WriteString("\n")
	tw = tabwriter.NewWriter(&sb, 0, 4, 2, ' ', tabwriter.AlignRight)
	// Right-aligned numbers, left-aligned names: pad names to one width.
	width := len("package")
	for _, pkg := range pkgs {
		width = max(width, len(pkg))
	}
	fmt.Fprintf(tw, "%-*s\t", width, "package")
	for _, p := range s.Parts {
		fmt.Fprintf(tw, "%s\t", p.Part)
	}
	fmt.Fprint(tw, "combined\tstatements\t\n")
	row := func(name string, parts []float64, comb float64, stmts int64) {
		fmt.Fprintf(tw, "%-*s\t", width, name)
		for _, v := range parts {
			fmt.Fprintf(tw, "%.1f%%\t", v)
		}
		fmt.Fprintf(tw, "%.1f%%\t%d\t\n", comb, stmts)
	}
	for _, pkg := range pkgs {
		vals := make([]float64, len(s.Parts))
		for i := range s.Parts {
			vals[i] = Percent(perPart[i][pkg])
		}
		row(pkg, vals, Percent(combPkg[pkg]), combPkg[pkg][1])
	}
	vals := make([]float64, len(s.Parts))
	for i := range s.Parts {
		vals[i] = Percent(totals[i])
	}
	row("total", vals, Percent(combTotal), combTotal[1])
	tw.Flush()

	if len(s.Missing) > 0 {
		fmt.Fprintf(&sb, "\npackages without coverage data (no statements, or their data never arrived): %s\n", strings.Join(s.Missing, ", "))
	}
	sb.WriteString("\n")
	if f := s.Failures(); len(f) > 0 {
		sb.WriteString("result: FAIL\n")
		for _, line := range f {
			sb.WriteString("  - " + line + "\n")
		}
	} else {
		sb.WriteString("result: PASS (every part passed; combined total not below either part)\n")
	}
	// Last, the plain closing line CI systems read for the number of tests.
	sb.WriteString("tests: " + s.Tests.String() + "\n")
	return sb.String()
}
