package web

import (
	"bytes"
	"net/http"
	"sync"
	"time"
)

// pageCache keeps rendered public pages for a short time (a microcache):
// every reader gets the same page, so under load most requests are
// served from memory instead of SQLite and the templates. A change shows
// within the cache's lifetime. Only anonymous GETs of pages that answer
// 200 are kept; conditional requests, requests with credentials and
// requests that negotiate to ActivityStreams (wantedRepresentation, the
// decision the item pages then follow) pass through. Entries are keyed on
// the negotiated representation as well as the URI, so a page kept for
// browsers is never what a fediverse server gets, nor the other way round,
// however the Accept header is spelt.
//
// One request renders a page at a time: while it does, others for the same
// page get the expired copy if it expired only just now (within ten
// lifetimes), or wait for the fresh one, so
// an expensive page (a search over a large commons) is not computed by
// every waiting reader at once.
type pageCache struct {
	ttl time.Duration
	max int // entries; on overflow the cache starts again

	mu      sync.RWMutex
	entries map[string]*cachedPage
	flight  map[string]chan struct{} // pages being rendered; closed when done
}

type cachedPage struct {
	header  http.Header
	body    []byte
	expires time.Time
}

// staleFactor bounds how old an expired copy may be and still be served
// while another request renders the page afresh: ten lifetimes.
const staleFactor = 10

// maxCachedPage is the largest body kept.
const maxCachedPage = 1 << 20

func newPageCache(ttl time.Duration) *pageCache {
	return &pageCache{ttl: ttl, max: 2000, entries: map[string]*cachedPage{}, flight: map[string]chan struct{}{}}
}

// cacheable reports whether a request for rep may be answered from the
// cache. ActivityStreams answers are not kept: what federation serves may
// depend on who asks.
func cacheable(r *http.Request, rep representation) bool {
	return r.Method == http.MethodGet && rep == representHTML &&
		r.Header.Get("If-None-Match") == "" && r.Header.Get("If-Modified-Since") == "" && r.Header.Get("Authorization") == ""
}

// cacheKey names a page in the cache: its representation and its URI.
func cacheKey(r *http.Request, rep representation) string {
	return rep.String() + " " + r.URL.RequestURI()
}

// recorder captures a response while writing it through.
type recorder struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
	over   bool
}

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if !w.over {
		if w.buf.Len()+len(b) > maxCachedPage {
			w.over = true
			w.buf = bytes.Buffer{}
		} else {
			w.buf.Write(b)
		}
	}
	return w.ResponseWriter.Write(b)
}

func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (c *pageCache) middleware(next http.Handler) http.Handler {
	if c == nil || c.ttl <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rep := wantedRepresentation(r)
		r = withRepresentation(r, rep) // the item pages answer what was negotiated here
		if !cacheable(r, rep) {
			next.ServeHTTP(w, r)
			return
		}
		key := cacheKey(r, rep)
		for {
			c.mu.RLock()
			p, done := c.entries[key], c.flight[key]
			c.mu.RUnlock()
			now := time.Now()
			if p != nil && (now.Before(p.expires) || done != nil && now.Before(p.expires.Add(staleFactor*c.ttl))) {
				// Fresh, or just expired and being refreshed by another
				// request: this copy.
				p.serve(w)
				return
			}
			if done == nil {
				c.mu.Lock()
				if c.flight[key] != nil { // another request got here first
					c.mu.Unlock()
					continue
				}
				done = make(chan struct{})
				c.flight[key] = done
				c.mu.Unlock()
				defer func() { // also if next panics
					c.mu.Lock()
					delete(c.flight, key)
					c.mu.Unlock()
					close(done)
				}()
				c.render(w, r, next, key, now)
				return
			}
			// No copy yet: wait for the one being rendered, then look again
			// (it may not have been kept: an error, a cookie).
			select {
			case <-done:
			case <-r.Context().Done():
				return
			}
			c.mu.RLock()
			p = c.entries[key]
			c.mu.RUnlock()
			if p == nil || time.Now().After(p.expires) {
				next.ServeHTTP(w, r)
				return
			}
			p.serve(w)
			return
		}
	})
}

func (p *cachedPage) serve(w http.ResponseWriter) {
	h := w.Header()
	for k, v := range p.header {
		h[k] = v
	}
	w.WriteHeader(http.StatusOK)
	w.Write(p.body)
}

// render serves the request through next, keeping the page if it can be.
func (c *pageCache) render(w http.ResponseWriter, r *http.Request, next http.Handler, key string, now time.Time) {
	rec := &recorder{ResponseWriter: w}
	next.ServeHTTP(rec, r)
	if rec.status != http.StatusOK || rec.over || w.Header().Get("Set-Cookie") != "" {
		return
	}
	entry := &cachedPage{header: w.Header().Clone(), body: bytes.Clone(rec.buf.Bytes()), expires: now.Add(c.ttl)}
	c.mu.Lock()
	if len(c.entries) >= c.max {
		c.entries = map[string]*cachedPage{}
	}
	c.entries[key] = entry
	c.mu.Unlock()
}
