package interop

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/federation"
	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/web"
	"github.com/commonplace-hub/commonplace/internal/picturetest"
	"github.com/commonplace-hub/commonplace/internal/testkit"
	"github.com/commonplace-hub/commonplace/storage"
)

// fedifyPeer is one version of the Fedify test peer: its folder (with its
// own package.json and lockfile, installed by make test-deps) and the
// Node.js it runs on.
type fedifyPeer struct {
	name string
	dir  string
	// node returns the Node.js binary to run the peer with, or fails (in CI)
	// or skips the test when it is missing.
	node func(t *testing.T) string
}

// fedifyPeers: every interop scenario runs against each. Fedify 1.6.2 runs
// on the machine's Node (20 or newer, with node20.mjs); Fedify 2.x needs
// Node 22, which its folder's lockfile installs from the npm registry's
// "node" package (testdata/fedify2/README.md).
var fedifyPeers = []fedifyPeer{
	{name: "fedify-1.6.2", dir: "testdata/fedify", node: systemNode},
	{name: "fedify-2.3.6", dir: "testdata/fedify2", node: localNode22("testdata/fedify2")},
}

func systemNode(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("node")
	testkit.Need(t, err == nil, "Node.js", "make test-deps")
	return path
}

// localNode22 is the Node 22 that npm ci put in dir's node_modules.
func localNode22(dir string) func(t *testing.T) string {
	return func(t *testing.T) string {
		t.Helper()
		path, err := filepath.Abs(filepath.Join(dir, "node_modules", ".bin", "node"))
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(path, "-p", "process.versions.node").Output()
		major, _, _ := strings.Cut(strings.TrimSpace(string(out)), ".")
		n, _ := strconv.Atoi(major)
		testkit.Need(t, err == nil && n >= 22, "Node.js 22 for "+dir, "npm ci there installs it")
		return path
	}
}

// eachPeer runs a scenario against every Fedify peer.
func eachPeer(t *testing.T, run func(t *testing.T, fp fedifyPeer)) {
	for _, fp := range fedifyPeers {
		t.Run(fp.name, func(t *testing.T) { run(t, fp) })
	}
}

// peer is a running fedify peer process.
type peer struct {
	t      *testing.T
	actor  string
	base   string
	stderr *bytes.Buffer
}

func startPeer(t *testing.T, fp fedifyPeer, username string, args ...string) *peer {
	t.Helper()
	_, err := os.Stat(filepath.Join(fp.dir, "node_modules", "@fedify", "fedify"))
	testkit.Need(t, err == nil, "the npm packages of "+fp.dir, "make test-deps")
	node := fp.node(t)

	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, node, append([]string{"peer.mjs", "--port", "0", "--username", username}, args...)...)
	cmd.Dir = fp.dir
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &peer{t: t, stderr: &bytes.Buffer{}}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
		if t.Failed() {
			t.Logf("peer stderr:\n%s", p.stderr.String())
		}
	})
	ready := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		ready <- line
		io.Copy(io.Discard, stdout)
	}()
	select {
	case line := <-ready:
		var r struct {
			Ready bool
			Port  int
			Actor string
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil || !r.Ready {
			t.Fatalf("peer did not start: %q %v\n%s", line, err, p.stderr.String())
		}
		p.actor, p.base = r.Actor, fmt.Sprintf("http://127.0.0.1:%d", r.Port)
	case <-time.After(90 * time.Second):
		t.Fatalf("peer did not start in 90 s:\n%s", p.stderr.String())
	}
	return p
}

func (p *peer) control(method, path string, body any, out any) int {
	p.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, p.base+path, r)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			p.t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
	if resp.StatusCode >= 300 {
		p.t.Logf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	return resp.StatusCode
}

type received struct {
	Type, ID, Actor, ObjectType, ObjectID string
	// ObjectIDs is every object IRI (a Flag names several); Content the
	// activity's own content (a Flag's comment).
	ObjectIDs []string
	Content   string
	Object    map[string]any
	// Raw is the activity as fedify gives it back (toJsonLd), properties
	// outside its vocabulary included.
	Raw map[string]any
}

func (p *peer) received(typ string) []received {
	var out []received
	p.control(http.MethodGet, "/control/received?type="+typ, nil, &out)
	return out
}

func (p *peer) waitFor(typ string, n int) []received {
	p.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		got := p.received(typ)
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("the peer received %d %s, want %d", len(got), typ, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// testHub is a hub with federation on a real SQLite file, serving HTTP on
// loopback and delivering in the background.
type testHub struct {
	svc   *hub.Service
	fed   *federation.Federation
	base  string
	inbox *inboxRecorder
}

func startHub(t *testing.T) *testHub {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil)
	srv.Start()
	base, _ := url.Parse(srv.URL)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	fed, err := federation.New(ctx, federation.Config{Content: hub.NewReader(db.Stores()), Store: db.Federation(), Commons: db.Commons(), Reports: db.Stores().Queue, BaseURL: base, Logger: logger, AllowPrivate: true})
	if err != nil {
		t.Fatal(err)
	}
	svc := hub.NewService(db.Stores(), logger, hub.WithNotifier(fed), hub.WithFederation(fed))
	h, err := web.New(web.Config{Service: svc, BaseURL: base, Logger: logger, ActivityPub: fed})
	if err != nil {
		t.Fatal(err)
	}
	rec := &inboxRecorder{next: h}
	srv.Config.Handler = rec
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { fed.Run(runCtx); close(done) }()
	t.Cleanup(func() { cancel(); <-done; srv.Close(); db.Close() })
	return &testHub{svc: svc, fed: fed, base: srv.URL, inbox: rec}
}

// inboxRecorder records, for each POST to an inbox, the signature scheme
// it came signed with and the hub's answer.
type inboxRecorder struct {
	next http.Handler

	mu    sync.Mutex
	posts []inboxPost
}

type inboxPost struct {
	Path, Scheme string
	Status       int
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }

func (rec *inboxRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "inbox") {
		rec.next.ServeHTTP(w, r)
		return
	}
	scheme := "draft-cavage"
	if r.Header.Get("Signature-Input") != "" {
		scheme = "rfc9421"
	}
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	rec.next.ServeHTTP(sw, r)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.posts = append(rec.posts, inboxPost{Path: r.URL.Path, Scheme: scheme, Status: sw.status})
}

func (rec *inboxRecorder) all() []inboxPost {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]inboxPost(nil), rec.posts...)
}

// TestFedifyPeer: a fedify actor follows the hub and gets a verified
// Accept; then it receives, and fedify verifies, the Create, Update,
// cancellation (an Update with the status) and Delete of an event the hub
// publishes. The hub verified the peer's signed Follow; an Undo removes
// the peer from the followers. Fedify signs every delivery with RFC 9421
// first (its default since 1.6, and in 2.x), and the hub takes each at the
// first knock. It runs against Fedify 1.6.2 and 2.x (fedifyPeers).
func TestFedifyPeer(t *testing.T) { eachPeer(t, testFedifyPeer) }

func testFedifyPeer(t *testing.T, fp fedifyPeer) {
	p := startPeer(t, fp, "fedi")
	h := startHub(t)
	ctx := hub.HostContext(context.Background())

	var follow struct{ FollowID string }
	if code := p.control(http.MethodPost, "/control/follow", map[string]any{"target": h.fed.ActorID()}, &follow); code != 200 {
		t.Fatalf("follow: %d", code)
	}
	// Fedify 1.6+ knocks first with RFC 9421 (its firstKnock default): the
	// hub verifies it at once, so fedify never falls back to draft-cavage.
	if posts := h.inbox.all(); len(posts) != 1 || posts[0].Scheme != "rfc9421" || posts[0].Status != http.StatusAccepted {
		t.Fatalf("fedify's Follow reached the inbox as %+v, want one RFC 9421 request answered 202", posts)
	}
	acc := p.waitFor("Accept", 1)[0]
	if acc.Actor != h.fed.ActorID() || acc.ObjectID != follow.FollowID {
		t.Errorf("Accept %+v, want actor %s object %s", acc, h.fed.ActorID(), follow.FollowID)
	}
	st, err := h.svc.FederationStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Followers) != 1 || st.Followers[0].ActorID != p.actor || st.Followers[0].Pending {
		t.Fatalf("followers %+v", st.Followers)
	}

	london, _ := time.LoadLocation("Europe/London")
	start := time.Date(2026, 12, 9, 18, 30, 0, 0, london)
	e := &hub.Event{Title: "Tenants' meeting", Description: "Agenda: repairs.", TimeZone: "Europe/London", Start: start, End: start.Add(90 * time.Minute),
		Place: &hub.Place{Name: "Zion Centre", StreetAddress: "Stretford Road", Locality: "Manchester"}, Tags: []string{"housing"}}
	if err := h.svc.CreateEvent(ctx, e); err != nil {
		t.Fatal(err)
	}
	c := p.waitFor("Create", 1)[0]
	// The peer serves no NodeInfo, so the hub does not know its software
	// and sends the form every server reads acceptably: a Note with the
	// title, when and where in its content (docs/FEDERATION.md, "Readable
	// on every server").
	content, _ := c.Object["content"].(string)
	if c.ObjectType != "Note" || c.ObjectID != h.base+"/events/"+e.Slug || !strings.Contains(content, "Tenants&#39; meeting") && !strings.Contains(content, "Tenants' meeting") {
		t.Errorf("Create as fedify read it: %+v", c)
	}
	if !strings.Contains(content, "Wednesday 9 December 2026, 18:30–20:00 (Europe/London)") || !strings.Contains(content, "Zion Centre") {
		t.Errorf("content as fedify read it lacks when or where: %q", content)
	}

	e.Title = "Tenants' meeting (moved)"
	if err := h.svc.UpdateEvent(ctx, e); err != nil {
		t.Fatal(err)
	}
	u := p.waitFor("Update", 1)[0]
	if content, _ := u.Object["content"].(string); u.ObjectID != c.ObjectID || !strings.Contains(content, "(moved)") {
		t.Errorf("Update as fedify read it: %+v", u)
	}
	// A picture reaches the peer as the object's attachment, with its
	// description as name, as Fedify reads it.
	alt := "Tenants around a table in the Zion Centre"
	if _, err := h.svc.SetPicture(ctx, hub.OwnerEvent, e.ID, hub.PictureUpload{Data: picturetest.JPEG(1200, 800, 1), Alt: alt}); err != nil {
		t.Fatal(err)
	}
	pu := p.waitFor("Update", 2)[1]
	att, _ := pu.Object["attachment"].(map[string]any)
	if list, ok := pu.Object["attachment"].([]any); ok && len(list) == 1 {
		att, _ = list[0].(map[string]any)
	}
	if pu.ObjectID != c.ObjectID || att["type"] != "Image" || att["name"] != alt || att["mediaType"] != "image/jpeg" ||
		!strings.HasPrefix(fmt.Sprint(att["url"]), h.base+"/pictures/") {
		t.Errorf("the picture as fedify read it: %v", pu.Object["attachment"])
	}
	// Cancelling the event reaches the peer as a verified Update. The peer
	// serves no NodeInfo, so its readers get the Note every server reads
	// (as the Create above), which says so first in what people see;
	// event-aware servers (hubs, Mobilizon, Gancio, Mastodon 4.3+) get the
	// Event with eventStatus and ical:status, as federation's
	// TestCancelledOccurrenceIsAnUpdate and the readers tests check.
	if err := h.svc.SetEventStatus(ctx, e.ID, "", hub.StatusCancelled, "Room flooded"); err != nil {
		t.Fatal(err)
	}
	cu := p.waitFor("Update", 3)[2]
	if cu.ObjectID != c.ObjectID || cu.ObjectType != "Note" {
		t.Errorf("the cancellation as fedify read it: %+v", cu)
	}
	if s, _ := cu.Object["content"].(string); !strings.Contains(s, "<p>Cancelled: Room flooded</p><p>📅") {
		t.Errorf("content as fedify read it does not say first that it is cancelled: %q", cu.Object["content"])
	}
	if err := h.svc.DeleteEvent(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	d := p.waitFor("Delete", 1)[0]
	if d.ObjectID != c.ObjectID {
		t.Errorf("Delete as fedify read it: %+v", d)
	}

	if code := p.control(http.MethodPost, "/control/unfollow", map[string]any{"target": h.fed.ActorID()}, nil); code != 200 {
		t.Fatalf("unfollow: %d", code)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, _ := h.svc.FederationStatus(ctx)
		if len(st.Followers) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the peer still follows after Undo: %+v", st.Followers)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, post := range h.inbox.all() {
		if post.Scheme != "rfc9421" || post.Status != http.StatusAccepted {
			t.Errorf("fedify delivered %+v, want every delivery in RFC 9421, taken at once", post)
		}
	}
}
