package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"

	"github.com/commonplace-hub/commonplace/federation"
	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/calendar"
	"github.com/commonplace-hub/commonplace/hub/web"
	"github.com/commonplace-hub/commonplace/locales"
	"github.com/commonplace-hub/commonplace/storage"
)

// HTTP server limits.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 120 * time.Second
	maxHeaderBytes    = 64 << 10
	shutdownTimeout   = 10 * time.Second
)

// The demo admin, created or given a fresh password by serve --demo.
const (
	demoAdminEmail = "admin@example.org"
	demoAdminName  = "Demo Admin"
)

// ServeConfig is what a Main needs to run a hub.
type ServeConfig struct {
	DataDir string // folder holding the database; created if missing
	Addr    string // listen address, host:port; port 0 picks a free port
	// URL is the hub's public URL. Empty means http://localhost:PORT (or
	// the bound address when it is not a loopback one), from the address
	// actually bound.
	URL string
	// Demo seeds sample content into an empty hub and ensures a demo admin
	// login, printed to Stdout.
	Demo bool
	// AllowPrivate lets federation fetch from and deliver to private and
	// loopback addresses: for development and tests on one machine only.
	AllowPrivate bool
	// CalendarInterval is how often subscribed calendar feeds are
	// refreshed; 0 means hourly.
	CalendarInterval time.Duration
	// CalendarMonths is how far ahead feeds' events are imported; 0 means 12.
	CalendarMonths int
	// ReadHeaderTimeout bounds how long a client may take to send its
	// request headers (slow clients cannot hold connections); 0 means 10 s.
	ReadHeaderTimeout time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client (for logs and login rate limits).
	TrustedProxies []netip.Prefix
	// PictureBudget is the most disk space the hub's pictures may take, in
	// bytes: 0 means hub.DefaultPictureBudget, negative no limit.
	PictureBudget int64
	// PageCache is how long rendered public pages are kept; 0 means
	// defaultPageCache, negative turns the cache off.
	PageCache time.Duration
	// ACME, when set, makes the hub serve https on Addr itself, with
	// certificates it obtains over ACME; nil serves plain http (behind a
	// reverse proxy that does https).
	ACME *ACMEConfig
}

// defaultPageCache: under load a public page is rendered about once a
// second; a change shows within a second.
const defaultPageCache = time.Second

// Main is a running hub: the database, the service and the HTTP server.
// Run starts it and Close stops it in order (HTTP first, then the
// database). The serve command and end-to-end tests both use it.
type Main struct {
	Config ServeConfig
	Logger *slog.Logger
	// Stdout receives what the host must see: the demo admin login, or how
	// to create the first organiser.
	Stdout io.Writer

	DB         *storage.DB
	Service    *hub.Service
	catalog    *locales.Catalog
	Federation *federation.Federation
	Calendars  *calendar.Service
	HTTPServer *http.Server

	lock    *storage.DataLock // held while the hub runs
	stopFed func()            // stops deliveries
	fedDone chan struct{}     // closed when deliveries have stopped

	listener net.Listener
	baseURL  *url.URL
	serveErr chan error
	// In ACME mode: the plain http server (challenges and redirects), and
	// the first-certificate loop's stop.
	httpListener   net.Listener
	redirectServer *http.Server
	stopACME       context.CancelFunc
	stopMemory     context.CancelFunc // ends returnMemory
	// stopCalendars ends the feed scheduler; calendarsDone closes when it has.
	stopCalendars context.CancelFunc
	calendarsDone chan struct{}
}

// NewMain returns a Main with the zero-config defaults.
func NewMain() *Main {
	return &Main{
		Config: ServeConfig{DataDir: defaultData, Addr: defaultAddr},
		Logger: slog.Default(),
		Stdout: os.Stdout,
	}
}

// Run opens the database, binds the listen address, prepares the hub and
// starts serving in the background. It returns once requests are being
// accepted; Close stops everything, also after a failed Run.
func (m *Main) Run(ctx context.Context) error {
	if err := os.MkdirAll(m.Config.DataDir, 0o750); err != nil {
		return hub.Internal(err, "creating the data folder "+m.Config.DataDir)
	}
	// One hub per data folder; restore checks this lock too.
	lock, err := storage.LockDataDir(m.Config.DataDir)
	if err != nil {
		return err
	}
	m.lock = lock
	path := filepath.Join(m.Config.DataDir, dbFileName)
	db, err := openHubDB(ctx, path, m.Logger, slog.LevelInfo)
	if err != nil {
		return err
	}
	m.DB = db

	// Bind before anything else changes the hub, so a busy port fails fast.
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return listenError(m.Config.Addr, err)
	}
	m.listener = ln
	if m.baseURL, err = publicURL(m.Config.URL, ln.Addr()); err != nil {
		return err
	}
	var certs *autocert.Manager
	if m.Config.ACME != nil {
		if err := checkACMEHost(m.baseURL); err != nil {
			return err
		}
		if certs, err = acmeManager(m.Config.ACME, m.Config.DataDir, m.baseURL); err != nil {
			return err
		}
	}

	if m.catalog, err = locales.Load(); err != nil {
		return hub.Internal(err, "loading the translations")
	}
	fed, err := federation.New(ctx, m.federationConfig(db))
	if err != nil {
		return hub.Internal(err, "starting federation")
	}
	if err := db.Federation().SavePublicURL(ctx, m.baseURL.String()); err != nil {
		return err
	}
	m.Federation = fed
	m.Service = hub.NewService(db.Stores(), m.Logger, append([]hub.Option{hub.WithNotifier(fed), hub.WithFederation(fed), hub.WithLanguages(m.catalog)},
		pictureBudgetOption(m.Config.PictureBudget)...)...)
	if n, err := m.Service.FillBlurhashes(hub.HostContext(ctx)); err != nil {
		m.Logger.Warn("making blurhashes of older pictures", "error", err)
	} else if n > 0 {
		m.Logger.Info("made blurhashes of older pictures", "pictures", n)
	}
	if err := m.prepare(ctx); err != nil {
		return err
	}

	m.Calendars = calendar.NewService(db.Calendars(), m.Service, feedClient(m.Config.AllowPrivate), m.Logger)
	m.Calendars.Interval = m.Config.CalendarInterval
	m.Calendars.Months = m.Config.CalendarMonths
	if err := m.newHTTPServer(db, fed); err != nil {
		return err
	}
	m.serveErr = make(chan error, 2)
	if certs != nil {
		if err := m.startACME(certs); err != nil {
			return err
		}
	}
	go func(srv *http.Server) {
		if srv.TLSConfig != nil {
			m.serveErr <- srv.ServeTLS(ln, "", "") // certificates from TLSConfig
			return
		}
		m.serveErr <- srv.Serve(ln)
	}(m.HTTPServer)
	fedCtx, stopFed := context.WithCancel(context.WithoutCancel(ctx))
	m.stopFed, m.fedDone = stopFed, make(chan struct{})
	go func() {
		defer close(m.fedDone)
		if err := fed.Run(fedCtx); err != nil {
			m.Logger.Error("federation stopped", "error", err)
		}
	}()
	calCtx, stopCalendars := context.WithCancel(context.WithoutCancel(ctx))
	m.stopCalendars, m.calendarsDone = stopCalendars, make(chan struct{})
	go func() { defer close(m.calendarsDone); m.Calendars.Run(calCtx) }()
	if m.httpListener != nil {
		m.Logger.Info("listening", "addr", ln.Addr().String(), "url", m.baseURL.String(), "data", m.Config.DataDir,
			"https", "acme", "http_addr", m.httpListener.Addr().String())
	} else {
		m.Logger.Info("listening", "addr", ln.Addr().String(), "url", m.baseURL.String(), "data", m.Config.DataDir)
	}
	memCtx, stopMemory := context.WithCancel(context.Background())
	m.stopMemory = stopMemory
	go returnMemory(memCtx)
	go m.purgeQueue(memCtx) // queue.go
	return nil
}

// newHTTPServer sets up the web front end over the prepared hub as
// m.HTTPServer.
func (m *Main) newHTTPServer(db *storage.DB, fed *federation.Federation) error {
	pageCache := m.Config.PageCache
	if pageCache == 0 {
		pageCache = defaultPageCache
	}
	handler, err := web.New(web.Config{
		Catalog:        m.catalog,
		PageCache:      pageCache,
		TrustedProxies: m.Config.TrustedProxies,
		Service:        m.Service,
		ActivityPub:    fed,
		Calendars:      m.Calendars,
		BaseURL:        m.baseURL,
		Logger:         m.Logger,
		Ready: func() error {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			return db.Ping(ctx)
		},
	})
	if err != nil {
		return hub.Internal(err, "loading the web pages")
	}
	headerTimeout := m.Config.ReadHeaderTimeout
	if headerTimeout <= 0 {
		headerTimeout = readHeaderTimeout
	}
	m.HTTPServer = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: headerTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	return nil
}

// memoryInterval is how often a running hub hands memory it no longer
// uses back to the system.
const memoryInterval = 5 * time.Minute

// returnMemory gives freed memory back to the system: at once, since
// starting (migrations, templates, demo content) leaves garbage a small
// VPS should have back now, and then every few minutes, since SQLite's
// freed memory (after a burst of searches, say) stays with the C library
// otherwise.
func returnMemory(ctx context.Context) {
	for {
		debug.FreeOSMemory()
		releaseCMemory()
		select {
		case <-ctx.Done():
			return
		case <-time.After(memoryInterval):
		}
	}
}

// prepare seeds the demo, or tells the host how to add the first organiser.
func (m *Main) prepare(ctx context.Context) error {
	host := hub.HostContext(ctx)
	if m.Config.Demo {
		// Seeding through a service that logs only warnings keeps the start
		// readable: one line for the demo, not one per item.
		// The demo's items go in the outbox too.
		quiet := hub.NewService(m.DB.Stores(), slog.New(minLevel{m.Logger.Handler(), slog.LevelWarn}), hub.WithNotifier(m.Federation))
		seeded, err := seedDemo(host, quiet, time.Now())
		if err != nil {
			return err
		}
		if seeded {
			m.Logger.Info("demo content added")
		}
		password, err := ensureDemoAdmin(host, m.Service)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Admin login: %s  email: %s  password: %s\n", m.absURL("/admin/login"), demoAdminEmail, password)
		return nil
	}
	all, err := m.Service.ListOrganisers(host)
	if err != nil {
		return err
	}
	if len(all) == 0 {
		fmt.Fprintf(m.Stdout, "This hub has no organisers yet. Create the first admin with:\n"+
			"  commonplace organiser add --admin --email you@example.org --name \"Your Name\" --data %s\n"+
			"or start with sample content and a demo admin: commonplace serve --demo --data %s\n", m.Config.DataDir, m.Config.DataDir)
	}
	return nil
}

// Addr returns the address the server is bound to, e.g. 127.0.0.1:41234.
func (m *Main) Addr() string {
	if m.listener == nil {
		return ""
	}
	return m.listener.Addr().String()
}

// URL returns the hub's public URL.
func (m *Main) URL() *url.URL { return m.baseURL }

// Done returns a channel that receives the error the HTTP server stopped with.
func (m *Main) Done() <-chan error { return m.serveErr }

func (m *Main) absURL(path string) string {
	u := *m.baseURL
	u.Path = singleSlashJoin(u.Path, path)
	return u.String()
}

func singleSlashJoin(a, b string) string {
	for len(a) > 0 && a[len(a)-1] == '/' {
		a = a[:len(a)-1]
	}
	return a + b
}

// Close stops accepting requests, waits up to 10 seconds for those in
// flight, then closes the database.
func (m *Main) Close() error {
	var errs []error
	if m.stopMemory != nil {
		m.stopMemory()
		m.stopMemory = nil
	}
	if m.stopACME != nil {
		m.stopACME()
		m.stopACME = nil
	}
	if m.redirectServer != nil {
		if err := shutdown(m.redirectServer); err != nil {
			errs = append(errs, fmt.Errorf("stopping the http server: %w", err))
		}
		m.redirectServer = nil
	}
	if m.httpListener != nil {
		m.httpListener.Close()
	}
	if m.HTTPServer != nil {
		if err := shutdown(m.HTTPServer); err != nil {
			errs = append(errs, fmt.Errorf("stopping the web server: %w", err))
		}
		m.HTTPServer = nil
	}
	if m.listener != nil {
		m.listener.Close() // when Run failed before serving
	}
	if m.stopCalendars != nil {
		// A refresh in progress stops at its next event; the database
		// stays open until it has.
		m.stopCalendars()
		<-m.calendarsDone
		m.stopCalendars = nil
	}
	if m.stopFed != nil {
		// Deliveries in flight are abandoned; their leases are released
		// at the next start, so they are retried, not lost.
		m.stopFed()
		<-m.fedDone
		m.stopFed = nil
	}
	if m.DB != nil {
		if err := m.DB.Close(); err != nil {
			errs = append(errs, fmt.Errorf("closing the database: %w", err))
		}
		m.DB = nil
	}
	m.lock.Release()
	m.lock = nil
	return errors.Join(errs...)
}

// shutdown stops srv accepting requests and waits up to shutdownTimeout
// for those in flight.
func shutdown(srv *http.Server) error {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	return srv.Shutdown(ctx)
}

// listenError explains a failed bind.
func listenError(addr string, err error) error {
	if errors.Is(err, syscall.EADDRINUSE) {
		return &hub.Error{Code: hub.ECONFLICT, Err: err, Message: fmt.Sprintf(
			"Cannot listen on %s: the address is already in use, probably by another commonplace or web server. "+
				"Stop that program, or choose another address with --addr or %s.", addr, envAddr)}
	}
	return &hub.Error{Code: hub.EINVALID, Err: err, Message: fmt.Sprintf(
		"Cannot listen on %s: %v. Give --addr as host:port, for example 127.0.0.1:8080.", addr, err)}
}

// publicURL parses the configured public URL, or derives one from the
// bound address when none is configured.
func publicURL(raw string, bound net.Addr) (*url.URL, error) {
	if raw == "" {
		host, port := "localhost", "8080"
		if tcp, ok := bound.(*net.TCPAddr); ok {
			port = strconv.Itoa(tcp.Port)
			if !tcp.IP.IsLoopback() && !tcp.IP.IsUnspecified() {
				host = tcp.IP.String()
			}
		}
		return &url.URL{Scheme: "http", Host: net.JoinHostPort(host, port)}, nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, hub.Errorf(hub.EINVALID, "The public URL %q is not valid. Give the full address people use to reach the hub, for example https://hub.example.org, with --url or %s.", raw, envURL)
	}
	return u, nil
}

func serveCommand() *command {
	return &command{
		name:             "serve",
		summary:          "Run the hub's web server",
		logLevel:         "info",
		invalidCannotRun: true,
		help: `Starts the hub. With no flags it keeps its data in ./data and listens on
http://localhost:8080. Each flag can also come from an environment variable
or the config file; flags win over the environment, which wins over the
config file. Stop it with Ctrl-C or SIGTERM: requests in flight finish
first.

--demo adds sample content to a hub with no content yet, and prints an
admin login with a new random password each time.`,
		setup: func(fs *flag.FlagSet, e *env) runFunc {
			addr := fs.String("addr", defaultAddr, "`host:port` to listen on; port 0 picks a free port (env "+envAddr+")")
			publicURLFlag := fs.String("url", "", "public `URL` of the hub, used in links; default http://localhost:PORT\nfor the port bound (env "+envURL+")")
			demo := fs.Bool("demo", false, "add sample content if the hub has none, and print a demo admin login")
			allowPrivate := fs.Bool("allow-private-addresses", false, allowPrivateUsage)
			calendarInterval := fs.Duration("calendar-interval", time.Hour, "how often to refresh subscribed calendar feeds")
			calendarMonths := fs.Int("calendar-months", 12, "how many `months` ahead to import calendar feeds' events")
			useACME := fs.Bool("acme", false, "serve https on --addr (default :443) with a certificate obtained and renewed\nautomatically over ACME (Let's Encrypt), and http on --acme-http-addr; needs an\nhttps --url whose domain points here (env "+envACME+"=1)")
			acmeEmail := fs.String("acme-email", "", "contact `address` for the certificate authority's expiry notices (env "+envACMEEmail+")")
			acmeDirectory := fs.String("acme-directory", acme.LetsEncryptURL, "ACME directory `URL` of the certificate authority (env "+envACMEDirectory+")")
			acmeHTTPAddr := fs.String("acme-http-addr", defaultACMEHTTPAddr, "`host:port` for plain http with --acme: certificate challenges, and a\nredirect to https for everything else (env "+envACMEHTTPAddr+")")
			budgetFlag := fs.String("picture-budget", "", pictureBudgetUsage)
			proxies := fs.String("trusted-proxies", "", "comma-separated `addresses` or ranges of reverse proxies whose X-Forwarded-For\nnames the client, e.g. 127.0.0.1,::1 behind Caddy (env "+envTrustedProxies+")")
			return func(ctx context.Context, args []string) error {
				trusted, err := web.ParseProxies(e.resolve("trusted-proxies", *proxies, envTrustedProxies, e.cfg.TrustedProxies))
				if err != nil {
					return usagef("--trusted-proxies: %v", err)
				}
				budget, err := parsePictureBudget(e.resolve("picture-budget", *budgetFlag, envPictureBudget, e.cfg.PictureBudget))
				if err != nil {
					return err
				}
				m := NewMain()
				m.Logger, m.Stdout = e.logger, e.io.stdout
				var acmeConfig *ACMEConfig
				listen := e.resolve("addr", *addr, envAddr, e.cfg.Addr)
				if *useACME || e.io.getenv(envACME) == "1" || (e.cfg.ACME && !e.isSet("acme")) {
					acmeConfig = &ACMEConfig{
						Directory: e.resolve("acme-directory", *acmeDirectory, envACMEDirectory, e.cfg.ACMEDirectory),
						Email:     e.resolve("acme-email", *acmeEmail, envACMEEmail, e.cfg.ACMEEmail),
						HTTPAddr:  e.resolve("acme-http-addr", *acmeHTTPAddr, envACMEHTTPAddr, e.cfg.ACMEHTTPAddr),
					}
					if !e.isSet("addr") && e.io.getenv(envAddr) == "" && e.cfg.Addr == "" {
						listen = defaultACMEAddr
					}
				}
				m.Config = ServeConfig{
					ACME:         acmeConfig,
					DataDir:      e.data,
					Addr:         listen,
					URL:          e.resolve("url", *publicURLFlag, envURL, e.cfg.URL),
					Demo:         *demo,
					AllowPrivate: *allowPrivate || os.Getenv(envAllowPrivate) == "1",

					CalendarInterval: *calendarInterval,
					CalendarMonths:   *calendarMonths,
					TrustedProxies:   trusted,
					PictureBudget:    budget,
				}
				return serve(ctx, m)
			}
		},
	}
}

// serve runs m until SIGINT or SIGTERM, then shuts it down.
func serve(ctx context.Context, m *Main) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := m.Run(ctx); err != nil {
		if cerr := m.Close(); cerr != nil {
			m.Logger.Error("cleaning up", "error", cerr)
		}
		return err
	}
	var serveErr error
	select {
	case <-ctx.Done():
		m.Logger.Info("shutting down")
	case serveErr = <-m.Done():
		m.Logger.Error("web server stopped", "error", serveErr)
	}
	stop() // a second signal now kills the process at once
	if err := m.Close(); err != nil {
		return hub.Internal(err, "shutting down")
	}
	if serveErr != nil {
		return hub.Internal(serveErr, "serving web requests")
	}
	m.Logger.Info("stopped")
	return nil
}

// ensureDemoAdmin makes sure the demo admin exists, as an admin, with a new
// random password, which it returns.
func ensureDemoAdmin(ctx context.Context, svc *hub.Service) (string, error) {
	password := randomPassword()
	o, err := svc.Organisers.FindOrganiserByEmail(ctx, demoAdminEmail)
	switch {
	case hub.ErrorCode(err) == hub.ENOTFOUND:
		o = &hub.Organiser{Email: demoAdminEmail, Name: demoAdminName, Role: hub.RoleAdmin}
		all, err := svc.ListOrganisers(ctx)
		if err != nil {
			return "", err
		}
		if len(all) == 0 {
			return password, svc.Bootstrap(ctx, o, password)
		}
		return password, svc.CreateOrganiser(ctx, o, password)
	case err != nil:
		return "", err
	}
	if o.Role != hub.RoleAdmin {
		o.Role = hub.RoleAdmin
		if err := svc.UpdateOrganiser(ctx, o); err != nil {
			return "", err
		}
	}
	return password, svc.SetPassword(ctx, o.ID, password)
}

// minLevel drops records below min.
type minLevel struct {
	slog.Handler
	min slog.Level
}

// Enabled reports whether l is at or above the minimum level.
func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

// WithAttrs returns the handler with attrs added, keeping the minimum.
func (h minLevel) WithAttrs(attrs []slog.Attr) slog.Handler {
	return minLevel{h.Handler.WithAttrs(attrs), h.min}
}

// WithGroup returns the handler with a group, keeping the minimum.
func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h.Handler.WithGroup(name), h.min}
}

// federationConfig is what the hub's fediverse side is made with.
func (m *Main) federationConfig(db *storage.DB) federation.Config {
	return federation.Config{
		Catalog:      m.catalog,
		Content:      hub.NewReader(db.Stores()),
		Store:        db.Federation(),
		Commons:      db.Commons(),
		Pictures:     db.Commons(),
		PictureRoom:  hub.NewService(db.Stores(), m.Logger, pictureBudgetOption(m.Config.PictureBudget)...).PictureRoom(),
		Reports:      db.Stores().Queue,
		BaseURL:      m.baseURL,
		Logger:       m.Logger,
		AllowPrivate: m.Config.AllowPrivate,
		Version:      version,
	}
}
