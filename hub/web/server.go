// Package web is the hub's HTTP front end: public pages, organiser pages
// under /admin and the JSON organiser API under /api/v1. Handlers only parse
// the request, call hub.Service and render the result; the routes below
// declare who may reach each one.
package web

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/calendar"
	"github.com/commonplace-hub/commonplace/locales"
	"github.com/commonplace-hub/commonplace/themes"
)

// Config is what a Server needs.
type Config struct {
	Service *hub.Service
	// BaseURL is the hub's public URL, e.g. https://hub.example.
	BaseURL *url.URL
	Logger  *slog.Logger
	// Ready reports whether the hub is ready to serve; /healthz answers 503
	// until it returns nil. Nil means always ready.
	Ready func() error
	// Theme overrides the embedded default theme.
	Theme fs.FS
	// LoginRate is how many login attempts one client (an IPv4 address, an
	// IPv6 /64) may make per minute (default 10), with the same number as
	// burst. See throttle.go for the whole policy.
	LoginRate int
	// LoginCounters keeps login throttling's counts; nil keeps them in
	// this process's memory (NewMemoryLoginCounters).
	LoginCounters LoginCounters
	// LoginClock and LoginWait are the time login throttling goes by and
	// how it waits before checking a password; nil means the real ones.
	// Tests set both, so that nothing really sleeps.
	LoginClock func() time.Time
	LoginWait  func(ctx context.Context, d time.Duration) error
	// ActivityPub, if set, serves the hub's fediverse side: its routes are
	// mounted, and item pages answer ActivityStreams to clients asking for it.
	ActivityPub ActivityPub
	// Calendars manages calendar subscriptions; nil leaves out their
	// organiser pages and API endpoints.
	Calendars *calendar.Service
	// TrustedProxies are the reverse proxies (Caddy, nginx) whose
	// X-Forwarded-For names the client; from anyone else it is ignored.
	TrustedProxies []netip.Prefix
	// PageCache, if positive, keeps rendered public pages that long, so a
	// busy hub renders each page about once per PageCache; changes show
	// within it. Zero renders every request (tests rely on that).
	PageCache time.Duration
	// PageStore keeps the page cache's pages; nil keeps them in this
	// process's memory (NewMemoryPageStore).
	PageStore PageStore
	// Catalog gives the words of every page and message in every
	// language; nil means the catalogs built into the binary
	// (locales.Load).
	Catalog *locales.Catalog
}

// ActivityPub is the fediverse side of the hub, as the web server needs it.
// Package federation implements it.
type ActivityPub interface {
	// Routes registers WebFinger, NodeInfo, the actor, inboxes and collections.
	Routes(r chi.Router)
	// ServeObject answers an item's URL with its ActivityStreams object.
	// The web server decides which requests get it (wantedRepresentation).
	ServeObject(w http.ResponseWriter, r *http.Request, kind hub.Kind, slug string)
	// FollowIntent returns the page on a reader's server where they can
	// follow the hub; server is what they typed (a host, a URL or their
	// @user@host). EINVALID means it cannot be a server's name.
	FollowIntent(ctx context.Context, server string) (string, error)
}

// Server is the hub's http.Handler.
type Server struct {
	cfg       Config
	svc       *hub.Service
	log       *slog.Logger
	base      *url.URL
	views     *languageViews
	catalog   *locales.Catalog
	langCache hubLanguageCache // the hub's language, kept as briefly as pages
	md        *markdownRenderer
	logins    *loginThrottle
	static    http.Handler
	router    chi.Router
	pages     *pageCache      // public pages, kept briefly (nil or ttl 0: off)
	pictures  *pictureCache   // picture files, kept as briefly (picture_cache.go; nil: off)
	netLimits netSearchLimits // network searches asked and answered, per client
}

// Limits on request bodies.
const (
	maxFormBody = 1 << 20 // forms and JSON
	maxLogoBody = hub.MaxLogoSize + 64<<10
)

// New returns a Server for cfg. It parses every template, so a broken theme
// fails here rather than on a reader's request.
func New(cfg Config) (*Server, error) {
	if cfg.Service == nil {
		return nil, errors.New("web: Config.Service is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.BaseURL == nil {
		cfg.BaseURL = &url.URL{Scheme: "http", Host: "localhost:8080"}
	}
	if cfg.Theme == nil {
		cfg.Theme = themes.Default()
	}
	if cfg.LoginRate <= 0 {
		cfg.LoginRate = 10
	}
	if cfg.Catalog == nil {
		c, err := locales.Load()
		if err != nil {
			return nil, err
		}
		cfg.Catalog = c
	}
	md := newMarkdown()
	s0 := &Server{catalog: cfg.Catalog}
	langs := []string{locales.PseudoAccented, locales.PseudoRTL}
	for _, l := range cfg.Catalog.Languages() {
		langs = append(langs, l.Tag)
	}
	views, err := newLanguageViews(cfg.Theme, md, s0.translatorIn, langs)
	if err != nil {
		return nil, err
	}
	staticFS, err := fs.Sub(cfg.Theme, "static")
	if err != nil {
		return nil, err
	}
	s := &Server{
		catalog:  cfg.Catalog,
		cfg:      cfg,
		svc:      cfg.Service,
		log:      cfg.Logger,
		base:     cfg.BaseURL,
		views:    views,
		md:       md,
		logins:   newLoginThrottle(cfg),
		static:   http.StripPrefix("/static/", http.FileServerFS(staticFS)),
		pages:    newPageCache(cfg.PageCache, cfg.PageStore),
		pictures: newPictureCache(cfg.PageCache, pictureCacheBytes),
	}
	s.router = s.routes()
	return s, nil
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.router.ServeHTTP(w, r) }

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Ready != nil {
		if err := s.cfg.Ready(); err != nil {
			http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte("ok\n"))
}

func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	s.static.ServeHTTP(w, r)
}

// handlerFunc is a handler that returns its error to one place, which
// turns it into a page or a JSON body with the right status.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// html adapts h for pages: errors render the error page.
func (s *Server) html(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.renderError(w, r, err)
		}
	}
}

// statusOfCode is the HTTP status of each hub error code.
var statusOfCode = map[string]int{
	hub.EINVALID:      http.StatusUnprocessableEntity,
	hub.ENOTFOUND:     http.StatusNotFound,
	hub.ECONFLICT:     http.StatusConflict,
	hub.EUNAUTHORIZED: http.StatusUnauthorized,
	hub.EFORBIDDEN:    http.StatusForbidden,
	hub.ETOOMANY:      http.StatusTooManyRequests,
	hub.EUNAVAILABLE:  http.StatusServiceUnavailable,
}

// statusOf maps a hub error code to an HTTP status.
func statusOf(err error) int {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return http.StatusRequestEntityTooLarge
	}
	if status, ok := statusOfCode[hub.ErrorCode(err)]; ok {
		return status
	}
	return http.StatusInternalServerError
}

// renderError shows a reader a safe message; the log gets the cause.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	msg := s.errorMessage(r, err)
	if status == http.StatusRequestEntityTooLarge {
		msg = s.t(r, "What you sent is too large.")
	}
	if status >= 500 {
		s.log.Error("request failed", slog.Group("request", "method", r.Method, "path", r.URL.Path), "error", err)
	}
	data := s.page(r, s.t(r, "Sorry"), nil)
	data.NoIndex = true
	data.Data = struct {
		Status  int
		Heading string
		Message string
	}{status, s.t(r, statusHeading(status)), msg}
	if rerr := s.views.render(w, status, "public/error", data); rerr != nil {
		s.log.Error("render error page", "error", rerr)
		http.Error(w, msg, status)
	}
}

// statusHeadings are the error page's headings, messages, by status.
var statusHeadings = map[int]string{
	http.StatusBadRequest:            msg("Bad Request"),
	http.StatusUnauthorized:          msg("Unauthorized"),
	http.StatusForbidden:             msg("Forbidden"),
	http.StatusNotFound:              msg("Not Found"),
	http.StatusConflict:              msg("Conflict"),
	http.StatusRequestEntityTooLarge: msg("Request Entity Too Large"),
	http.StatusUnprocessableEntity:   msg("Unprocessable Entity"),
	http.StatusTooManyRequests:       msg("Too Many Requests"),
	http.StatusServiceUnavailable:    msg("Service Unavailable"),
	http.StatusInternalServerError:   msg("Internal Server Error"),
}

// statusHeading is the error page's heading for a status, a message.
func statusHeading(status int) string {
	if h, ok := statusHeadings[status]; ok {
		return h
	}
	return http.StatusText(status)
}

// recoverPanics turns a panic into a logged 500 instead of a dropped
// connection.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "value", fmt.Sprint(v), "stack", string(debug.Stack()))
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		level := slog.LevelDebug
		if rec.status >= 500 {
			level = slog.LevelWarn
		}
		if !s.log.Enabled(r.Context(), level) {
			return // the common case: no attributes built for nothing
		}
		s.log.Log(r.Context(), level, "http request",
			slog.Group("request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
				"duration_ms", float64(time.Since(start).Microseconds())/1000))
	})
}

// Security headers, built once: every response gets a copy of the slices'
// headers, never the slices themselves being appended to (each has length
// equal to capacity, so an Add elsewhere copies first).
var (
	// pageHeaders keep pages free of inline script and third-party loads.
	pageHeaders = http.Header{
		"Content-Security-Policy": {"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"},
		"X-Content-Type-Options":  {"nosniff"},
		"Referrer-Policy":         {"same-origin"},
		"X-Frame-Options":         {"DENY"},
		"Permissions-Policy":      {"interest-cohort=(), browsing-topics=()"},
	}
	// publicPageHeaders are pageHeaders for readers' pages: their one
	// form, the follow box, sends the reader on (303) to their own
	// server's https follow page, which form-action must allow
	// (CSP applies it to a form's redirects too). Organiser pages keep
	// form-action 'self'.
	publicPageHeaders = http.Header{
		"Content-Security-Policy": {"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self' https:"},
		"X-Content-Type-Options":  {"nosniff"},
		"Referrer-Policy":         {"same-origin"},
		"X-Frame-Options":         {"DENY"},
		"Permissions-Policy":      {"interest-cohort=(), browsing-topics=()"},
	}
	// dataHeaders are for JSON documents (WebFinger, NodeInfo, the actor,
	// collections): nothing in them may load or run, and no page may frame
	// them. Shorter than pageHeaders, which matters on the busiest routes.
	dataHeaders = http.Header{
		"Content-Security-Policy": {"default-src 'none'; frame-ancestors 'none'"},
		"X-Content-Type-Options":  {"nosniff"},
		"Referrer-Policy":         {"same-origin"},
	}
)

// withHeaders sets every header in set on each response.
func withHeaders(set http.Header) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			for k, v := range set {
				h[k] = v
			}
			next.ServeHTTP(w, r)
		})
	}
}

// hstsValue keeps browsers on https for a year once they have seen it
// there. Without includeSubDomains (a community group may share its
// domain with sites it does not run) and without preload (a list that is
// slow to leave).
var hstsValue = []string{"max-age=31536000"}

// strictTransportSecurity sets Strict-Transport-Security on every answer.
// It is used when the hub's public URL is https, whether the hub serves
// https itself (--acme) or sits behind a reverse proxy that does and talks
// plain http to it; over plain http browsers would ignore it (RFC 6797
// §8.1), and a hub on http://localhost must not pin localhost to https.
func strictTransportSecurity(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Strict-Transport-Security"] = hstsValue
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets pageHeaders on the organiser pages and the API, and
// publicPageHeaders on readers' pages, feeds and static files.
func securityHeaders(next http.Handler) http.Handler {
	public, organisers := withHeaders(publicPageHeaders)(next), withHeaders(pageHeaders)(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.Path; strings.HasPrefix(p, "/admin") || strings.HasPrefix(p, "/api/") {
			organisers.ServeHTTP(w, r)
			return
		}
		public.ServeHTTP(w, r)
	})
}

func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// limitBody caps request bodies; paths in larger get room for a logo, and
// organisers' multipart forms room for a picture.
func limitBody(n int64, larger ...string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			limit := n
			for _, p := range larger {
				if r.URL.Path == p {
					limit = maxLogoBody
				}
			}
			if isPictureUpload(r) {
				limit = max(limit, maxPictureBody)
			}
			if r.ContentLength > limit {
				w.Header().Set("Connection", "close")
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			next.ServeHTTP(w, r)
		})
	}
}

var cop = http.NewCrossOriginProtection()

// crossOriginProtection rejects cross-site unsafe requests using the
// browser's Sec-Fetch-Site and Origin headers (Go's CSRF defence), in
// addition to the per-session form token.
func crossOriginProtection(next http.Handler) http.Handler {
	return cop.Handler(next)
}

// absURL makes a path absolute against the hub's public URL.
func (s *Server) absURL(p string) string {
	return strings.TrimSuffix(s.base.String(), "/") + p
}

// secureCookies reports whether cookies get the Secure flag: when the hub
// is served over https.
func (s *Server) secureCookies() bool { return s.base.Scheme == "https" }
