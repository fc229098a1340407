package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/commonplace-hub/commonplace/federation"
	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/apijson"
	"github.com/commonplace-hub/commonplace/locales"
	"github.com/commonplace-hub/commonplace/storage"
)

// Environment variables read by every command. Flags win over them, and
// they win over the config file.
const (
	envData   = "COMMONPLACE_DATA"
	envConfig = "COMMONPLACE_CONFIG"
	envAddr   = "COMMONPLACE_ADDR"
	envURL    = "COMMONPLACE_URL"
	// envAllowPrivate=1 lets federation reach private and loopback
	// addresses (development and tests only).
	envAllowPrivate = "COMMONPLACE_ALLOW_PRIVATE_ADDRESSES"
	// envTrustedProxies lists reverse proxies whose X-Forwarded-For counts.
	envTrustedProxies = "COMMONPLACE_TRUSTED_PROXIES"
	// envACME=1 turns on automatic https certificates (serve --acme).
	envACME          = "COMMONPLACE_ACME"
	envACMEEmail     = "COMMONPLACE_ACME_EMAIL"
	envACMEDirectory = "COMMONPLACE_ACME_DIRECTORY"
	envACMEHTTPAddr  = "COMMONPLACE_ACME_HTTP_ADDR"
)

// Defaults for a zero-config start.
const (
	defaultData = "./data"
	defaultAddr = "127.0.0.1:8080"
	dbFileName  = "commonplace.db"
)

// fileConfig is the optional TOML config file, loaded only when --config or
// COMMONPLACE_CONFIG names it.
type fileConfig struct {
	Data      string `toml:"data"`
	Addr      string `toml:"addr"`
	URL       string `toml:"url"`
	LogLevel  string `toml:"log_level,omitempty"`
	LogFormat string `toml:"log_format,omitempty"`
	// TrustedProxies: reverse proxies whose X-Forwarded-For names the client.
	TrustedProxies string `toml:"trusted_proxies,omitempty"`
	// ACME: the hub gets its own https certificate (serve --acme).
	ACME          bool   `toml:"acme,omitempty"`
	ACMEEmail     string `toml:"acme_email,omitempty"`
	ACMEDirectory string `toml:"acme_directory,omitempty"`
	ACMEHTTPAddr  string `toml:"acme_http_addr,omitempty"`
	// PictureBudget: the disk space pictures may take ("1GiB", "0": no limit).
	PictureBudget string `toml:"picture_budget,omitempty"`
}

// configKeys names the config file's keys, for messages.
const configKeys = "data, addr, url, log_level, log_format, trusted_proxies, acme, acme_email, acme_directory, acme_http_addr and picture_budget"

// env is what one command invocation works with: its I/O, the resolved
// common settings, a logger and, once opened, the database and service.
type env struct {
	io  *stdio
	cmd *command

	flags struct {
		data, config, logLevel, logFormat string
		allowPrivate                      bool
	}
	json bool

	fs     *flag.FlagSet
	cfg    fileConfig
	data   string // resolved data folder
	logger *slog.Logger

	db  *storage.DB
	svc *hub.Service
}

func newEnv(io *stdio, cmd *command) *env {
	return &env{io: io, cmd: cmd, logger: slog.New(slog.DiscardHandler)}
}

func (e *env) registerCommonFlags(fs *flag.FlagSet) {
	fs.StringVar(&e.flags.data, "data", defaultData, "data `folder` holding the database (env "+envData+")")
	fs.StringVar(&e.flags.config, "config", "", "optional TOML config `file` with keys "+configKeys+" (env "+envConfig+")")
	level := e.cmd.logLevel
	if level == "" {
		level = "warn"
	}
	fs.StringVar(&e.flags.logLevel, "log-level", level, "log `level`: debug, info, warn or error")
	fs.StringVar(&e.flags.logFormat, "log-format", "text", "log `format` on stderr: text or json")
	if e.cmd.json {
		fs.BoolVar(&e.json, "json", false, "print JSON instead of text")
	}
	if e.cmd.network {
		fs.BoolVar(&e.flags.allowPrivate, "allow-private-addresses", false, allowPrivateUsage)
	}
}

// allowPrivateUsage is --allow-private-addresses' help, the same for
// serve and every command that reaches the network.
const allowPrivateUsage = "let the hub reach private and loopback addresses: for development and\ntests on one machine only, never on a public hub (env " + envAllowPrivate + "=1)"

// allowPrivate reports whether this command may reach private and
// loopback addresses (--allow-private-addresses or the environment).
func (e *env) allowPrivate() bool {
	return e.flags.allowPrivate || e.io.getenv(envAllowPrivate) == "1"
}

// init resolves settings after flag parsing and sets up logging.
func (e *env) init(fs *flag.FlagSet) error {
	e.fs = fs
	if e.cmd.bare {
		return nil
	}
	if path := e.resolve("config", e.flags.config, envConfig, ""); path != "" && !e.cmd.writesConfig {
		if err := loadConfig(path, &e.cfg); err != nil {
			return err
		}
	}
	e.data = e.resolve("data", e.flags.data, envData, e.cfg.Data)
	levelName := e.flags.logLevel
	if !e.isSet("log-level") && e.cfg.LogLevel != "" {
		levelName = e.cfg.LogLevel
	}
	format := e.flags.logFormat
	if !e.isSet("log-format") && e.cfg.LogFormat != "" {
		format = e.cfg.LogFormat
	}
	logger, err := newLogger(e.io.stderr, levelName, format, toJournal(e.io.stderr, e.io.getenv))
	if err != nil {
		return err
	}
	e.logger = logger
	return nil
}

// isSet reports whether a flag was given on the command line.
func (e *env) isSet(name string) bool {
	set := false
	e.fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// resolve picks a setting: the flag if given, else the environment
// variable if not empty, else the config file value if not empty, else the
// flag's default.
func (e *env) resolve(flagName, flagValue, envName, configValue string) string {
	if e.isSet(flagName) {
		return flagValue
	}
	if v := e.io.getenv(envName); v != "" {
		return v
	}
	if configValue != "" {
		return configValue
	}
	return flagValue
}

func loadConfig(path string, cfg *fileConfig) error {
	md, err := toml.DecodeFile(path, cfg)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return hub.Errorf(hub.EINVALID, "The config file %s does not exist.", path)
		}
		return hub.Errorf(hub.EINVALID, "The config file %s could not be read: %v", path, err)
	}
	if keys := md.Undecoded(); len(keys) > 0 {
		var names []string
		for _, k := range keys {
			names = append(names, k.String())
		}
		return hub.Errorf(hub.EINVALID, "The config file %s has unknown keys: %s. The keys are %s.", path, strings.Join(names, ", "), configKeys)
	}
	return nil
}

// newLogger logs to w; journal (systemd's journal is reading w) drops the
// time from text lines and starts each with its priority.
func newLogger(w io.Writer, levelName, format string, journal bool) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(levelName)); err != nil {
		return nil, usagef("unknown log level %q: use debug, info, warn or error", levelName)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch format {
	case "text":
		if journal {
			return slog.New(newJournalHandler(w, opts)), nil
		}
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usagef("unknown log format %q: use text or json", format)
}

// dbPath is the database file inside the data folder.
func (e *env) dbPath() string { return filepath.Join(e.data, dbFileName) }

// openDB opens (creating when allowed) the hub database.
func (e *env) openDB(ctx context.Context) (*storage.DB, error) {
	if e.db != nil {
		return e.db, nil
	}
	path := e.dbPath()
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if e.cmd.readOnly {
			return nil, hub.Errorf(hub.ENOTFOUND, "There is no hub database at %s. Point --data (or %s) at your data folder, or start a hub with 'commonplace serve'.", path, envData)
		}
		if err := os.MkdirAll(e.data, 0o750); err != nil {
			return nil, hub.Internal(err, "creating the data folder "+e.data)
		}
	}
	db, err := openHubDB(ctx, path, e.logger, slog.LevelWarn)
	if err != nil {
		return nil, err
	}
	e.db = db
	return db, nil
}

// open returns the hub service over the database and a context acting as
// the host, who may do everything an admin can.
func (e *env) open(ctx context.Context) (context.Context, *hub.Service, error) {
	if e.svc == nil {
		db, err := e.openDB(ctx)
		if err != nil {
			return ctx, nil, err
		}
		opts, err := e.federationOptions(ctx, db)
		if err != nil {
			return ctx, nil, err
		}
		budget, err := e.pictureBudget()
		if err != nil {
			return ctx, nil, err
		}
		opts = append(opts, pictureBudgetOption(budget)...)
		e.svc = hub.NewService(db.Stores(), e.logger, append(opts, hub.WithLanguages(locales.MustLoad()))...)
	}
	return hub.HostContext(ctx), e.svc, nil
}

// federationOptions make content changed from the command line reach the
// hub's followers: they are queued in the database under the public URL the
// serving hub recorded, and the running hub delivers them. A hub that has
// never served has no followers, no public URL, and no options.
func (e *env) federationOptions(ctx context.Context, db *storage.DB) ([]hub.Option, error) {
	raw, err := db.Federation().PublicURL(ctx)
	if err != nil || raw == "" {
		return nil, err
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, nil
	}
	fed, err := federation.New(ctx, federation.Config{Content: hub.NewReader(db.Stores()), Store: db.Federation(), Commons: db.Commons(), Reports: db.Stores().Queue, BaseURL: u,
		Logger: e.logger, Version: version, AllowPrivate: e.allowPrivate()})
	if err != nil {
		return nil, hub.Internal(err, "preparing federation")
	}
	// The serving hub's delivery loop sends what is queued here.
	return []hub.Option{hub.WithNotifier(fed), hub.WithFederation(fed)}, nil
}

func (e *env) close() {
	if e.db != nil {
		if err := e.db.Close(); err != nil {
			e.logger.Error("closing the database", "error", err)
		}
		e.db = nil
	}
}

// enc encodes items as the API answers them, with links under the hub's
// public URL: the one the serving hub last recorded, else the configured
// url; without either, items have no url.
func (e *env) enc(ctx context.Context) apijson.Encoder {
	base := e.cfg.URL
	if e.db != nil {
		if u, err := e.db.Federation().PublicURL(ctx); err == nil && u != "" {
			base = u
		}
	}
	return apijson.Encoder{Base: base}
}

// printJSON writes v as indented JSON.
func (e *env) printJSON(v any) error {
	enc := json.NewEncoder(e.io.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// printf writes human-readable output.
func (e *env) printf(format string, args ...any) {
	fmt.Fprintf(e.io.stdout, format, args...)
}

// readText returns the text of --NAME or --NAME-file (a path, or - for
// standard input); at most one of them may be given.
func (e *env) readText(name, text, file string) (string, bool, error) {
	setText, setFile := e.isSet(name), e.isSet(name+"-file")
	switch {
	case setText && setFile:
		return "", false, usagef("give --%s or --%s-file, not both", name, name)
	case setFile:
		var b []byte
		var err error
		if file == "-" {
			b, err = io.ReadAll(io.LimitReader(e.io.stdin, hub.MaxBody*4+1))
		} else {
			b, err = os.ReadFile(file)
		}
		if err != nil {
			return "", false, hub.Errorf(hub.EINVALID, "Could not read %s: %v", file, err)
		}
		return string(b), true, nil
	case setText:
		return text, true, nil
	}
	return "", false, nil
}

// textFlag is a Markdown text flag, --NAME, with its --NAME-file variant
// (a path, or - for standard input): see env.readText.
type textFlag struct{ name, text, file string }

// register adds --name, described by usage, and --name-file, by fileUsage.
func (t *textFlag) register(fs *flag.FlagSet, name, usage, fileUsage string) {
	t.name = name
	fs.StringVar(&t.text, name, "", usage)
	fs.StringVar(&t.file, name+"-file", "", fileUsage)
}

// apply sets *dst to the text given, when either flag was.
func (t *textFlag) apply(e *env, dst *string) error {
	text, ok, err := e.readText(t.name, t.text, t.file)
	if ok {
		*dst = text
	}
	return err
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// notFound turns a store's ENOTFOUND into a message that says what to do.
func notFound(err error, what, slug, listCmd string) error {
	if hub.ErrorCode(err) == hub.ENOTFOUND {
		return hub.Errorf(hub.ENOTFOUND, "There is no %s %q. List them with 'commonplace %s'.", what, slug, listCmd)
	}
	return err
}

// passwordAlphabet leaves out look-alike characters (0/O, 1/l/I).
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// randomPassword returns a 19-character password in four groups, about 93
// bits of entropy, easy to read out and type.
func randomPassword() string {
	var b strings.Builder
	for i := range 16 {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(passwordAlphabet[randIntn(len(passwordAlphabet))])
	}
	return b.String()
}

// randIntn returns a uniform random int in [0, n) from crypto/rand.
func randIntn(n int) int {
	var buf [1]byte
	limit := 256 - 256%n
	for {
		if _, err := rand.Read(buf[:]); err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		if int(buf[0]) < limit {
			return int(buf[0]) % n
		}
	}
}
