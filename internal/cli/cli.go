// Package cli is Interlend's command line: it parses subcommands and flags
// (flags may follow positional arguments), loads and validates the
// configuration, wires the application together and runs it. main only
// calls Main.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"sort"
	"strings"

	"interlend/internal/app"
	"interlend/internal/config"
	"interlend/internal/ill"
)

// Version is set at build time with -ldflags "-X interlend/internal/cli.Version=...".
var Version = "dev"

// env is what a command runs with.
type env struct {
	ctx    context.Context
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	stdin  io.Reader
}

// command is one subcommand.
type command struct {
	name   string
	args   string // positional arguments, for help
	usage  string
	flags  []flagSpec
	config bool // takes the configuration flags
	run    func(e env, p parsed) error
	sub    []*command
}

// exitError carries a specific exit code.
type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string { return e.err.Error() }

// usageError is a mistake on the command line (exit 2).
func usageError(format string, args ...any) error {
	return exitError{2, fmt.Errorf(format, args...)}
}

// featureCommands are added by features' files with addCommand in an init
// function (import, directory, states, ...).
var featureCommands []*command

// addCommand registers a feature's command; a command of an existing name
// gains the new subcommands (so "import marc" and "import patrons" can live
// in different files).
func addCommand(c *command) {
	for _, have := range featureCommands {
		if have.name == c.name {
			have.sub = append(have.sub, c.sub...)
			return
		}
	}
	featureCommands = append(featureCommands, c)
}

func commands() []*command {
	base := baseCommands()
	for _, f := range featureCommands {
		merged := false
		for _, b := range base {
			// A feature may add subcommands to a base command ("bench catalog").
			if b.name == f.name && len(b.sub) > 0 {
				b.sub = append(b.sub, f.sub...)
				merged = true
			}
		}
		if !merged {
			base = append(base, f)
		}
	}
	return base
}

func baseCommands() []*command {
	return []*command{
		serveCommand(),
		demoCommand(),
		migrateCommand(),
		backupCommand(),
		restoreCommand(),
		userCommand(),
		agencyCommand(),
		benchCommand(),
		configCommand(),
		rolesCommand(),
		{name: "version", usage: "print the version", run: func(e env, p parsed) error {
			fmt.Fprintln(e.stdout, "interlend", versionString())
			return nil
		}},
	}
}

func versionString() string {
	v := Version
	if bi, ok := debug.ReadBuildInfo(); ok && v == "dev" {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v = "dev-" + s.Value[:12]
			}
		}
		return v + " (" + bi.GoVersion + ")"
	}
	return v
}

// Main runs the command line and returns the process exit code: 0 on
// success, 1 on failure, 2 on a usage mistake.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	e := env{ctx: ctx, stdout: stdout, stderr: stderr, getenv: getenv, stdin: os.Stdin}
	err := dispatch(e, commands(), args, "interlend")
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "interlend:", err)
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if ill.KindOf(err) == ill.Invalid {
		return 2
	}
	return 1
}

func dispatch(e env, cmds []*command, args []string, path string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printHelp(e.stdout, cmds, path)
		if len(args) == 0 {
			return usageError("no command given")
		}
		return nil
	}
	for _, c := range cmds {
		if c.name != args[0] {
			continue
		}
		if len(c.sub) > 0 {
			return dispatch(e, c.sub, args[1:], path+" "+c.name)
		}
		if len(args) > 1 && (args[1] == "-h" || args[1] == "--help") {
			printCommandHelp(e.stdout, c, path)
			return nil
		}
		p, err := parseArgs(args[1:], c.flags, c.config)
		if err != nil {
			return usageError("%s %s: %v (see `%s %s --help`)", path, c.name, err, path, c.name)
		}
		return c.run(e, p)
	}
	printHelp(e.stderr, cmds, path)
	return usageError("unknown command %q", args[0])
}

func printHelp(w io.Writer, cmds []*command, path string) {
	fmt.Fprintf(w, "Usage: %s COMMAND [ARGUMENTS] [FLAGS]\n\nCommands:\n", path)
	for _, c := range cmds {
		name := c.name
		if len(c.sub) > 0 {
			var subs []string
			for _, s := range c.sub {
				subs = append(subs, s.name)
			}
			name += " (" + strings.Join(subs, "|") + ")"
		}
		fmt.Fprintf(w, "  %-34s %s\n", name, c.usage)
	}
	fmt.Fprintf(w, "\nRun `%s COMMAND --help` for a command's flags.\n", path)
}

func printCommandHelp(w io.Writer, c *command, path string) {
	fmt.Fprintf(w, "Usage: %s %s %s\n\n%s\n", path, c.name, c.args, c.usage)
	if len(c.flags) > 0 {
		fmt.Fprintln(w, "\nFlags:")
		for _, f := range c.flags {
			def := ""
			if f.def != "" {
				def = " (default " + f.def + ")"
			}
			fmt.Fprintf(w, "  --%-22s %s%s\n", f.name, f.usage, def)
		}
	}
	if c.config {
		fmt.Fprintln(w, "\nConfiguration (flag, or environment variable):")
		opts := append([]config.Option(nil), config.Options...)
		sort.Slice(opts, func(i, j int) bool { return opts[i].Name < opts[j].Name })
		for _, o := range opts {
			fmt.Fprintf(w, "  --%-22s %-28s %s\n", o.Name, o.Env(), o.Usage)
		}
	}
}

// loadConfig reads defaults, environment and flags, and validates.
func loadConfig(e env, p parsed) (config.Config, error) {
	c, err := config.Load(e.getenv, p.config)
	if err != nil {
		return c, exitError{2, err}
	}
	if err := c.Validate(); err != nil {
		return c, exitError{2, err}
	}
	return c, nil
}

// newLogger builds the process logger from the configuration.
func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openApp opens the application for a one-off command.
func openApp(e env, cfg config.Config) (*app.App, error) {
	return app.Open(e.ctx, cfg, app.Options{Logger: newLogger(cfg, e.stderr)})
}

func configCommand() *command {
	return &command{name: "config", usage: "print the effective configuration (secrets hidden); --markdown prints the option table", config: true,
		flags: []flagSpec{{name: "markdown", boolean: true, usage: "print every option as a Markdown table (docs/configuration.md)"}},
		run: func(e env, p parsed) error {
			if p.boolFlag("markdown") {
				return writeConfigMarkdown(e.stdout)
			}
			cfg, err := loadConfig(e, p)
			if err != nil {
				return err
			}
			for _, l := range cfg.Dump() {
				fmt.Fprintln(e.stdout, l)
			}
			return nil
		}}
}

// writeConfigMarkdown prints the option table for docs/configuration.md.
func writeConfigMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("| flag | environment | default | meaning |\n| --- | --- | --- | --- |\n")
	for _, o := range config.Options {
		def := o.Default
		if def == "" {
			def = "—"
		}
		secret := ""
		if o.Secret {
			secret = " (secret: may be given as `" + o.Env() + "_FILE`)"
		}
		fmt.Fprintf(&b, "| `--%s` | `%s` | `%s` | %s%s |\n", o.Name, o.Env(), def, o.Usage, secret)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
