package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/commonplace-hub/commonplace/hub"
)

// `commonplace init` sets up a new hub: its public address, name,
// fediverse handle and first admin, and a config file that
// `commonplace serve --config FILE` (and the systemd unit) runs it from.

func initCommand() *command {
	return &command{name: "init", writesConfig: true, summary: "Set up a new hub: public address, name, handle, first admin, and a config file", setup: initRun,
		help: `Missing values are asked for when run in a terminal. The public address must
start with https:// (Mastodon finds hubs only over https), except for a
localhost address while trying things out. Then run:

  commonplace serve --config FILE

See docs/self-hosting.md for the whole way from a fresh server.`}
}

func initRun(fs *flag.FlagSet, e *env) runFunc {
	publicURL := fs.String("url", "", "the hub's public `address`, e.g. https://hub.example")
	name := fs.String("name", "", "the hub's `name`, e.g. \"Hulme Community Hub\"")
	handle := fs.String("handle", "", "fediverse `name`: people follow @NAME@your-host")
	addr := fs.String("addr", "127.0.0.1:8080", "`host:port` the hub listens on (behind a reverse proxy such as Caddy)")
	email := fs.String("admin-email", "", "the first admin's email `address`")
	adminName := fs.String("admin-name", "", "the first admin's `name`")
	httpsMode := fs.String("https", "", "how the hub serves https: `acme` (it gets a free certificate itself and\nlistens on ports 443 and 80) or proxy (behind Caddy or nginx, on --addr);\nasked in a terminal, else proxy")
	force := fs.Bool("force", false, "overwrite an existing config file")
	var pw passwordFlags
	pw.register(fs)
	return func(ctx context.Context, args []string) error {
		in := bufio.NewScanner(e.io.stdin)
		asked := false // in a terminal: questions are being answered
		ask := func(v *string, flagName, question string) error {
			for strings.TrimSpace(*v) == "" {
				asked = true
				fmt.Fprintf(e.io.stdout, "%s: ", question)
				if !in.Scan() {
					return usagef("--%s is needed (or answer the question in a terminal)", flagName)
				}
				*v = strings.TrimSpace(in.Text())
			}
			return nil
		}
		if err := ask(publicURL, "url", "Public address of the hub (https://…)"); err != nil {
			return err
		}
		u, err := checkPublicURL(*publicURL)
		if err != nil {
			return err
		}
		if err := ask(name, "name", "Name of the hub"); err != nil {
			return err
		}
		if err := settleHandle(handle, *name); err != nil {
			return err
		}
		if err := ask(email, "admin-email", "Your email address (to log in)"); err != nil {
			return err
		}
		if err := ask(adminName, "admin-name", "Your name"); err != nil {
			return err
		}
		acmeMode, err := chooseHTTPS(*httpsMode, u, asked, ask)
		if err != nil {
			return err
		}
		password, generated, err := pw.get(e)
		if err != nil {
			return err
		}

		configPath, err := e.initConfigPath(*force)
		if err != nil {
			return err
		}
		data, err := filepath.Abs(e.data)
		if err != nil {
			return err
		}
		ctx, svc, err := e.open(ctx)
		if err != nil {
			return err
		}
		if all, err := svc.ListOrganisers(ctx); err != nil {
			return err
		} else if len(all) > 0 {
			return hub.Errorf(hub.ECONFLICT, "The hub in %s already has organisers; 'commonplace organiser add' adds more.", data)
		}
		st, err := svc.Settings(ctx)
		if err != nil {
			return err
		}
		st.Name, st.Handle = *name, *handle
		if err := svc.UpdateSettings(ctx, st); err != nil {
			return err
		}
		admin := &hub.Organiser{Email: *email, Name: *adminName, Role: hub.RoleAdmin}
		if err := svc.Bootstrap(ctx, admin, password); err != nil {
			return err
		}
		config := fileConfig{Data: data, Addr: *addr, URL: u.String(), LogLevel: "info", TrustedProxies: "127.0.0.1,::1"}
		if acmeMode {
			config.Addr, config.TrustedProxies = defaultACMEAddr, ""
			if e.isSet("addr") {
				config.Addr = *addr
			}
			config.ACME, config.ACMEEmail, config.ACMEHTTPAddr = true, *email, defaultACMEHTTPAddr
		}
		if err := writeConfig(configPath, config); err != nil {
			return err
		}
		e.printInitSummary(initSummary{name: *name, handle: *handle, configPath: configPath, data: data, u: u,
			config: config, acme: acmeMode, adminEmail: admin.Email, password: password, generated: generated})
		return nil
	}
}

// settleHandle suggests a fediverse name from the hub's name if none is
// given, and checks it.
func settleHandle(handle *string, name string) error {
	if *handle == "" {
		*handle = suggestHandle(name)
	}
	if !hub.IsHandle(*handle) {
		return hub.Errorf(hub.EINVALID, "The fediverse name %q can only use lower-case letters, digits and _ (e.g. hulme).", *handle)
	}
	return nil
}

// initConfigPath is the absolute path of the config file init writes:
// --config, or commonplace.toml in the data folder. ECONFLICT if it
// exists and force is not given.
func (e *env) initConfigPath(force bool) (string, error) {
	configPath := e.flags.config
	if configPath == "" {
		configPath = filepath.Join(e.data, "commonplace.toml")
	}
	configPath, err := filepath.Abs(configPath)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(configPath); err == nil && !force {
		return "", hub.Errorf(hub.ECONFLICT, "%s already exists: this hub is set up. Use --force to write it again.", configPath)
	}
	return configPath, nil
}

// initSummary is what init set up, for the summary it prints.
type initSummary struct {
	name, handle, configPath, data string
	u                              *url.URL
	config                         fileConfig
	acme                           bool
	adminEmail, password           string
	generated                      bool
}

// printInitSummary says what init set up and how to start the hub.
func (e *env) printInitSummary(s initSummary) {
	e.printf("Set up %s.\n\n", s.name)
	e.printf("  Config file:     %s\n", s.configPath)
	e.printf("  Data folder:     %s\n", s.data)
	if s.acme {
		e.printf("  Public address:  %s (the hub listens on %s and %s, and gets its certificate itself)\n", s.u, s.config.Addr, s.config.ACMEHTTPAddr)
	} else {
		e.printf("  Public address:  %s (the hub listens on %s)\n", s.u, s.config.Addr)
	}
	e.printf("  Fediverse name:  @%s@%s\n", s.handle, s.u.Host)
	e.printf("  Admin login:     %s/admin/login  email: %s", strings.TrimRight(s.u.String(), "/"), s.adminEmail)
	if s.generated {
		e.printf("  password: %s\n                   (shown once: keep it safe)\n", s.password)
	} else {
		e.printf("\n")
	}
	e.printf("\nStart it with:  commonplace serve --config %s\n", s.configPath)
	switch {
	case s.acme:
		e.printf("At its first start the hub asks Let's Encrypt for a certificate for %s: the domain's DNS\n"+
			"must point at this server and ports 80 and 443 must be open. Listening on ports below 1024\n"+
			"needs root or CAP_NET_BIND_SERVICE, which the systemd unit in docs/systemd gives it.\n", s.u.Hostname())
	case s.u.Scheme == "https":
		e.printf("Then put it behind https (Caddy does this in two lines): see docs/self-hosting.md.\n")
	}
}

// checkPublicURL accepts https addresses, and http ones only for
// localhost (Mastodon looks up handles over https only).
func checkPublicURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(raw), "/"))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return nil, hub.Errorf(hub.EINVALID, "%q is not a web address like https://hub.example (no path after the host).", raw)
	}
	if u.Scheme == "http" && u.Hostname() != "localhost" && u.Hostname() != "127.0.0.1" {
		return nil, hub.Errorf(hub.EINVALID, "Use https://%s: Mastodon and other fediverse servers only find hubs served over https. (http:// is allowed for localhost, to try things out.)", u.Host)
	}
	u.Path = ""
	return u, nil
}

// chooseHTTPS settles how the hub serves https: itself over ACME (true)
// or behind a reverse proxy. Without --https the question is asked when
// the other questions were (a terminal), else a proxy is assumed.
func chooseHTTPS(mode string, u *url.URL, interactive bool, ask func(*string, string, string) error) (bool, error) {
	if mode == "" && u.Scheme == "https" && interactive {
		for mode == "" {
			var answer string
			if err := ask(&answer, "https", "How will the hub serve https?\n"+
				"  1. by itself, with a free certificate from Let's Encrypt (simplest; it needs ports 80 and 443)\n"+
				"  2. behind Caddy or nginx, which you set up\n"+
				"Answer 1 or 2"); err != nil {
				return false, err
			}
			switch answer {
			case "1", "acme":
				mode = "acme"
			case "2", "proxy":
				mode = "proxy"
			}
		}
	}
	switch mode {
	case "", "proxy":
		return false, nil
	case "acme":
		if err := checkACMEHost(u); err != nil {
			return false, err
		}
		return true, nil
	}
	return false, usagef("--https is acme or proxy, not %q", mode)
}

// suggestHandle makes a fediverse name from a hub's name.
func suggestHandle(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '_':
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "_") {
				b.WriteByte('_')
			}
		}
		if b.Len() >= 30 {
			break
		}
	}
	h := strings.Trim(b.String(), "_")
	if h == "" {
		return "hub"
	}
	return h
}

// writeConfig writes the TOML config file, readable by its owner and group.
func writeConfig(path string, c fileConfig) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil && !errors.Is(err, fs.ErrExist) {
		return hub.Internal(err, "creating the folder for "+path)
	}
	var b strings.Builder
	b.WriteString("# Commonplace hub configuration, written by 'commonplace init'.\n# Run with: commonplace serve --config " + path + "\n")
	if err := toml.NewEncoder(&b).Encode(c); err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o640); err != nil {
		return hub.Internal(err, "writing "+path)
	}
	return nil
}
