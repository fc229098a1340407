// Command commonplace runs a Commonplace hub and administers it from the
// command line.
//
//	commonplace serve --demo              start a hub with sample content
//	commonplace organiser add --admin ... create the first admin
//	commonplace event add --title ...     script every organiser action
//
// Every command acts on one data folder (--data, COMMONPLACE_DATA, default
// ./data) holding the SQLite database. Run `commonplace help` for the list.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	// Embed the IANA time zone database, so event times are right on hosts
	// and containers without one.
	_ "time/tzdata"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/storage"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // the command failed: invalid input, not found, I/O
	exitUsage = 2 // the command line itself was wrong
	// exitCannotRun: the hub's database is from a newer Commonplace, or
	// serve's configuration is invalid. Restarting cannot help, so the
	// systemd unit does not restart on it (RestartPreventExitStatus).
	exitCannotRun = 3
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = "dev"

func main() {
	code := run(context.Background(), os.Args[1:], &stdio{
		stdin:  os.Stdin,
		stdout: os.Stdout,
		stderr: os.Stderr,
		getenv: os.Getenv,
	})
	os.Exit(code)
}

// stdio is the process's outside world, replaceable in tests.
type stdio struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

// command is one node of the command tree: a group with subcommands, or a
// leaf whose setup registers its flags and returns the function to run.
type command struct {
	name string
	// aliases are other names the command answers to: older names kept
	// for scripts (tag for topic). Help names them.
	aliases []string
	args    string // synopsis of positional arguments, e.g. "SLUG"
	summary string
	help    string // extra text shown by --help
	nargs   int    // exact number of positional arguments
	// json registers --json for machine-readable output.
	json bool
	// readOnly commands refuse to create a database that does not exist yet.
	readOnly bool
	// writesConfig commands (init) write the --config file rather than read it.
	writesConfig bool
	// logLevel is the default log level; "" means warn, so that the
	// service's info logs do not clutter command output.
	logLevel string
	// bare commands take no --data, --config or log flags (help, version).
	bare bool
	// network commands reach other servers (following a peer, fetching a
	// calendar) and take --allow-private-addresses, as serve does.
	network bool
	// invalidCannotRun: an invalid setting (EINVALID) exits with
	// exitCannotRun, since running again unchanged cannot help (serve, run
	// by systemd).
	invalidCannotRun bool
	setup            func(fs *flag.FlagSet, env *env) runFunc
	subs             []*command
}

type runFunc func(ctx context.Context, args []string) error

// usageError is a mistake on the command line; it exits with code 2.
type usageError struct{ msg string }

// Error returns the message about the command line.
func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

func commands() []*command {
	return []*command{
		serveCommand(),
		initCommand(),
		organiserCommand(),
		tokenCommand(),
		eventCommand(),
		calendarCommand(),
		peerCommand(),
		commonsCommand(),
		blockCommand(),
		queueCommand(),
		backupCommand(),
		restoreCommand(),
		exportCommand(),
		importCommand(),
		guideCommand(),
		caseStudyCommand(),
		placeCommand(),
		topicCommand(),
		settingsCommand(),
		versionCommand(),
		{name: "help", args: "[COMMAND]", summary: "Show help for commonplace or one command", bare: true},
	}
}

// run executes one command line and returns the exit code.
func run(ctx context.Context, args []string, io *stdio) int {
	root := &command{name: "commonplace", subs: commands()}
	globals, args := leadingFlags(args)
	if len(args) == 0 {
		printGroupHelp(io.stderr, root, nil)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		printGroupHelp(io.stdout, root, nil)
		return exitOK
	case "-v", "-version", "--version":
		fmt.Fprintln(io.stdout, "commonplace", version)
		return exitOK
	case "help":
		return runHelp(io, root, args[1:])
	}

	// Walk down the tree to a leaf.
	cmd, path := root, []string{}
	for len(cmd.subs) > 0 {
		if len(args) == 0 {
			fmt.Fprintf(io.stderr, "commonplace %s: choose a subcommand.\n\n", strings.Join(path, " "))
			printGroupHelp(io.stderr, cmd, path)
			return exitUsage
		}
		if a := args[0]; a == "-h" || a == "-help" || a == "--help" {
			printGroupHelp(io.stdout, cmd, path)
			return exitOK
		}
		next := findSub(cmd, args[0])
		if next == nil {
			fmt.Fprintf(io.stderr, "commonplace: unknown command %q.\n\n", strings.TrimSpace(strings.Join(append(path, args[0]), " ")))
			printGroupHelp(io.stderr, cmd, path)
			return exitUsage
		}
		cmd, path, args = next, append(path, next.name), args[1:]
	}
	return runLeaf(ctx, io, cmd, path, append(globals, args...))
}

// globalValueFlags and globalBoolFlags are the flags every command takes
// that may also come before the command: `commonplace --data DIR event
// list` is `commonplace event list --data DIR`.
var (
	globalValueFlags = map[string]bool{"data": true, "config": true, "log-level": true, "log-format": true}
	globalBoolFlags  = map[string]bool{"json": true}
)

// leadingFlags splits the global flags written before the command from
// the rest, which starts with the command.
func leadingFlags(args []string) (globals, rest []string) {
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		name, _, hasValue := strings.Cut(strings.TrimLeft(args[0], "-"), "=")
		n := 0
		switch {
		case globalValueFlags[name] && !hasValue && len(args) > 1:
			n = 2
		case globalValueFlags[name] && hasValue, globalBoolFlags[name]:
			n = 1
		}
		if n == 0 {
			break // -h, --version or an unknown flag: for the command walk to answer
		}
		globals, args = append(globals, args[:n]...), args[n:]
	}
	return globals, args
}

// findSub finds c's subcommand by name or alias.
func findSub(c *command, name string) *command {
	for _, s := range c.subs {
		if s.name == name || slices.Contains(s.aliases, name) {
			return s
		}
	}
	return nil
}

func runLeaf(ctx context.Context, io *stdio, cmd *command, path []string, args []string) int {
	name := "commonplace " + strings.Join(path, " ")
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.stderr)
	e := newEnv(io, cmd)
	if !cmd.bare {
		e.registerCommonFlags(fs)
	}
	var runner runFunc
	if cmd.setup != nil {
		runner = cmd.setup(fs, e)
	}
	// The flag package prints a bad flag's problem itself, then calls Usage.
	fs.Usage = func() {}

	positional, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		printLeafHelp(io.stdout, cmd, path, fs)
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(io.stderr, "Run '%s --help' for usage.\n", name)
		return exitUsage
	}
	if len(positional) != cmd.nargs {
		if cmd.nargs == 0 {
			fmt.Fprintf(io.stderr, "%s: unexpected argument %q.\n", name, positional[0])
		} else {
			fmt.Fprintf(io.stderr, "%s: expected %s.\n", name, cmd.args)
		}
		fmt.Fprintf(io.stderr, "Run '%s --help' for usage.\n", name)
		return exitUsage
	}
	if err := e.init(fs); err != nil {
		return reportError(io.stderr, name, err, e)
	}
	defer e.close()
	if err := runner(ctx, positional); err != nil {
		return reportError(io.stderr, name, err, e)
	}
	return exitOK
}

// parseInterspersed parses flags that may come before or after positional
// arguments ("event show SLUG --json"), returning the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		// fs.Parse drops a "--" terminator; everything after it is positional.
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// reportError prints err for a person and returns the exit code.
func reportError(w io.Writer, name string, err error, e *env) int {
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(w, "%s: %s\nRun '%s --help' for usage.\n", name, ue.msg, name)
		return exitUsage
	}
	fmt.Fprintf(w, "Error: %s\n", hub.ErrorMessage(err))
	fields := hub.ErrorFields(err)
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "  %s: %s\n", k, fields[k])
	}
	if code := hub.ErrorCode(err); code == hub.EINTERNAL || code == hub.EUNAVAILABLE {
		// The host is the operator: they need the cause, which a web page
		// would never show.
		fmt.Fprintf(w, "  cause: %v\n", err)
	}
	var newer *storage.NewerSchemaError
	if errors.As(err, &newer) || (e != nil && e.cmd != nil && e.cmd.invalidCannotRun && hub.ErrorCode(err) == hub.EINVALID) {
		return exitCannotRun
	}
	return exitError
}

func runHelp(io *stdio, root *command, args []string) int {
	cmd, path := root, []string{}
	for _, a := range args {
		next := findSub(cmd, a)
		if next == nil {
			fmt.Fprintf(io.stderr, "commonplace help: unknown command %q.\n\n", strings.Join(append(path, a), " "))
			printGroupHelp(io.stderr, root, nil)
			return exitUsage
		}
		cmd, path = next, append(path, a)
	}
	if len(cmd.subs) > 0 {
		printGroupHelp(io.stdout, cmd, path)
		return exitOK
	}
	return runLeaf(context.Background(), io, cmd, path, []string{"--help"})
}

// printGroupHelp lists a group's commands, one line each; for the root it
// lists every leaf.
func printGroupHelp(w io.Writer, c *command, path []string) {
	prefix := strings.TrimSpace("commonplace " + strings.Join(path, " "))
	if len(path) == 0 {
		fmt.Fprint(w, `commonplace runs a Commonplace hub: events, guides and case studies for a
place-based community, published on the web and the fediverse.

Usage:
  commonplace COMMAND [SUBCOMMAND] [flags] [arguments]

Commands:
`)
	} else {
		fmt.Fprintf(w, "%s\n\nUsage:\n  %s SUBCOMMAND [flags] [arguments]\n\nSubcommands:\n", c.summary, prefix)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	var walk func(c *command, names []string)
	walk = func(c *command, names []string) {
		for _, s := range c.subs {
			n := append(append([]string(nil), names...), s.name)
			if len(s.subs) > 0 && len(path) == 0 {
				walk(s, n)
				continue
			}
			fmt.Fprintf(tw, "  %s\t%s\n", strings.TrimSpace(strings.Join(n, " ")+" "+s.args), s.summary)
		}
	}
	walk(c, nil)
	tw.Flush()
	printAliases(w, c, path)
	fmt.Fprintf(w, `
Every command acts on the data folder given by --data or COMMONPLACE_DATA
(default ./data). Run '%s COMMAND --help' for a command's flags.
`, prefix)
}

// printAliases says which older names a group's commands (or the group
// itself) still answer to.
func printAliases(w io.Writer, c *command, path []string) {
	if len(c.aliases) > 0 {
		fmt.Fprintf(w, "\n'commonplace %s' also answers to the older name%s %s.\n", strings.Join(path, " "), plural(len(c.aliases)), quoteEach(c.aliases))
	}
	for _, s := range c.subs {
		if len(s.aliases) > 0 {
			fmt.Fprintf(w, "\n%s also answers to the older name%s %s.\n", quoteEach([]string{s.name}), plural(len(s.aliases)), quoteEach(s.aliases))
		}
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// quoteEach writes names as 'a', 'b'.
func quoteEach(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "'" + n + "'"
	}
	return strings.Join(q, ", ")
}

// commonFlags are registered on every command but help and version; help
// lists them after the command's own flags.
var commonFlags = map[string]bool{"data": true, "config": true, "log-level": true, "log-format": true}

// printLeafHelp shows a command's usage and flags, written --name.
func printLeafHelp(w io.Writer, c *command, path []string, fs *flag.FlagSet) {
	name := "commonplace " + strings.Join(path, " ")
	fmt.Fprintf(w, "%s\n\nUsage:\n  %s", c.summary, name)
	if c.args != "" {
		fmt.Fprintf(w, " %s", c.args)
	}
	fmt.Fprint(w, " [flags]\n")
	if c.help != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.help))
	}
	printFlags := func(heading string, common bool) {
		first := true
		fs.VisitAll(func(f *flag.Flag) {
			if commonFlags[f.Name] != common {
				return
			}
			if first {
				fmt.Fprintf(w, "\n%s:\n", heading)
				first = false
			}
			kind, usage := flag.UnquoteUsage(f)
			line := "  --" + f.Name
			if kind != "" {
				line += " " + strings.ToUpper(kind)
			}
			fmt.Fprintln(w, line)
			usage = strings.ReplaceAll(usage, "\n", "\n        ")
			if d := f.DefValue; d != "" && d != "false" && d != "0" {
				if _, err := strconv.Atoi(d); err != nil {
					d = strconv.Quote(d)
				}
				usage += " (default " + d + ")"
			}
			fmt.Fprintf(w, "        %s\n", usage)
		})
	}
	printFlags("Flags", false)
	printFlags("Common flags", true)
}

func versionCommand() *command {
	return &command{
		name:    "version",
		summary: "Print the version of commonplace",
		bare:    true,
		setup: func(fs *flag.FlagSet, e *env) runFunc {
			return func(ctx context.Context, args []string) error {
				fmt.Fprintln(e.io.stdout, "commonplace", version)
				return nil
			}
		},
	}
}
