package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/efortin/vllm-chill/internal/cli"
	"github.com/efortin/vllm-chill/internal/contract"
	"github.com/efortin/vllm-chill/internal/cpbuild"
	"github.com/efortin/vllm-chill/internal/heartbeat"
	"github.com/efortin/vllm-chill/internal/proc"
)

const usage = `Usage: vllm-build COMMAND [flags]

Builds what the local path runs, once, saying what it does and why while it
works (a line at least every 20 s).

Commands:
  controlplane [--controllers]   build etcd and kube-apiserver (and kube-controller-manager)
                                 into the per-user cache unless they are there already, then
                                 print their folder; every clone on this machine shares them
  tools --out DIR PKG...         go build PKG... into DIR (the project's commands, gotestsum),
                                 downloading the modules first, quietly
  where                          print the cache's folder, its entries and their size
  clean                          remove the cache (an entry another run is building stays)
  help                           print this help

The cache: os.UserCacheDir()/vllm-chill/controlplane/<key>, the key naming
the Kubernetes and etcd versions, GOOS-GOARCH, the Go version and a hash of
the pins (tools/controlplane). ` + contract.EnvControlPlaneBinDir + ` names a folder of ready
binaries instead: then nothing is built.

Exit status: 0 success, 1 a step failed, 2 usage error.
`

// slowAfter is when a usually quick step (warm Go caches) is worth a word.
const slowAfter = 2 * time.Second

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return cli.Exit("vllm-build", usage, dispatch(ctx, args, stdout, stderr), stdout, stderr)
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return cli.Usagef("no command given")
	}
	cmd := args[0]
	fs := cli.NewFlagSet(cmd)
	controllers := fs.Bool("controllers", false, "")
	out := fs.String("out", "", "")
	switch cmd {
	case "help", "-h", "--help":
		return cli.ErrHelp
	case "controlplane", "tools", "where", "clean":
	default:
		return cli.Usagef("unknown command %q", cmd)
	}
	if err := cli.Parse(fs, args[1:]); err != nil {
		return err
	}
	switch {
	case cmd != "controlplane" && *controllers:
		return cli.Usagef("%s: --controllers is a flag of controlplane", cmd)
	case cmd != "tools" && *out != "":
		return cli.Usagef("%s: --out is a flag of tools", cmd)
	case cmd == "tools" && (*out == "" || fs.NArg() == 0):
		return cli.Usagef("tools: want --out DIR and at least one package")
	case cmd != "tools" && fs.NArg() > 0:
		return cli.Usagef("%s takes no arguments, got %q", cmd, fs.Args())
	}
	log := proc.PrefixLines(stderr, "vllm-build: ")
	c := &cpbuild.Cache{Out: log}
	switch cmd {
	case "controlplane":
		bin, err := c.Ensure(ctx, cpbuild.Needed(*controllers))
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, bin)
		return nil
	case "where":
		return c.Where(ctx, stdout)
	case "clean":
		return c.Clean(stdout)
	}
	return tools(ctx, "go", *out, fs.Args(), log)
}

// tools downloads the module's dependencies, then builds pkgs into dir;
// both say what they do only when they take a while (cold Go caches).
func tools(ctx context.Context, goCmd, dir string, pkgs []string, log io.Writer) error {
	log = heartbeat.SyncWriter(log)
	err := heartbeat.Slow(log, heartbeat.Interval, slowAfter,
		"downloading the modules the project's commands and tests use (go mod download, output kept for errors): about 30 s on a fresh machine, once",
		"downloading the modules", func() error { return cpbuild.RunGo(ctx, goCmd, "", "mod", "download") })
	if err != nil {
		return err
	}
	names := make([]string, len(pkgs))
	for i, p := range pkgs {
		names[i] = filepath.Base(p)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	intro := fmt.Sprintf("building %s into %s: the first build on a machine compiles client-go and the Kubernetes API types, about 1 min on 2 cores (kube-apiserver's build then reuses them); later ones take seconds", strings.Join(names, ", "), abs)
	return heartbeat.Slow(log, heartbeat.Interval, slowAfter, intro, "building "+strings.Join(names, ", "), func() error {
		// No symbol table or DWARF: the links are faster, and panics still
		// print file and line.
		return cpbuild.RunGo(ctx, goCmd, "", append([]string{"build", "-ldflags=-s -w", "-o", abs + string(filepath.Separator)}, pkgs...)...)
	})
}
