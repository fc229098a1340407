package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestPageCache(t *testing.T) {
	var renders atomic.Int64
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := renders.Add(1)
		if r.URL.Path == "/cookie" {
			http.SetCookie(w, &http.Cookie{Name: "x", Value: "y"})
		}
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "render "+string(rune('0'+n%10)))
	})
	c := newPageCache(50*time.Millisecond, nil)
	h := c.middleware(page)
	get := func(path string, header ...string) string {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w.Body.String()
	}
	tests := []struct {
		name        string
		path        string
		header      []string
		wantRenders int64 // renders for two requests in a row
	}{
		{"a page is rendered once and then served from memory", "/events", nil, 1},
		{"the query is part of the key", "/search?q=a", nil, 1},
		{"conditional requests pass through", "/feed", []string{"If-None-Match", `"x"`}, 2},
		{"ActivityStreams requests pass through", "/events/a", []string{"Accept", "application/activity+json"}, 2},
		{"in any case", "/events/b", []string{"Accept", "Application/Activity+JSON"}, 2},
		{"an Accept that refuses ActivityStreams is a page", "/events/c", []string{"Accept", "application/activity+json;q=0, text/html"}, 1},
		{"answers that set a cookie are not kept", "/cookie", nil, 2},
		{"errors are not kept", "/missing", nil, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := renders.Load()
			a, b := get(tt.path, tt.header...), get(tt.path, tt.header...)
			if got := renders.Load() - before; got != tt.wantRenders {
				t.Errorf("%d renders for two requests, want %d", got, tt.wantRenders)
			}
			if tt.wantRenders == 1 && a != b {
				t.Errorf("the cached answer differs: %q then %q", a, b)
			}
		})
	}
	// After the lifetime the page is rendered again.
	first := get("/later")
	time.Sleep(60 * time.Millisecond)
	if again := get("/later"); again == first || !strings.HasPrefix(again, "render") {
		t.Errorf("after the lifetime: %q then %q", first, again)
	}
	// Off: every request renders.
	off := newPageCache(0, nil).middleware(page)
	before := renders.Load()
	for range 2 {
		off.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/x", nil))
	}
	if renders.Load()-before != 2 {
		t.Error("a cache with no lifetime kept a page")
	}
}

// Readers arriving together for a page that is slow to render (a search
// over a large commons) share one render: with no copy they wait for it;
// with an expired copy they get that while one request renders afresh. A
// render that fails or panics does not leave the others waiting.
func TestPageCacheRendersOnceForConcurrentReaders(t *testing.T) {
	var renders atomic.Int64
	release := make(chan struct{})
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := renders.Add(1)
		if r.URL.Path == "/panic" {
			panic("render failed")
		}
		<-release
		io.WriteString(w, "render "+string(rune('0'+n)))
	})
	c := newPageCache(time.Hour, nil)
	h := c.middleware(slow)
	get := func(path string) (int, string) {
		defer func() { recover() }() // the panicking render
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		return w.Code, w.Body.String()
	}

	const readers = 20
	bodies := make(chan string, readers)
	for range readers {
		go func() { _, b := get("/search?q=repair"); bodies <- b }()
	}
	time.Sleep(50 * time.Millisecond) // all are waiting on the first render
	close(release)
	for range readers {
		if b := <-bodies; b != "render 1" {
			t.Errorf("a reader got %q, want the one render", b)
		}
	}
	if n := renders.Load(); n != 1 {
		t.Errorf("%d renders for %d concurrent readers, want 1", n, readers)
	}

	// Expired: one request renders, the others get the old copy meanwhile.
	expire(c, "html /search?q=repair", time.Now().Add(-time.Second))
	hold := make(chan struct{})
	release = hold
	refreshed := make(chan string, 1)
	go func() { _, b := get("/search?q=repair"); refreshed <- b }()
	deadline := time.Now().Add(5 * time.Second)
	for renders.Load() != 2 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	for range 5 {
		if _, b := get("/search?q=repair"); b != "render 1" {
			t.Errorf("during the refresh a reader got %q, want the old copy", b)
		}
	}
	close(hold)
	if b := <-refreshed; b != "render 2" {
		t.Errorf("the refreshing request got %q", b)
	}
	if _, b := get("/search?q=repair"); b != "render 2" || renders.Load() != 2 {
		t.Errorf("after the refresh: %q, %d renders", b, renders.Load())
	}

	// A copy that expired long ago is not served: readers wait for the
	// fresh one.
	expire(c, "html /search?q=repair", time.Now().Add(-11*time.Hour)) // ten lifetimes and more
	hold = make(chan struct{})
	release = hold
	go func() { _, b := get("/search?q=repair"); refreshed <- b }()
	for renders.Load() != 3 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	waiter := make(chan string, 1)
	go func() { _, b := get("/search?q=repair"); waiter <- b }()
	select {
	case b := <-waiter:
		t.Errorf("a reader got %q while the page was rendered, from a copy 11 hours old", b)
	case <-time.After(50 * time.Millisecond):
	}
	close(hold)
	if a, b := <-refreshed, <-waiter; a != "render 3" || b != "render 3" {
		t.Errorf("after the render: %q and %q, want render 3 for both", a, b)
	}

	// A panicking render releases the page for the next request.
	get("/panic")
	done := make(chan struct{})
	go func() { get("/panic"); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("a request waited for a render that had panicked")
	}
}

// expire sets when the page kept in c's memory under key expires.
func expire(c *pageCache, key string, at time.Time) {
	m := c.store.(*memoryPageStore)
	m.mu.Lock()
	m.entries[key].Expires = at
	m.mu.Unlock()
}
