// Package web is the hub's HTTP front end: public pages, organiser pages
// under /admin and the JSON organiser API under /api/v1. Handlers only parse
// the request, call hub.Service and render the result.
package web

import (
	"log/slog"
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"

	"github.com/commonplace-hub/commonplace/hub"
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
}

// Server is the hub's http.Handler.
type Server struct {
	cfg    Config
	svc    *hub.Service
	log    *slog.Logger
	router chi.Router
}

// New returns a Server for cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Server{cfg: cfg, svc: cfg.Service, log: cfg.Logger}
	r := chi.NewRouter()
	r.Get("/healthz", s.healthz)
	s.router = r
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
	w.Write([]byte("ok\n"))
}
