package federation

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/commonplace-hub/commonplace/internal/netaddr"
)

// Limits on what the hub fetches and sends.
const (
	maxFetchBytes   = 1 << 20 // a remote actor or object document
	fetchTimeout    = 10 * time.Second
	deliveryTimeout = 15 * time.Second
	userAgentPrefix = "Commonplace/"
)

// ErrPrivateAddress is returned when a remote URL resolves to a private,
// loopback or link-local address, or any other that is not globally
// reachable, and the hub does not allow those. (hub/calendar recognises
// its message.)
var ErrPrivateAddress = errors.New("refusing to connect to a private, loopback or link-local address, or another that is not globally reachable")

// NewHTTPClient returns a client for remote fetches and deliveries. Unless
// allowPrivate is set (for development and loopback tests), it refuses to
// connect to any address that is not globally reachable
// (netaddr.IsGloballyReachable: the IANA special-purpose registries, with
// the IPv4 address inside IPv4-mapped, NAT64 and 6to4 addresses judged in
// their place), after DNS resolution and on every redirect, so a remote
// document cannot make the hub reach into the network it runs in.
func NewHTTPClient(allowPrivate bool, timeout time.Duration) *http.Client {
	if allowPrivate {
		return newHTTPClient(nil, timeout)
	}
	return newHTTPClient(func(ap netip.AddrPort) bool { return netaddr.IsGloballyReachable(ap.Addr()) }, timeout)
}

// newHTTPClient is NewHTTPClient with the address check as a function:
// allowed (nil allows every address) is asked about each address the
// client is about to connect to, after DNS resolution and on every
// redirect. Tests use it to treat one loopback server as if it were public.
func newHTTPClient(allowed func(netip.AddrPort) bool, timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	dial := dialer.DialContext
	if allowed != nil {
		check := func(address string) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return err
			}
			if !allowed(ap) {
				return fmt.Errorf("%w (%s)", ErrPrivateAddress, ap.Addr())
			}
			return nil
		}
		// Control sees every address the dialer connects to, names
		// resolved, just before it connects.
		dialer.Control = func(network, address string, _ syscall.RawConn) error { return check(address) }
		dial = func(ctx context.Context, network, address string) (net.Conn, error) {
			// An address literal is refused before a socket is even
			// made (on a host without IPv6, too).
			if host, _, err := net.SplitHostPort(address); err == nil {
				if _, err := netip.ParseAddr(host); err == nil {
					if err := check(address); err != nil {
						return nil, &net.OpError{Op: "dial", Net: network, Err: err}
					}
				}
			}
			return dialer.DialContext(ctx, network, address)
		}
	}
	tr := &http.Transport{
		Proxy:                 nil, // deliveries go direct; a proxy would hide the address check
		DialContext:           dial,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          200,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return errors.New("too many redirects")
			}
			if req.URL.Scheme != "https" && req.URL.Scheme != "http" {
				return errors.New("redirect to a non-http URL")
			}
			if HostOf(req.URL.String()) == "" {
				return errors.New("redirect to a URL without a valid host")
			}
			if check, ok := req.Context().Value(redirectCheckKey{}).(func(host string) error); ok {
				return check(HostOf(req.URL.String()))
			}
			return nil
		},
	}
}

// redirectCheckKey is the context key of a request's redirect check: a
// func(host string) error asked about the host (as HostOf spells it) of
// every redirect before it is followed.
type redirectCheckKey struct{}

// errRefusedServer is a request the moderation policy does not allow.
var errRefusedServer = errors.New("this hub does not federate with that server")

// refusingRedirects returns ctx with a redirect check that refuses servers
// the hub does not federate with (blocked, or not on the allowlist), so a
// server it may reach cannot send it on to one it may not.
func (f *Federation) refusingRedirects(ctx context.Context) context.Context {
	return context.WithValue(ctx, redirectCheckKey{}, func(host string) error {
		if f.refusedHost(ctx, host) {
			return fmt.Errorf("%w (%s)", errRefusedServer, host)
		}
		return nil
	})
}

// FetchError is a failed remote fetch, with the HTTP status if one came.
type FetchError struct {
	URL    string
	Status int
	Err    error
}

func (e *FetchError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("fetch %s: HTTP %d", e.URL, e.Status)
	}
	return fmt.Sprintf("fetch %s: %v", e.URL, e.Err)
}

func (e *FetchError) Unwrap() error { return e.Err }

// fetchDoc GETs an ActivityStreams document, signed as the hub actor so
// servers requiring authorized fetch answer, within the size limit.
func (f *Federation) fetchDoc(ctx context.Context, iri string) (doc, error) {
	if !strings.HasPrefix(iri, "https://") && !strings.HasPrefix(iri, "http://") || HostOf(iri) == "" {
		return nil, &FetchError{URL: iri, Err: errors.New("not an http(s) URL with a valid host")}
	}
	ctx, cancel := context.WithTimeout(f.refusingRedirects(ctx), fetchTimeout)
	defer cancel()
	resp, err := f.sendSigned(ctx, http.MethodGet, iri, nil, func(req *http.Request) {
		req.Header.Set("Accept", contentTypeAS+", "+contentTypeLD)
		req.Header.Set("User-Agent", f.userAgent)
	})
	if err != nil {
		return nil, &FetchError{URL: iri, Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil, &FetchError{URL: iri, Status: resp.StatusCode}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxFetchBytes+1))
	if err != nil {
		return nil, &FetchError{URL: iri, Err: err}
	}
	if len(body) > maxFetchBytes {
		return nil, &FetchError{URL: iri, Err: fmt.Errorf("document larger than %d bytes", maxFetchBytes)}
	}
	d, err := parseDoc(body)
	if err != nil {
		return nil, &FetchError{URL: iri, Err: fmt.Errorf("not a JSON object: %w", err)}
	}
	if err := checkServedFrom(d, resp.Request.URL.String()); err != nil {
		return nil, &FetchError{URL: iri, Err: err}
	}
	return d, nil
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// errNotItem: a fetched object is not an item the commons keeps.
var errNotItem = errors.New("not an event, guide or case study")

// fetchItem dereferences an object IRI and checks it really lives there.
func (f *Federation) fetchItem(ctx context.Context, iri string) (doc, error) {
	return f.fetchOwn(ctx, iri, "%s answered with the object %q")
}

// fetchOwn dereferences iri and checks that the document is its own: it
// carries that id exactly (fetchDoc has already checked it came from that
// origin). mismatch, of iri and the id found, says when it is not.
func (f *Federation) fetchOwn(ctx context.Context, iri, mismatch string) (doc, error) {
	d, err := f.fetchDoc(ctx, iri)
	if err != nil {
		return nil, err
	}
	if d.id() != iri {
		return nil, fmt.Errorf(mismatch, iri, d.id())
	}
	return d, nil
}
