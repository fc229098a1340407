package federation_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/federation"
	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/web"
	"github.com/commonplace-hub/commonplace/internal/testkit"
	"github.com/commonplace-hub/commonplace/storage"
)

// testHub is a hub with federation on a real SQLite file and a real HTTP
// server on loopback, delivering in the background.
type testHub struct {
	t    testing.TB
	db   *storage.DB
	svc  *hub.Service
	fed  *federation.Federation
	srv  *httptest.Server
	base string
	path string // database file

	clock *clock
	stop  func()
}

// clock is a settable clock for the delivery queue's retry times.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newHub(t testing.TB) *testHub {
	t.Helper()
	return openHub(t, filepath.Join(t.TempDir(), "hub.db"), nil)
}

// newHubWith is a hub that may or may not reach private addresses.
func newHubWith(t testing.TB, allowPrivate bool) *testHub {
	t.Helper()
	return openHubWith(t, filepath.Join(t.TempDir(), "hub.db"), nil, allowPrivate)
}

// openHub opens (or reopens) the hub whose database is at path.
func openHub(t testing.TB, path string, clk *clock) *testHub {
	t.Helper()
	return openHubWith(t, path, clk, true)
}

func openHubWith(t testing.TB, path string, clk *clock, allowPrivate bool, opts ...federation.Option) *testHub {
	t.Helper()
	return openHubConfig(t, path, clk, allowPrivate, nil, opts...)
}

// openHubConfig is openHubWith with a last word on federation's Config.
func openHubConfig(t testing.TB, path string, clk *clock, allowPrivate bool, config func(*federation.Config), opts ...federation.Option) *testHub {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if clk == nil {
		clk = &clock{t: time.Now()}
	}
	h := &testHub{t: t, db: db, path: path, clock: clk}
	h.srv = httptest.NewUnstartedServer(nil)
	h.srv.Start()
	h.base = h.srv.URL
	base, _ := url.Parse(h.base)
	cfg := federation.Config{
		Content: hub.NewReader(db.Stores()), Store: db.Federation(), Commons: db.Commons(), Reports: db.Stores().Queue, BaseURL: base, Logger: logger,
		AllowPrivate: allowPrivate, Now: clk.now, Workers: 4,
	}
	if config != nil {
		config(&cfg)
	}
	h.fed, err = federation.New(ctx, cfg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	h.svc = hub.NewService(db.Stores(), logger, hub.WithNotifier(h.fed), hub.WithFederation(h.fed))
	handler, err := web.New(web.Config{Service: h.svc, BaseURL: base, Logger: logger, ActivityPub: h.fed})
	if err != nil {
		t.Fatal(err)
	}
	h.srv.Config.Handler = handler
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { h.fed.Run(runCtx); close(done) }()
	h.stop = func() {
		cancel()
		<-done
		h.srv.Close()
		db.Close()
	}
	t.Cleanup(func() {
		if h.stop != nil {
			h.stop()
		}
	})
	return h
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }

func (h *testHub) close() {
	h.stop()
	h.stop = nil
}

func (h *testHub) actorID() string { return h.base + "/actor" }
func (h *testHub) inbox() string   { return h.base + "/inbox" }

// get fetches a URL with an Accept header and decodes JSON.
func (h *testHub) get(path, accept string) (*http.Response, map[string]any) {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, h.base+path, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, b := testkit.Do(h.t, nil, req)
	var m map[string]any
	json.Unmarshal(b, &m)
	return resp, m
}

func (h *testHub) host() context.Context { return hub.HostContext(context.Background()) }

// follow makes actor a follow the hub and waits for the Accept.
func (h *testHub) follow(f *fediverse, a *remoteActor) {
	h.t.Helper()
	before := len(f.deliveries("Accept"))
	resp := f.post(signedPost{a: a, url: h.base + "/actor/inbox", body: f.activity(a, "Follow", h.actorID())})
	if resp.StatusCode != http.StatusAccepted {
		h.t.Fatalf("follow: status %d", resp.StatusCode)
	}
	waitFor(h.t, "the Accept", func() bool { return len(f.deliveries("Accept")) > before })
}

var london, _ = time.LoadLocation("Europe/London")

func (h *testHub) event(title string, start time.Time, recurrence string) *hub.Event {
	h.t.Helper()
	e := &hub.Event{Title: title, Description: "Come along.\n\nMore detail here.", TimeZone: "Europe/London",
		Start: start, End: start.Add(2 * time.Hour), Recurrence: recurrence, Tags: []string{"digital skills"},
		Place: &hub.Place{Name: "Hulme Library", StreetAddress: "1 Stretford Road", Locality: "Manchester", PostalCode: "M15 5TQ", Country: "GB"}}
	if err := h.svc.CreateEvent(h.host(), e); err != nil {
		h.t.Fatal(err)
	}
	return e
}
