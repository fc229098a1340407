package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"

	"github.com/commonplace-hub/commonplace/hub"
)

// Serving https without a reverse proxy: the hub obtains and renews its
// own certificate over ACME (Let's Encrypt by default) with
// golang.org/x/crypto/acme/autocert. It answers ACME's tls-alpn-01
// challenge on the https port and http-01 on the http port, which
// otherwise only redirects to https.

// ACMEConfig turns on automatic certificates. The hub then serves https on
// ServeConfig.Addr and http on HTTPAddr.
type ACMEConfig struct {
	// Directory is the ACME server's directory URL; empty means
	// Let's Encrypt's production service.
	Directory string
	// Email is where the certificate authority may send expiry and
	// policy notices; optional.
	Email string
	// HTTPAddr is where plain http is served (ACME http-01 challenges,
	// and a redirect to https for everything else); empty means ":80".
	HTTPAddr string
	// CacheDir keeps the ACME account key and the certificates; empty
	// means DATA/acme. It must survive restarts: certificate authorities
	// limit how many certificates one name may get in a week.
	CacheDir string
}

// Defaults for ACME mode: the standard ports, which the hub must own.
const (
	defaultACMEAddr     = ":443"
	defaultACMEHTTPAddr = ":80"
)

// acmeRetry is how long the hub waits before asking again after failing to
// obtain its first certificate: a new name's DNS can take a while.
var acmeRetry = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour}

// checkACMEHost refuses public URLs no certificate authority will issue
// for.
func checkACMEHost(u *url.URL) error {
	host := u.Hostname()
	if u.Scheme != "https" {
		return hub.Errorf(hub.EINVALID, "Automatic certificates (--acme) need an https public URL: use --url https://%s.", u.Host)
	}
	if net.ParseIP(host) != nil || host == "localhost" || !strings.Contains(host, ".") {
		return hub.Errorf(hub.EINVALID, "Automatic certificates (--acme) need a domain name such as hub.example.org in the public URL, not %q: certificate authorities do not issue certificates for addresses or localhost.", host)
	}
	return nil
}

// acmeManager returns the certificate manager for the hub's host name.
func acmeManager(cfg *ACMEConfig, dataDir string, u *url.URL) (*autocert.Manager, error) {
	cache := cfg.CacheDir
	if cache == "" {
		cache = filepath.Join(dataDir, "acme")
	}
	// The account key and certificate keys are secrets.
	if err := os.MkdirAll(cache, 0o700); err != nil {
		return nil, hub.Internal(err, "creating the certificate folder "+cache)
	}
	host := strings.ToLower(u.Hostname())
	return &autocert.Manager{
		Prompt: autocert.AcceptTOS,
		Cache:  autocert.DirCache(cache),
		Email:  cfg.Email,
		// Only the hub's own name: anyone can point a name at this
		// address and ask for it.
		HostPolicy: func(_ context.Context, name string) error {
			// http-01 requests carry a port when the challenge is not
			// on port 80; TLS server names never do.
			if h, _, err := net.SplitHostPort(name); err == nil {
				name = h
			}
			if !strings.EqualFold(name, host) {
				return fmt.Errorf("this hub only has certificates for %s, not %q", host, name)
			}
			return nil
		},
		Client: &acme.Client{DirectoryURL: cfg.Directory, UserAgent: "commonplace/" + version},
	}, nil
}

// startACME makes the https listener serve TLS with certificates from mgr,
// starts the plain http server and asks for the first certificate in the
// background, so that a problem shows in the log at start rather than at
// the first visitor.
func (m *Main) startACME(mgr *autocert.Manager) error {
	httpAddr := m.Config.ACME.HTTPAddr
	if httpAddr == "" {
		httpAddr = defaultACMEHTTPAddr
	}
	ln, err := net.Listen("tcp", httpAddr)
	if err != nil {
		return listenError(httpAddr, err)
	}
	m.httpListener = ln
	tlsConfig := mgr.TLSConfig() // h2, http/1.1 and acme-tls/1
	tlsConfig.MinVersion = tls.VersionTLS12
	m.HTTPServer.TLSConfig = tlsConfig

	// Everything but ACME challenges goes to the https address.
	base := *m.baseURL
	redirect := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "Use https.", http.StatusBadRequest)
			return
		}
		target := base
		target.Path, target.RawQuery = r.URL.Path, r.URL.RawQuery
		http.Redirect(w, r, target.String(), http.StatusMovedPermanently)
	})
	m.redirectServer = &http.Server{
		Handler:           mgr.HTTPHandler(redirect),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	go func(srv *http.Server) {
		if err := srv.Serve(ln); err != http.ErrServerClosed {
			m.serveErr <- fmt.Errorf("http server: %w", err)
		}
	}(m.redirectServer)

	ctx, stop := context.WithCancel(context.Background())
	m.stopACME = stop
	go m.firstCertificate(ctx, mgr)
	return nil
}

// firstCertificate obtains (or loads from the cache) the certificate
// readers will be served, logging the outcome, and keeps trying with
// growing pauses while it fails. autocert renews it 30 days before expiry.
func (m *Main) firstCertificate(ctx context.Context, mgr *autocert.Manager) {
	host := m.baseURL.Hostname()
	// A hello like a current browser's, so the ECDSA certificate browsers
	// use is the one obtained (a bare hello would get an RSA one).
	hello := &tls.ClientHelloInfo{
		ServerName:        host,
		SignatureSchemes:  []tls.SignatureScheme{tls.ECDSAWithP256AndSHA256, tls.PSSWithSHA256},
		SupportedCurves:   []tls.CurveID{tls.X25519, tls.CurveP256},
		CipherSuites:      []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256},
		SupportedVersions: []uint16{tls.VersionTLS13, tls.VersionTLS12},
	}
	for attempt := 0; ; attempt++ {
		start := time.Now()
		cert, err := mgr.GetCertificate(hello) // bounded by autocert: 5 minutes
		if err == nil && cert.Leaf != nil {
			m.Logger.Info("https certificate ready", "host", host, "issuer", cert.Leaf.Issuer.CommonName,
				"expires", cert.Leaf.NotAfter.UTC().Format(time.DateOnly), "took", time.Since(start).Round(time.Millisecond))
			return
		}
		if ctx.Err() != nil {
			return
		}
		wait := acmeRetry[min(attempt, len(acmeRetry)-1)]
		m.Logger.Error("could not get an https certificate; readers cannot reach the hub until one is issued. "+acmeHint(err, m.Config.ACME.Directory),
			"host", host, "error", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// acmeHint says what to check after a failed certificate request.
func acmeHint(err error, directory string) string {
	var authz *acme.AuthorizationError
	var order *acme.OrderError
	var netErr *url.Error
	switch {
	// autocert reports "no viable challenge type found" once every
	// challenge it tried was failed by the authority.
	case errors.As(err, &authz), errors.As(err, &order), strings.Contains(err.Error(), "no viable challenge type"):
		return "The certificate authority could not reach the hub: check that the domain's DNS points at this server and that ports 80 and 443 reach it (firewall)."
	case errors.As(err, &netErr):
		if directory == "" {
			directory = acme.LetsEncryptURL
		}
		return "The certificate authority at " + directory + " could not be reached: check the server's internet connection."
	}
	return "See the error for the certificate authority's reason."
}
