// Command daggercheck replays, without a Dagger engine, the two file views the
// engine gives this repository's module; see internal/daggercheck.
//
// Usage (from the repository root):
//
//	go run ./hack/daggercheck [upload] [-keep]   the engine's upload: go mod tidy, build, vet
//	go run ./hack/daggercheck include [-w]       dagger.json's include, derived; -w writes it
//	go run ./hack/daggercheck view [GOTESTFLAGS] the unit tests in the constructor's source view
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/efortin/vllm-chill/internal/contract"
	"github.com/efortin/vllm-chill/internal/daggercheck"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "daggercheck:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	cmd := "upload"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "upload":
		fs := flag.NewFlagSet("upload", flag.ContinueOnError)
		keep := fs.Bool("keep", false, "keep the replayed upload under .cache/daggercheck/upload")
		if err := fs.Parse(args); err != nil {
			return err
		}
		line, err := daggercheck.TypeCheck(".", *keep)
		if err != nil {
			return err
		}
		fmt.Println("daggercheck:", line)
	case "include":
		fs := flag.NewFlagSet("include", flag.ContinueOnError)
		write := fs.Bool("w", false, "write the derived include into dagger.json")
		if err := fs.Parse(args); err != nil {
			return err
		}
		return include(*write)
	case "view":
		return daggercheck.UnitTestsInView(ctx, ".", args, os.Stdout)
	default:
		return fmt.Errorf("unknown command %q: want upload, include or view", cmd)
	}
	return nil
}

func include(write bool) error {
	if write {
		changed, err := daggercheck.WriteInclude(".", contract.Module)
		if err != nil {
			return err
		}
		if changed {
			fmt.Println("daggercheck: dagger.json's include rewritten")
		} else {
			fmt.Println("daggercheck: dagger.json's include is already the derived one")
		}
		return nil
	}
	list, why, err := daggercheck.Include(".", contract.Module)
	if err != nil {
		return err
	}
	for _, inc := range list {
		fmt.Printf("%-28s %s\n", inc, why[inc])
	}
	return nil
}
