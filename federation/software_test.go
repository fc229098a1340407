package federation

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/storage"
)

func TestFamilyOfSoftware(t *testing.T) {
	for _, tt := range []struct {
		name, version string
		want          readerFamily
	}{
		{"commonplace", "1.0", familyEvents},
		{"Mobilizon", "5.1.0", familyEvents},
		{"gancio", "1.19.0", familyEvents},
		{"mastodon", "4.5.0-nightly.2025-07-17", familyMastodonHTML},
		{"mastodon", "4.3.0", familyMastodonHTML},
		{"mastodon", "v4.3.0-beta.1", familyMastodonHTML},
		{"mastodon", "4.2.10", familyMastodonText},
		{"mastodon", "4.1.2+nightly-20230523", familyMastodonText},
		{"mastodon", "3.5.3", familyMastodonText},
		{"mastodon", "", familyMastodonHTML}, // no version: today's Mastodon
		{"hometown", "4.0.2+hometown-1.1.1", familyMastodonText},
		{"gotosocial", "0.19.1+git-6574dc8", familySummaryIsWarning},
		{"misskey", "2024.11.0", familySummaryIsWarning},
		{"sharkey", "2024.9.1", familySummaryIsWarning},
		{"Sharkey", "2025.4.3", familySummaryIsWarning},
		{"firefish", "1.0.5-rc", familySummaryIsWarning},
		{"calckey", "14.0.0-rc3", familySummaryIsWarning},
		{"iceshrimp", "2023.12.11", familySummaryIsWarning},
		{"Iceshrimp.NET", "2025.1-beta5", familySummaryIsWarning},
		{"cherrypick", "4.15.0", familySummaryIsWarning},
		{"foundkey", "13.0.0-preview6", familySummaryIsWarning},
		{"pleroma", "2.4.1", familyPleroma},
		{"akkoma", "3.13.2", familyPleroma},
		{"friendica", "2023.05-1518", familyFriendica},
		{"lemmy", "0.19.3", familyUnknown},
		{"", "", familyUnknown},
	} {
		if got := familyOf(tt.name, tt.version); got != tt.want {
			t.Errorf("familyOf(%q, %q) = %s, want %s", tt.name, tt.version, got, tt.want)
		}
	}
}

// nodeInfoServer serves a real server's NodeInfo document from
// testdata/nodeinfo behind a /.well-known/nodeinfo index, counting the
// lookups.
type nodeInfoServer struct {
	*httptest.Server
	mu      sync.Mutex
	doc     []byte
	status  int
	lookups atomic.Int64
}

func newNodeInfoServer(t *testing.T, file string) *nodeInfoServer {
	return newNodeInfoServerWithIndex(t, file, "")
}

// newNodeInfoServerWithIndex serves, when index is not "", that real
// /.well-known/nodeinfo document from testdata/nodeinfo (its https://HOST
// base replaced by the test server's URL), and the document at each schema
// path it links to.
func newNodeInfoServerWithIndex(t *testing.T, file, index string) *nodeInfoServer {
	t.Helper()
	s := &nodeInfoServer{status: http.StatusOK}
	var indexDoc []byte
	if index != "" {
		b, err := os.ReadFile(filepath.Join("testdata", "nodeinfo", index))
		if err != nil {
			t.Fatal(err)
		}
		indexDoc = b
	}
	if file != "" {
		b, err := os.ReadFile(filepath.Join("testdata", "nodeinfo", file))
		if err != nil {
			t.Fatal(err)
		}
		s.doc = b
	}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		doc, status := s.doc, s.status
		s.mu.Unlock()
		switch r.URL.Path {
		case "/.well-known/nodeinfo":
			s.lookups.Add(1)
			if status != http.StatusOK {
				w.WriteHeader(status)
				return
			}
			if indexDoc != nil {
				w.Write(indexBase.ReplaceAll(indexDoc, []byte(s.URL)))
				return
			}
			// As Mobilizon's index: both schemas, 2.0 first.
			w.Write([]byte(`{"links":[{"rel":"http://nodeinfo.diaspora.software/ns/schema/2.0","href":"` + s.URL + `/nodeinfo/2.0"},` +
				`{"rel":"http://nodeinfo.diaspora.software/ns/schema/2.1","href":"` + s.URL + `/nodeinfo/2.1"}]}`))
		case "/nodeinfo/2.1", "/nodeinfo/2.0", "/.well-known/nodeinfo/2.1", "/.well-known/nodeinfo/2.0":
			w.Write(doc)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

// indexBase is the server in the NodeInfo index fixtures' links.
var indexBase = regexp.MustCompile(`https://(mobilizon\.fr|misskey\.example|gancio\.example)`)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newTestBook(t *testing.T, db *storage.DB, clk *testClock) *softwareBook {
	return newSoftwareBook(db.Federation(), NewHTTPClient(true, 5*time.Second), "Commonplace/test", clk.now,
		func(ctx context.Context) context.Context { return ctx })
}

func openTestDB(t *testing.T) *storage.DB {
	t.Helper()
	db, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Each real NodeInfo document puts its server in the right family.
func TestNodeInfoDocumentsOfRealServers(t *testing.T) {
	for _, tt := range []struct {
		file     string
		index    string // the server's own /.well-known/nodeinfo, if a real one is in testdata
		software string
		want     readerFamily
	}{
		{"mastodon-4.5.json", "", "mastodon", familyMastodonHTML},
		{"mastodon-4.1.json", "", "mastodon", familyMastodonText},
		{"gotosocial-0.19.json", "", "gotosocial", familySummaryIsWarning},
		{"akkoma-2.0.json", "", "pleroma", familyPleroma},
		{"friendica-2023.05.json", "", "friendica", familyFriendica},
		{"mobilizon-2.1.json", "wellknown-mobilizon.json", "mobilizon", familyEvents},
		{"misskey-2.1.json", "wellknown-misskey.json", "misskey", familySummaryIsWarning},
		{"sharkey-2.0.json", "", "sharkey", familySummaryIsWarning},
		{"gancio-2.1.json", "wellknown-gancio.json", "gancio", familyEvents},
	} {
		t.Run(tt.file, func(t *testing.T) {
			srv := newNodeInfoServerWithIndex(t, tt.file, tt.index)
			book := newTestBook(t, openTestDB(t), &testClock{t: time.Now()})
			if got := book.familyOfURL(context.Background(), srv.URL+"/inbox"); got != tt.want {
				t.Errorf("family %s, want %s", got, tt.want)
			}
			sw := book.lookup(context.Background(), "http", HostOf(srv.URL))
			if sw.Name != tt.software || sw.Problem != "" {
				t.Errorf("software %q (problem %q), want %q", sw.Name, sw.Problem, tt.software)
			}
		})
	}
}

// What a server runs is looked up once, kept in the database (a new
// process does not ask again), looked up again after a day; a failed
// lookup keeps the last answer with its problem and is retried after an
// hour.
func TestServerSoftwareIsCachedAndRefreshed(t *testing.T) {
	srv := newNodeInfoServer(t, "gotosocial-0.19.json")
	db := openTestDB(t)
	clk := &testClock{t: time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC)}
	book := newTestBook(t, db, clk)
	ctx := context.Background()
	inbox := srv.URL + "/users/a/inbox"

	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() { defer wg.Done(); book.familyOfURL(ctx, inbox) }()
	}
	wg.Wait()
	if n := srv.lookups.Load(); n != 1 {
		t.Fatalf("8 lookups at once made %d fetches, want 1", n)
	}
	if got := newTestBook(t, db, clk).familyOfURL(ctx, inbox); got != familySummaryIsWarning || srv.lookups.Load() != 1 {
		t.Fatalf("a new process: family %s after %d fetches; want it from the database", got, srv.lookups.Load())
	}

	clk.advance(softwareRefresh + time.Minute)
	srv.mu.Lock()
	srv.status = http.StatusBadGateway
	srv.mu.Unlock()
	if got := book.familyOfURL(ctx, inbox); got != familySummaryIsWarning {
		t.Errorf("after a failed refresh: %s, want the last answer kept", got)
	}
	if srv.lookups.Load() != 2 {
		t.Errorf("a stale record was not looked up again (%d fetches)", srv.lookups.Load())
	}
	stored, err := db.Federation().ServerSoftware(ctx, HostOf(srv.URL))
	if err != nil || !strings.Contains(stored.Problem, "502") || stored.Name != "gotosocial" {
		t.Fatalf("stored after a failure: %+v, %v", stored, err)
	}
	clk.advance(softwareRetry / 2)
	book.familyOfURL(ctx, inbox)
	if srv.lookups.Load() != 2 {
		t.Errorf("a failed lookup was retried within the hour")
	}
	clk.advance(softwareRetry)
	srv.mu.Lock()
	srv.status = http.StatusOK
	srv.doc = []byte(`{"version":"2.0","software":{"name":"akkoma","version":"3.13.2"}}`)
	srv.mu.Unlock()
	if got := book.familyOfURL(ctx, inbox); got != familyPleroma {
		t.Errorf("after the retry: %s, want pleroma (the server changed software)", got)
	}
}

// A server without NodeInfo, or one whose index points elsewhere, is
// unknown, and says why.
func TestNodeInfoProblems(t *testing.T) {
	ctx := context.Background()
	none := newNodeInfoServer(t, "")
	none.status = http.StatusNotFound
	book := newTestBook(t, openTestDB(t), &testClock{t: time.Now()})
	if got := book.familyOfURL(ctx, none.URL+"/inbox"); got != familyUnknown {
		t.Errorf("no NodeInfo: %s", got)
	}
	if sw := book.lookup(ctx, "http", HostOf(none.URL)); !strings.Contains(sw.Problem, "404") {
		t.Errorf("problem %q, want the 404", sw.Problem)
	}
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"links":[{"rel":"http://nodeinfo.diaspora.software/ns/schema/2.0","href":"http://192.0.2.1/nodeinfo/2.0"}]}`))
	}))
	t.Cleanup(elsewhere.Close)
	if sw := book.lookup(ctx, "http", HostOf(elsewhere.URL)); !strings.Contains(sw.Problem, "another server") {
		t.Errorf("index pointing elsewhere: problem %q", sw.Problem)
	}
	if got := book.familyOfURL(ctx, "not a url"); got != familyUnknown {
		t.Errorf("not a URL: %s", got)
	}
}
