package main

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-fed/httpsig"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/testkit"
	"github.com/commonplace-hub/commonplace/storage"
)

// signedSink is a follower's inbox that keeps every request it is sent,
// with its body, to check signatures later.
type signedSink struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []*http.Request
}

func newSignedSink(t *testing.T) *signedSink {
	s := &signedSink{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r2 := r.Clone(context.Background())
		r2.Body = io.NopCloser(bytes.NewReader(body))
		s.mu.Lock()
		s.got = append(s.got, r2)
		s.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// find returns the first request whose body contains text.
func (s *signedSink) find(text string) (*http.Request, []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.got {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		if bytes.Contains(b, []byte(text)) {
			return r, b
		}
	}
	return nil, nil
}

// fetch GETs base+path with an optional Accept header and returns the body.
func fetch(t *testing.T, base, path, accept string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	return testkit.Send(t, nil, req)
}

const activityJSON = "application/activity+json"

// hubSnapshot is what a reader and the fediverse see of a hub.
type hubSnapshot struct {
	pages     map[string]string // path -> HTML
	publicKey string            // the actor's publicKeyPem
	followers string            // the followers collection, first page
	logo      []byte
	calendars string // 'calendar list --json'
}

func snapshot(t *testing.T, base string, dir *hubDir, paths []string) hubSnapshot {
	t.Helper()
	s := hubSnapshot{pages: map[string]string{}}
	for _, p := range paths {
		code, body := fetch(t, base, p, "")
		if code != http.StatusOK {
			t.Fatalf("GET %s: %d", p, code)
		}
		s.pages[p] = string(body)
	}
	_, actor := fetch(t, base, "/actor", activityJSON)
	var doc struct {
		PublicKey struct{ PublicKeyPem string } `json:"publicKey"`
	}
	if err := json.Unmarshal(actor, &doc); err != nil || doc.PublicKey.PublicKeyPem == "" {
		t.Fatalf("the actor document: %v %s", err, actor)
	}
	s.publicKey = doc.PublicKey.PublicKeyPem
	_, followers := fetch(t, base, "/actor/followers?page=1", activityJSON)
	s.followers = string(followers)
	_, s.logo = fetch(t, base, "/logo", "")
	s.calendars = dir.ok("calendar", "list", "--json")
	return s
}

// A hub exported while it serves and imported on a "new server" (a fresh
// data folder, the same public address) shows the same pages, publishes
// the same key and signs with it, has the same followers, logo, API
// tokens and calendar subscriptions, and goes on federating: a follower
// hub shows what it publishes after the move.
func TestExportImportMovesTheHub(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three hubs")
	}
	a, b := startCommonsHub(t, "origin"), startCommonsHub(t, "reader")
	b.follow(a)

	// Content of every kind, a logo and a calendar subscription.
	var ev, guide, cs struct{ URL string }
	a.api(http.MethodPost, "/events", map[string]any{"title": "Repair café", "description": "Bring something broken.",
		"time_zone": "Europe/London", "start": "2030-06-05T10:00", "end": "2030-06-05T13:00", "tags": []string{"repair"}}, &ev)
	a.api(http.MethodPost, "/guides", map[string]any{"title": "Composting at home", "summary": "Start small.", "body": "Start with a bin."}, &guide)
	a.api(http.MethodPost, "/case-studies", map[string]any{"title": "Tablet lending", "summary": "Lending tablets.",
		"problem": "People had no device.", "outcome": "Forty people got online."}, &cs)
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{200, 30, 30, 255})
	var logo bytes.Buffer
	png.Encode(&logo, img)
	req, _ := http.NewRequest(http.MethodPut, a.base()+"/api/v1/settings/logo", bytes.NewReader(logo.Bytes()))
	req.Header.Set("Authorization", "Bearer "+a.token)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("uploading the logo: %v %v", resp, err)
	}
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, icsFeed(icsEvent("quiz", "Quiz night", 7)))
	}))
	defer feed.Close()
	a.dir.ok("calendar", "add", feed.URL+"/partners.ics")

	// A second follower, whose inbox keeps what it is sent, written into
	// the database beside the running hub as an accepted Follow would be.
	sink := newSignedSink(t)
	db, err := storage.Open(context.Background(), filepath.Join(a.dir.data, dbFileName))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Federation().SaveFollower(context.Background(), &hub.FollowerRecord{
		ActorID: sink.srv.URL + "/users/ana", FollowID: sink.srv.URL + "/follows/1",
		Inbox: sink.srv.URL + "/users/ana/inbox", CreatedAt: time.Now(),
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	paths := []string{"/", strings.TrimPrefix(ev.URL, a.base()), strings.TrimPrefix(guide.URL, a.base()), strings.TrimPrefix(cs.URL, a.base())}
	before := snapshot(t, a.base(), a.dir, paths)
	if !strings.Contains(before.followers, b.base()+"/actor") || !strings.Contains(before.followers, sink.srv.URL+"/users/ana") {
		t.Fatalf("the followers before the move: %s", before.followers)
	}

	file := filepath.Join(t.TempDir(), "hub.tar.gz")
	out := a.dir.ok("export", file)
	if !strings.Contains(out, `the hub "Hub ORIGIN" (`+a.base()+`)`) || !strings.Contains(out, "2 followers") || !strings.Contains(out, "1 calendar subscriptions") {
		t.Errorf("export output: %s", out)
	}
	// The old server stops; the new one has a fresh data folder and serves
	// at the same address.
	addr := a.srv.addr
	if code := a.srv.stop(15 * time.Second); code != 0 {
		t.Fatalf("stopping the old hub: %d", code)
	}
	moved := newHubDir(t)
	moved.env = a.dir.env
	out = moved.ok("import", file)
	if !strings.Contains(out, "Imported the hub \"Hub ORIGIN\"") || !strings.Contains(out, "Serve it at the same public address, "+a.base()) {
		t.Errorf("import output: %s", out)
	}
	if msg := moved.fail(1, "import", file); !strings.Contains(msg, "already holds a hub") {
		t.Errorf("a second import into the same folder: %s", msg)
	}
	a.srv = startServer(t, moved.env, "--data", moved.data, "--addr", addr, "--allow-private-addresses")
	a.dir = moved
	if msg := moved.fail(1, "import", file, "--force"); !strings.Contains(msg, "A hub is running") {
		t.Errorf("import into a running hub's folder: %s", msg)
	}

	after := snapshot(t, a.base(), a.dir, paths)
	for _, p := range paths {
		if before.pages[p] != after.pages[p] {
			t.Errorf("%s differs after the move:\nbefore:\n%s\nafter:\n%s", p, before.pages[p], after.pages[p])
		}
	}
	if after.publicKey != before.publicKey {
		t.Error("the actor's public key changed")
	}
	if after.followers != before.followers {
		t.Errorf("the followers changed:\nbefore: %s\nafter:  %s", before.followers, after.followers)
	}
	// The logo is kept re-encoded (no metadata), the same after the move.
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(before.logo)); err != nil || cfg.Width != 4 || !bytes.Equal(after.logo, before.logo) {
		t.Errorf("the logo: %d bytes before (%v, %v), %d after, %d uploaded", len(before.logo), cfg, err, len(after.logo), len(logo.Bytes()))
	}
	if after.calendars != before.calendars || !strings.Contains(after.calendars, feed.URL+"/partners.ics") {
		t.Errorf("calendar subscriptions:\nbefore: %s\nafter:  %s", before.calendars, after.calendars)
	}

	// Published after the move (with the API token made before it): the
	// follower hub shows it, and the inbox gets it signed with the key
	// published before the move.
	a.api(http.MethodPost, "/events", map[string]any{"title": "First event after the move", "description": "On the new server.",
		"time_zone": "Europe/London", "start": "2030-07-01T18:00", "end": "2030-07-01T20:00"}, nil)
	within(t, 15*time.Second, "B to show the event published after the move", func() bool {
		return strings.Contains(b.page("/commons"), "First event after the move")
	})
	var signed *http.Request
	var body []byte
	within(t, 15*time.Second, "the inbox to get the Create", func() bool {
		signed, body = sink.find("First event after the move")
		return signed != nil
	})
	if err := verifyWithPEM(signed, body, before.publicKey); err != nil {
		t.Errorf("a delivery signed after the move does not verify with the key published before it: %v", err)
	}
	if host := keyIDHost(signed); host != a.host() {
		t.Errorf("signed with a key of %q, want the hub's address %q", host, a.host())
	}
}

// verifyWithPEM checks r's HTTP signature and digest with the public key.
func verifyWithPEM(r *http.Request, body []byte, publicPEM string) error {
	block, _ := pem.Decode([]byte(publicPEM))
	if block == nil {
		return fmt.Errorf("no PEM block")
	}
	key, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	if got, want := r.Header.Get("Digest"), "SHA-256="+base64.StdEncoding.EncodeToString(sum[:]); got != want {
		return fmt.Errorf("Digest %q, want %q", got, want)
	}
	if r.Header.Get("Host") == "" {
		r.Header.Set("Host", r.Host)
	}
	v, err := httpsig.NewVerifier(r)
	if err != nil {
		return err
	}
	return v.Verify(key.(*rsa.PublicKey), httpsig.RSA_SHA256)
}

// keyIDHost is the host of the keyId a request was signed with.
func keyIDHost(r *http.Request) string {
	v, err := httpsig.NewVerifier(r)
	if err != nil {
		return ""
	}
	u, _ := url.Parse(v.KeyId())
	return u.Host
}

// rebuildExport reads the export at src and writes a changed copy at dest:
// change may edit the manifest and return changed database bytes.
func rebuildExport(t *testing.T, src, dest string, change func(m *storage.ExportManifest, db []byte) []byte) {
	t.Helper()
	f, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dbFile := filepath.Join(t.TempDir(), "db")
	m, err := storage.ReadExport(f, dbFile)
	if err != nil {
		t.Fatal(err)
	}
	db, _ := os.ReadFile(dbFile)
	db = change(&m, db)
	m.Database.Size = int64(len(db))
	os.WriteFile(dbFile, db, 0o600)
	if err := storage.WriteExportArchive(dest, m, dbFile); err != nil {
		t.Fatal(err)
	}
}

// Import refuses what is not a sound export this Commonplace can use, and
// writes nothing then; a hub already in the folder stays as it was.
func TestImportRefusesBadFiles(t *testing.T) {
	src := newHubDir(t)
	src.ok("guide", "add", "--title", "Composting at home", "--body", "Start with a bin.")
	dir := t.TempDir()
	good := filepath.Join(dir, "good.tar.gz")
	src.ok("export", good)
	if msg := src.fail(1, "export", good); !strings.Contains(msg, "already exists") {
		t.Errorf("export over an existing file: %s", msg)
	}
	if msg := newHubDir(t).fail(1, "export", filepath.Join(dir, "none.tar.gz")); !strings.Contains(msg, "There is no hub database") {
		t.Errorf("export of a folder without a hub: %s", msg)
	}
	goodBytes, _ := os.ReadFile(good)
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, b, 0o600)
		return p
	}
	rebuilt := func(name string, change func(m *storage.ExportManifest, db []byte) []byte) string {
		p := filepath.Join(dir, name)
		rebuildExport(t, good, p, change)
		return p
	}
	backup := filepath.Join(dir, "backup.db")
	src.ok("backup", backup)

	for _, tc := range []struct {
		name, file, want string
	}{
		{"not an archive", write("notes.txt", []byte("shopping list")), "not a gzip file"},
		{"a backup, not an export", backup, "not a gzip file"},
		{"cut short", write("short.tar.gz", goodBytes[:len(goodBytes)/2]), "unexpected EOF"},
		{"damaged database", rebuilt("damaged.tar.gz", func(_ *storage.ExportManifest, db []byte) []byte {
			db[len(db)/2] ^= 0xff
			return db
		}), "does not match the manifest's checksum"},
		{"newer schema", rebuilt("newer-schema.tar.gz", func(m *storage.ExportManifest, db []byte) []byte {
			m.SchemaVersion = storage.KnownSchemaVersion() + 1
			return db
		}), "made by a newer Commonplace"},
		{"newer format", rebuilt("newer-format.tar.gz", func(m *storage.ExportManifest, db []byte) []byte {
			m.FormatVersion = storage.ExportFormatVersion + 1
			return db
		}), "export format 2"},
		{"another kind of archive", rebuilt("other.tar.gz", func(m *storage.ExportManifest, db []byte) []byte {
			m.Format = "something-else"
			return db
		}), "not a Commonplace export manifest"},
		{"a database that is not a hub's", rebuilt("not-hub.tar.gz", func(m *storage.ExportManifest, db []byte) []byte {
			bad := []byte("SQLite format 3\x00 but not really")
			sum := sha256.Sum256(bad)
			m.Database.SHA256 = hex.EncodeToString(sum[:])
			return bad
		}), "not a readable SQLite database"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fresh := newHubDir(t)
			msg := fresh.fail(1, "import", tc.file)
			if !strings.Contains(msg, tc.want) || !strings.Contains(msg, "Nothing was changed") {
				t.Errorf("stderr lacks %q:\n%s", tc.want, msg)
			}
			if left, _ := filepath.Glob(filepath.Join(fresh.data, "commonplace.db*")); len(left) > 0 {
				t.Errorf("left behind: %v", left)
			}
			// With --force over a hub: the hub is untouched.
			other := newHubDir(t)
			other.ok("guide", "add", "--title", "Keep me", "--body", "Still here.")
			other.fail(1, "import", tc.file, "--force")
			if out := other.ok("guide", "list"); !strings.Contains(out, "Keep me") {
				t.Errorf("the hub in the folder after a refused import: %s", out)
			}
		})
	}

	// --force replaces a hub and keeps its database aside.
	other := newHubDir(t)
	other.ok("guide", "add", "--title", "Keep me", "--body", "Still here.")
	out := other.ok("import", good, "--force")
	if !strings.Contains(out, "kept as") {
		t.Errorf("import --force output: %s", out)
	}
	if list := other.ok("guide", "list"); !strings.Contains(list, "Composting at home") || strings.Contains(list, "Keep me") {
		t.Errorf("guides after import --force: %s", list)
	}
	if kept, _ := filepath.Glob(filepath.Join(other.data, "commonplace.db.before-import-*")); len(kept) != 1 {
		t.Errorf("the replaced database was not kept: %v", kept)
	}
}
