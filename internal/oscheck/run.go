package oscheck

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/efortin/vllm-chill/internal/cli"
)

// DefaultTargets are the Macs people develop on.
var DefaultTargets = []Target{{"darwin", "arm64"}, {"darwin", "amd64"}}

const usage = `Usage: oscheck [-C dir] [-tags list] [-targets list] [-cache dir] [packages]

Type-checks the packages (default ./..., tests included) as each target
would build them, from source and without compiling anything, and prints
every error as file:line:col: message [targets]. Exits 1 when there is one.
A pass is remembered: the same Go files, go.mod, go.sum, toolchain and
request pass again without a check.

  -C dir        run in dir (default: the working directory)
  -tags list    build tags, comma-separated, as go build -tags
  -targets list GOOS/GOARCH pairs, comma-separated (default darwin/arm64,darwin/amd64)
  -cache dir    where passes are remembered (default: the user cache dir's
                vllm-chill/oscheck); -cache= checks every time
`

// Run is the oscheck command: it returns its exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return cli.Exit("oscheck", usage, run(ctx, args, stdout), stdout, stderr)
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := cli.NewFlagSet("oscheck")
	dir := fs.String("C", ".", "")
	tags := fs.String("tags", "", "")
	targetList := fs.String("targets", "", "")
	cacheDir := fs.String("cache", DefaultCacheDir(), "")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	targets := DefaultTargets
	if *targetList != "" {
		targets = nil
		for _, s := range strings.Split(*targetList, ",") {
			t, err := ParseTarget(strings.TrimSpace(s))
			if err != nil {
				return cli.Usagef("-targets: %v", err)
			}
			targets = append(targets, t)
		}
	}
	var tagList []string
	for _, t := range strings.Split(*tags, ",") {
		if t = strings.TrimSpace(t); t != "" {
			tagList = append(tagList, t)
		}
	}

	names := make([]string, len(targets))
	for i, t := range targets {
		names[i] = t.String()
	}
	passed := func(packages int) string {
		return fmt.Sprintf("oscheck: %d packages type-check for %s (tags %q)", packages, strings.Join(names, ", "), *tags)
	}
	key, cacheable := "", false
	if *cacheDir != "" {
		var err error
		if key, cacheable, err = Key(*dir, targets, tagList, fs.Args()); err != nil {
			return err
		}
		if n, ok := cached(*cacheDir, key); cacheable && ok {
			fmt.Fprintf(stdout, "%s: unchanged since it passed (%s)\n", passed(n), *cacheDir)
			return nil
		}
	}

	// One line per problem, with every target that has it: the two darwin
	// targets nearly always fail together.
	var order []Problem
	where := map[Problem][]string{}
	packages := 0
	for _, t := range targets {
		res, err := Check(ctx, *dir, t, tagList, fs.Args()...)
		if err != nil {
			return err
		}
		packages = max(packages, res.Packages)
		for _, p := range res.Problems {
			if where[p] == nil {
				order = append(order, p)
			}
			where[p] = append(where[p], t.String())
		}
	}
	for _, p := range order {
		fmt.Fprintf(stdout, "%s [%s]\n", p, strings.Join(where[p], " "))
	}
	if packages == 0 && len(order) == 0 {
		return fmt.Errorf("no package of %s matched %q: nothing was checked", *dir, fs.Args())
	}
	if len(order) > 0 {
		return cli.ExitCode{Code: cli.ExitStep, Msg: fmt.Sprintf("%d problem(s) for %s (tags %q)", len(order), strings.Join(names, ", "), *tags)}
	}
	fmt.Fprintln(stdout, passed(packages))
	if !cacheable {
		return nil
	}
	// A file edited during the check may not have been seen: remember the
	// pass only for the tree as it was before and after.
	if after, _, err := Key(*dir, targets, tagList, fs.Args()); err != nil || after != key {
		return err
	}
	return remember(*cacheDir, key, packages)
}
