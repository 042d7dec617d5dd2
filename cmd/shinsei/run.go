package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"text/tabwriter"
)

// Exit codes, as DESIGN.md fixes them for scripts that call shinsei.
const (
	exitOK     = 0
	exitError  = 1
	exitUsage  = 2
	exitReview = 3 // some pages need review or were rejected
)

// exitError carries an exit code other than 1 up to main.
type codeError struct {
	code int
	err  error
}

func (e *codeError) Error() string { return e.err.Error() }
func (e *codeError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &codeError{exitUsage, fmt.Errorf(format, args...)}
}

// exitCode prints err (one line) and returns the process exit code for it.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	code := exitError
	var ce *codeError
	if errors.As(err, &ce) {
		code = ce.code
	}
	if !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(stderr, "shinsei: %v\n", err)
	} else {
		code = exitOK
	}
	return code
}

// env is what every command gets from run: the outside world, passed in so
// tests can supply their own.
type env struct {
	getenv func(string) string
	// setHeapLimit sets the process's soft Go heap limit
	// (debug.SetMemoryLimit); nil leaves it alone.
	setHeapLimit func(int64) int64
	stdin        io.Reader
	stdout       io.Writer
	stderr       io.Writer
	log          *slog.Logger
	global       globalFlags
}

type globalFlags struct {
	store      string
	logLevel   string
	logFormat  string
	retainDays string
}

// globalDefaults are the global flags' values before any flag is parsed.
func globalDefaults(getenv func(string) string) globalFlags {
	g := globalFlags{store: getenv("SHINSEI_STORE"), retainDays: getenv("SHINSEI_RETAIN_DAYS"), logLevel: "info", logFormat: getenv("SHINSEI_LOG_FORMAT")}
	if g.logFormat == "" {
		g.logFormat = "text"
	}
	return g
}

// register adds every global flag to fs with def as its defaults. The same
// list serves before the command and after it, so no global flag can be
// accepted in one place and refused in the other.
func (g *globalFlags) register(fs *flag.FlagSet, def globalFlags) {
	fs.StringVar(&g.store, "store", def.store, "`URL` or folder of the store for documents and cases: /path/to/folder, a relative folder, file:///path/to/folder or s3://bucket/prefix?endpoint=host:port (env SHINSEI_STORE; default $HOME/.local/share/shinsei)")
	fs.StringVar(&g.retainDays, "retain-days", def.retainDays, "keep archived objects write-once for `N` days (S3 object lock; env SHINSEI_RETAIN_DAYS)")
	fs.StringVar(&g.logLevel, "log-level", def.logLevel, "log `level`: debug, info, warn or error (logs go to stderr)")
	fs.StringVar(&g.logFormat, "log-format", def.logFormat, "log `format`: text (key=value) or json (one JSON object a line, for a log collector) (env SHINSEI_LOG_FORMAT)")
}

// command is one subcommand. A command without run is planned but not built
// yet: it says so and exits 2.
type command struct {
	name    string
	args    string // synopsis after the name
	summary string
	details string
	flags   func(fs *flag.FlagSet) // its own flags, besides the global ones
	run     func(ctx context.Context, e *env, args []string) error
	planned string // what will build it, for commands not built yet
}

func commands() []*command {
	return []*command{
		scanCommand(),
		watchCommand(),
		workerCommand(),
		serveCommand(),
		casesCommand(),
		templatesCommand(),
		archiveCommand(),
		auditCommand(),
		usersCommand(),
		versionCommand(),
		storeCommand(),
	}
}

func findCommand(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return nil
}

// run is the whole program: main only adds the process around it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	return runEnv(ctx, &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}, args)
}

// runEnv is run with the process's settings in e (main's: the Go heap
// limit, which tests, sharing one process, leave alone).
func runEnv(ctx context.Context, e *env, args []string) error {
	getenv, stdout, stderr := e.getenv, e.stdout, e.stderr
	fs := flag.NewFlagSet("shinsei", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported once, by exitCode
	e.global.register(fs, globalDefaults(getenv))
	help := fs.Bool("help", false, "show this help")
	fs.BoolVar(help, "h", false, "show this help")
	if err := fs.Parse(args); err != nil {
		return usageErrorf("%v (see 'shinsei --help')", err)
	}
	rest := fs.Args()
	if *help || len(rest) == 0 {
		printUsage(stdout)
		if len(rest) == 0 && !*help {
			return &codeError{exitUsage, errors.New("no command given")}
		}
		return nil
	}
	name, rest := rest[0], rest[1:]
	if name == "help" {
		return runHelp(stdout, rest)
	}
	cmd := findCommand(name)
	if cmd == nil {
		return usageErrorf("unknown command %q (see 'shinsei --help')", name)
	}
	cfs := flag.NewFlagSet("shinsei "+name, flag.ContinueOnError)
	cfs.SetOutput(io.Discard)
	// Global flags are accepted after the command too; values given before
	// it are the defaults.
	e.global.register(cfs, e.global)
	if cmd.flags != nil {
		cmd.flags(cfs)
	}
	positional, err := parseInterleaved(cfs, rest)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printCommandHelp(stdout, cmd)
			return nil
		}
		return usageErrorf("%s: %v (see 'shinsei help %s')", name, err, name)
	}
	logger, err := newLogger(stderr, e.global.logLevel, e.global.logFormat)
	if err != nil {
		return err
	}
	e.log = logger
	if cmd.run == nil {
		return &codeError{exitUsage, fmt.Errorf("%s: not built yet: it comes with %s", name, cmd.planned)}
	}
	return cmd.run(ctx, e, positional)
}

// parseInterleaved parses flags wherever they stand among the arguments, as
// people type them ("shinsei scan a.pdf --json"); after "--" everything is
// an argument.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional, tail []string
	if i := slices.Index(args, "--"); i >= 0 {
		args, tail = args[:i], args[i+1:]
	}
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	return append(positional, tail...), nil
}

func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, usageErrorf("--log-level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: l}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usageErrorf("--log-format %q: want text or json", format)
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, `shinsei reads scanned JPKI certificate forms (申請書, 照会書兼回答書, 失効届出書),
checks them, archives them and matches answer sheets to pending proxy cases.

Usage: shinsei [--store URL] [--log-level L] [--log-format F] COMMAND [ARGS]

Commands:
`)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range commands() {
		note := ""
		if c.run == nil {
			note = " (not built yet)"
		}
		fmt.Fprintf(tw, "  %s\t%s%s\n", c.name, c.summary, note)
	}
	fmt.Fprintf(tw, "  help\t%s\n", "show help for a command: shinsei help COMMAND")
	tw.Flush()
	fmt.Fprintln(w, "\nGlobal flags (before or after the command):")
	printFlags(w, globalFlagSet())
	fmt.Fprintln(w, `
Exit codes: 0 done, 1 error, 2 bad usage or not built yet, 3 some pages need review.`)
}

func globalFlagSet() *flag.FlagSet {
	fs := flag.NewFlagSet("global", flag.ContinueOnError)
	var g globalFlags
	g.register(fs, globalDefaults(func(string) string { return "" }))
	return fs
}

func printFlags(w io.Writer, fs *flag.FlagSet) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		if name != "" {
			name = " " + name
		}
		def := ""
		if f.DefValue != "" && f.DefValue != "false" {
			def = fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(tw, "  --%s%s\t%s%s\n", f.Name, name, usage, def)
	})
	tw.Flush()
}

func runHelp(w io.Writer, args []string) error {
	if len(args) == 0 {
		printUsage(w)
		return nil
	}
	cmd := findCommand(args[0])
	if cmd == nil {
		return usageErrorf("help: unknown command %q (see 'shinsei --help')", args[0])
	}
	printCommandHelp(w, cmd)
	return nil
}

func printCommandHelp(w io.Writer, c *command) {
	fmt.Fprintf(w, "Usage: shinsei %s %s\n\n%s.\n", c.name, c.args, upperFirst(c.summary))
	if c.details != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.details))
	}
	if c.run == nil {
		fmt.Fprintf(w, "\nNot built yet: it comes with %s.\n", c.planned)
	}
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	if c.flags != nil {
		c.flags(fs)
		if hasFlags(fs) {
			fmt.Fprintln(w, "\nFlags:")
			printFlags(w, fs)
		}
	}
	fmt.Fprintln(w, "\nGlobal flags:")
	printFlags(w, globalFlagSet())
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// commandNames lists the commands, for tests and completion.
func commandNames() []string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	return slices.Sorted(slices.Values(names))
}
