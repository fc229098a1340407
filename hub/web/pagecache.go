package web

import (
	"bytes"
	"context"
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
//
// The pages themselves are kept in a PageStore (Config.PageStore), which
// processes serving one hub may share; who is rendering which page is
// known only to this process.
type pageCache struct {
	ttl   time.Duration
	store PageStore

	mu     sync.Mutex
	flight map[string]chan struct{} // pages being rendered; closed when done
}

// PageStore keeps the rendered public pages of the page cache. Pages are
// kept briefly (Config.PageCache); a store may forget any page at any time.
type PageStore interface {
	// Page returns the page kept under key, expired or not (the cache
	// decides what it may still serve), or nil when there is none or the
	// store cannot answer. The caller does not change it.
	Page(ctx context.Context, key string) *CachedPage
	// Keep keeps p under key, in place of what was there.
	Keep(ctx context.Context, key string, p *CachedPage)
}

// CachedPage is a kept page: a 200 answer's headers and body, and when it
// stops being fresh.
type CachedPage struct {
	Header  http.Header
	Body    []byte
	Expires time.Time
}

// memoryPageStore is PageStore in this process's memory.
type memoryPageStore struct {
	max int // entries; on overflow the store starts again

	mu      sync.RWMutex
	entries map[string]*CachedPage
}

// NewMemoryPageStore returns a PageStore in memory, for one process, of
// at most 2,000 pages (past that it forgets them all and starts again).
func NewMemoryPageStore() PageStore {
	return &memoryPageStore{max: 2000, entries: map[string]*CachedPage{}}
}

var _ PageStore = (*memoryPageStore)(nil)

func (m *memoryPageStore) Page(_ context.Context, key string) *CachedPage {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.entries[key]
}

func (m *memoryPageStore) Keep(_ context.Context, key string, p *CachedPage) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.entries) >= m.max {
		m.entries = map[string]*CachedPage{}
	}
	m.entries[key] = p
}

// staleFactor bounds how old an expired copy may be and still be served
// while another request renders the page afresh: ten lifetimes.
const staleFactor = 10

// maxCachedPage is the largest body kept.
const maxCachedPage = 1 << 20

// newPageCache returns a page cache keeping pages ttl in store (nil: in
// memory).
func newPageCache(ttl time.Duration, store PageStore) *pageCache {
	if store == nil {
		store = NewMemoryPageStore()
	}
	return &pageCache{ttl: ttl, store: store, flight: map[string]chan struct{}{}}
}

// cacheable reports whether a request for rep may be answered from the
// cache. ActivityStreams answers are not kept: what federation serves may
// depend on who asks.
func cacheable(r *http.Request, rep representation) bool {
	return r.Method == http.MethodGet && rep == representHTML &&
		r.Header.Get("If-None-Match") == "" && r.Header.Get("If-Modified-Since") == "" && r.Header.Get("Authorization") == ""
}

// cacheKey names a page in the cache: its representation, the language
// it is answered in (chosen before, by the language middleware) and its
// URI.
func cacheKey(r *http.Request, rep representation) string {
	if rl, ok := r.Context().Value(langKey{}).(requestLanguage); ok {
		return rep.String() + " " + rl.tag + " " + r.URL.RequestURI()
	}
	return rep.String() + " " + r.URL.RequestURI()
}

// recorder captures a response while writing it through.
type recorder struct {
	statusRecorder
	buf  bytes.Buffer
	over bool
}

func (w *recorder) Write(b []byte) (int, error) {
	if !w.over {
		if w.buf.Len()+len(b) > maxCachedPage {
			w.over = true
			w.buf = bytes.Buffer{}
		} else {
			w.buf.Write(b)
		}
	}
	return w.statusRecorder.Write(b)
}

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
			// Who renders first, then the page: a render keeps its page
			// before it ends, so no finished render goes unseen.
			c.mu.Lock()
			done := c.flight[key]
			c.mu.Unlock()
			p := c.store.Page(r.Context(), key)
			now := time.Now()
			if p != nil && (now.Before(p.Expires) || done != nil && now.Before(p.Expires.Add(staleFactor*c.ttl))) {
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
			p = c.store.Page(r.Context(), key)
			if p == nil || time.Now().After(p.Expires) {
				next.ServeHTTP(w, r)
				return
			}
			p.serve(w)
			return
		}
	})
}

func (p *CachedPage) serve(w http.ResponseWriter) {
	h := w.Header()
	for k, v := range p.Header {
		h[k] = v
	}
	w.WriteHeader(http.StatusOK)
	w.Write(p.Body)
}

// render serves the request through next, keeping the page if it can be.
func (c *pageCache) render(w http.ResponseWriter, r *http.Request, next http.Handler, key string, now time.Time) {
	rec := &recorder{statusRecorder: statusRecorder{ResponseWriter: w}}
	next.ServeHTTP(rec, r)
	if rec.status != http.StatusOK || rec.over || w.Header().Get("Set-Cookie") != "" {
		return
	}
	c.store.Keep(r.Context(), key, &CachedPage{Header: w.Header().Clone(), Body: bytes.Clone(rec.buf.Bytes()), Expires: now.Add(c.ttl)})
}
