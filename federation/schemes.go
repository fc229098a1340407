package federation

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"

	"github.com/commonplace-hub/commonplace/federation/signature"
)

// The double knock (as Fedify does it): the hub signs a request to a
// server in the scheme remembered for it, draft-cavage when none is; a
// server that answers 401 gets the request once more, signed in the other
// scheme (RFC 9421), and whichever it took is remembered for it.

// SchemeCache remembers, per server (host as HostOf spells it), which
// signature scheme it took. The default, NewMemorySchemeCache, is this
// process's memory; a hub run as several processes gives New one they
// share (WithSchemeCache).
type SchemeCache interface {
	// Get returns the scheme host last took, if one is known.
	Get(host string) (signature.Scheme, bool)
	// Put remembers that host took s.
	Put(host string, s signature.Scheme)
}

// NewMemorySchemeCache returns a SchemeCache in this process's memory.
func NewMemorySchemeCache() SchemeCache { return &memorySchemes{hosts: map[string]signature.Scheme{}} }

// maxSchemeHosts bounds the memory cache; forgetting costs one extra
// request to a server that wants RFC 9421.
const maxSchemeHosts = 10000

type memorySchemes struct {
	mu    sync.Mutex
	hosts map[string]signature.Scheme
}

func (m *memorySchemes) Get(host string) (signature.Scheme, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.hosts[host]
	return s, ok
}

func (m *memorySchemes) Put(host string, s signature.Scheme) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.hosts) >= maxSchemeHosts {
		m.hosts = map[string]signature.Scheme{}
	}
	m.hosts[host] = s
}

// WithSchemeCache remembers which signature scheme each server took in c
// instead of this process's memory.
func WithSchemeCache(c SchemeCache) Option { return func(o *options) { o.schemes = c } }

// signerFor is the hub actor's signer in scheme s.
func (f *Federation) signerFor(s signature.Scheme) signature.Signer {
	if s == signature.RFC9421 {
		return f.signer9421
	}
	return f.signer
}

// sendSigned sends a request signed as the hub actor, knocking twice
// when the server answers 401 (see above). prepare sets the request's
// headers before it is signed; body is nil for a GET. The caller closes
// the response's body.
func (f *Federation) sendSigned(ctx context.Context, method, target string, body []byte, prepare func(*http.Request)) (*http.Response, error) {
	host := HostOf(target)
	first, known := f.schemes.Get(host)
	if !known {
		first = signature.Cavage
	}
	resp, err := f.sendOnce(ctx, method, target, body, prepare, first)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusUnauthorized {
		if !known && resp.StatusCode < 300 {
			f.schemes.Put(host, first)
		}
		return resp, nil
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	second := signature.RFC9421
	if first == signature.RFC9421 {
		second = signature.Cavage
	}
	resp, err = f.sendOnce(ctx, method, target, body, prepare, second)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 300 {
		f.schemes.Put(host, second)
		f.log.Debug("signature scheme", "host", host, "scheme", second)
	}
	return resp, nil
}

// sendOnce sends one request signed in scheme s.
func (f *Federation) sendOnce(ctx context.Context, method, target string, body []byte, prepare func(*http.Request), s signature.Scheme) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return nil, err
	}
	prepare(req)
	if err := f.signerFor(s).Sign(req, body, f.now()); err != nil {
		return nil, err
	}
	return f.client.Do(req)
}
