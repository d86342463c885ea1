package coverage

import (
	"context"
	"fmt"
	"os"
	"sync"

	"github.com/efortin/vllm-chill/internal/proc"
)

// Commands are the steps the tool runs, by name, and what each does.
var Commands = map[string]string{
	"unit":        "the unit tests, with coverage",
	"integration": "the integration suite (needs KUBECONFIG and VLLM_KUBE_CONTEXT), with coverage",
	"merge":       "merge both parts' data into the combined reports and summary.txt",
	"all":         "unit, integration, then merge (the merge runs even after a failed part)",
}

// Run runs one command: its parts in order (stopping early only when ctx
// ends), then the merge for merge and all. Every report is written whatever
// happens; the error says what failed: a part, the merge, or the combined
// total falling below a part.
func Run(ctx context.Context, o Options, command string) error {
	var parts []Part
	merge := false
	switch command {
	case "unit":
		parts = []Part{Unit}
	case "integration":
		parts = []Part{o.integrationPart()}
	case "merge":
		merge = true
	case "all":
		parts, merge = []Part{Unit, o.integrationPart()}, true
	default:
		return fmt.Errorf("unknown command %q", command)
	}
	failed, err := runParts(ctx, o, parts)
	if err != nil {
		return err
	}
	if merge {
		s, err := Merge(ctx, o)
		if err != nil {
			return fmt.Errorf("merge: %w", err)
		}
		if err := s.Err(); err != nil {
			return err
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%v part failed (see the JUnit reports in %s)", failed, o.Out)
	}
	return nil
}

// runParts runs the parts, one after the other or (Parallel) side by side,
// and names those that failed. Sequentially, a cancelled ctx ends the run
// before the next part starts.
func runParts(ctx context.Context, o Options, parts []Part) (failed []string, err error) {
	results := make([]*Result, len(parts))
	errs := make([]error, len(parts))
	if o.Parallel && len(parts) > 1 {
		stdout, stderr := o.Stdout, o.Stderr
		if stdout == nil {
			stdout = os.Stdout
		}
		if stderr == nil {
			stderr = os.Stderr
		}
		var wg sync.WaitGroup
		for i, p := range parts {
			po := o
			po.Stdout = proc.PrefixLines(stdout, p.Name+" | ")
			po.Stderr = proc.PrefixLines(stderr, p.Name+" | ")
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = RunPart(ctx, po, p)
			}()
		}
		wg.Wait()
	} else {
		for i, p := range parts {
			if results[i], errs[i] = RunPart(ctx, o, p); errs[i] != nil || ctx.Err() != nil {
				break
			}
		}
	}
	for i, p := range parts {
		switch {
		case errs[i] != nil:
			return nil, fmt.Errorf("%s: %w", p.Name, errs[i])
		case results[i] != nil && !results[i].Passed:
			failed = append(failed, p.Name)
		}
	}
	return failed, nil
}
