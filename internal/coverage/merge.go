package coverage

import (
	"context"
	"fmt"
	"os"
	"strings"
)

// Merge turns the raw data of every part into text profiles, merges them
// with `go tool covdata merge`, writes the HTML and -func reports and the
// summary. It runs whatever the parts' results were, so a failed part still
// leaves its reports; the returned Summary says whether the whole passed.
func Merge(ctx context.Context, o Options) (*Summary, error) {
	if err := o.defaults(ctx); err != nil {
		return nil, err
	}
	s := &Summary{Out: o.Out}
	var inputs []string
	gotest := NewProfile("atomic")
	for _, p := range Parts {
		res := readResult(o, p.Name)
		prof, gt, err := o.writePartProfile(ctx, p.Name)
		if err != nil {
			return nil, err
		}
		if prof.Len() > 0 {
			inputs = append(inputs, o.layout().Raw(p.Name))
		}
		for _, b := range gt.Blocks() {
			gotest.Add(b)
		}
		counts, err := CountJUnit(o.layout().JUnit(p.Name))
		if err != nil {
			return nil, err
		}
		s.Tests = s.Tests.Add(counts)
		s.Parts = append(s.Parts, PartSummary{Result: *res, Profile: prof})
	}

	merged := o.layout().Raw("merged")
	if err := os.RemoveAll(merged); err != nil {
		return nil, fmt.Errorf("clean %s: %w", merged, err)
	}
	if err := os.MkdirAll(merged, 0o755); err != nil {
		return nil, err
	}
	if len(inputs) > 0 {
		if _, err := o.output(ctx, o.Go, "tool", "covdata", "merge", "-i="+strings.Join(inputs, ","), "-o="+merged); err != nil {
			return nil, fmt.Errorf("merge the coverage data: %w", err)
		}
	}
	combined, err := o.textfmt(ctx, merged, o.layout().Textfmt("merged"))
	if err != nil {
		return nil, fmt.Errorf("convert the merged coverage data: %w", err)
	}
	combined.FillMissingFiles(gotest)
	s.Combined = combined
	combinedPath := o.layout().Combined()
	if err := combined.WriteFile(combinedPath); err != nil {
		return nil, err
	}
	if combined.Len() > 0 {
		// cover resolves import paths to source files, so it runs in the module.
		if _, err := o.output(ctx, o.Go, "tool", "cover", "-html="+combinedPath, "-o="+o.layout().CombinedHTML()); err != nil {
			return nil, fmt.Errorf("write the HTML report: %w", err)
		}
		fn, err := o.output(ctx, o.Go, "tool", "cover", "-func="+combinedPath)
		if err != nil {
			return nil, fmt.Errorf("write the per-function report: %w", err)
		}
		if err := os.WriteFile(o.layout().CombinedFunc(), []byte(fn), 0o644); err != nil {
			return nil, err
		}
	} else {
		// An empty report still exists, so a consumer never finds it missing.
		html := "<html><body><p>No coverage data: every part failed before writing any.</p></body></html>\n"
		if err := os.WriteFile(o.layout().CombinedHTML(), []byte(html), 0o644); err != nil {
			return nil, err
		}
	}

	// golang/go#73842 and friends lose packages silently: name any package
	// of the module that has code but no line in the combined profile.
	if list, err := o.output(ctx, o.Go, "list", "-f", "{{if .GoFiles}}{{.ImportPath}}{{end}}", "./..."); err == nil {
		have := map[string]bool{}
		for _, b := range combined.Blocks() {
			have[b.pkg()] = true
		}
		for _, pkg := range strings.Fields(list) {
			if !have[pkg] {
				s.Missing = append(s.Missing, pkg)
			}
		}
	}

	text := s.Render()
	if err := os.WriteFile(o.layout().Summary(), []byte(text), 0o644); err != nil {
		return nil, fmt.Errorf("write the summary: %w", err)
	}
	fmt.Fprint(o.Stdout, text)
	return s, nil
}

// writePartProfile converts a part's GOCOVERDIR data into its text profile
// (Layout.Profile), completed with the packages only go test's own profile
// lists, and returns both.
func (o *Options) writePartProfile(ctx context.Context, part string) (prof, gotest *Profile, err error) {
	prof, err = o.textfmt(ctx, o.layout().Raw(part), o.layout().Textfmt(part))
	if err != nil {
		return nil, nil, fmt.Errorf("convert the %s coverage data: %w", part, err)
	}
	if gotest, err = ReadProfile(o.layout().GotestProfile(part)); err != nil {
		return nil, nil, err
	}
	prof.FillMissingFiles(gotest)
	if err := prof.WriteFile(o.layout().Profile(part)); err != nil {
		return nil, nil, err
	}
	return prof, gotest, nil
}

// textfmt converts a GOCOVERDIR directory to a text profile; a directory
// without data (the part failed to build) gives an empty profile.
func (o *Options) textfmt(ctx context.Context, dir, out string) (*Profile, error) {
	entries, _ := os.ReadDir(dir)
	hasMeta := false
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "covmeta.") {
			hasMeta = true
		}
	}
	if !hasMeta {
		return NewProfile("atomic"), nil
	}
	if _, err := o.output(ctx, o.Go, "tool", "covdata", "textfmt", "-i="+dir, "-o="+out); err != nil {
		return nil, err
	}
	return ReadProfile(out)
}
