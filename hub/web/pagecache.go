package web

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"time"
)

// pageCache keeps rendered public pages for a short time (a microcache):
// every reader gets the same page, so under load most requests are
// served from memory instead of SQLite and the templates. A change shows
// within the cache's lifetime. Only anonymous GETs of pages that answer
// 200 are kept; conditional requests, ActivityStreams requests and
// anything with a query for the API or organiser pages pass through.
type pageCache struct {
	ttl time.Duration
	max int // entries; on overflow the cache starts again

	mu      sync.RWMutex
	entries map[string]*cachedPage
}

type cachedPage struct {
	header  http.Header
	body    []byte
	expires time.Time
}

// maxCachedPage is the largest body kept.
const maxCachedPage = 1 << 20

func newPageCache(ttl time.Duration) *pageCache {
	return &pageCache{ttl: ttl, max: 2000, entries: map[string]*cachedPage{}}
}

func cacheable(r *http.Request) bool {
	if r.Method != http.MethodGet || r.Header.Get("If-None-Match") != "" || r.Header.Get("If-Modified-Since") != "" ||
		r.Header.Get("Authorization") != "" {
		return false
	}
	accept := r.Header.Get("Accept")
	return !strings.Contains(accept, "activity+json") && !strings.Contains(accept, "ld+json")
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
		if !cacheable(r) {
			next.ServeHTTP(w, r)
			return
		}
		key := r.URL.RequestURI()
		now := time.Now()
		c.mu.RLock()
		p := c.entries[key]
		c.mu.RUnlock()
		if p != nil && now.Before(p.expires) {
			h := w.Header()
			for k, v := range p.header {
				h[k] = v
			}
			w.WriteHeader(http.StatusOK)
			w.Write(p.body)
			return
		}
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
	})
}
