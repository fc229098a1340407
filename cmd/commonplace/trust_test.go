package main

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-fed/httpsig"

	"github.com/commonplace-hub/commonplace/internal/testkit"
)

// The attack suite: each test plays an attacker on the open internet
// against real `commonplace serve` processes. The attacker runs servers of
// their own on loopback (hostile), serving forged documents, and signs
// their requests correctly with keys they hold. Every attack here worked
// against the hub before the trust rules (docs/FEDERATION.md, "Trust
// rules"); each test also runs the genuine case beside the forged one, so
// that it cannot pass by refusing everything.

// hostile is a server on loopback run by the test: an attacker's, or a
// genuine fediverse server the attacker imitates. It serves JSON documents
// at paths, counts the GETs of each, records POSTs, and signs requests with
// its own key (draft-cavage, with go-fed/httpsig, as servers sign them).
type hostile struct {
	t   *testing.T
	srv *httptest.Server
	key *rsa.PrivateKey

	mu    sync.Mutex
	docs  map[string][]byte
	gets  map[string]int
	posts []map[string]any
}

func newHostile(t *testing.T) *hostile {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	h := &hostile{t: t, key: key, docs: map[string][]byte{}, gets: map[string]int{}}
	h.srv = httptest.NewServer(http.HandlerFunc(h.handle))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hostile) handle(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if r.Method == http.MethodPost {
		var body map[string]any
		json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&body)
		h.posts = append(h.posts, body)
		w.WriteHeader(http.StatusAccepted)
		return
	}
	h.gets[r.URL.Path]++
	b, ok := h.docs[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/activity+json")
	w.Write(b)
}

func (h *hostile) url(path string) string { return h.srv.URL + path }

// serve makes path answer doc (nil: 404).
func (h *hostile) serve(path string, doc map[string]any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if doc == nil {
		delete(h.docs, path)
		return
	}
	b, err := json.Marshal(doc)
	if err != nil {
		h.t.Fatal(err)
	}
	h.docs[path] = b
}

func (h *hostile) getsOf(path string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.gets[path]
}

// received returns the POSTs of type typ the server got.
func (h *hostile) received(typ string) []map[string]any {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []map[string]any
	for _, p := range h.posts {
		if p["type"] == typ {
			out = append(out, p)
		}
	}
	return out
}

func (h *hostile) publicPEM() string {
	der, err := x509.MarshalPKIXPublicKey(&h.key.PublicKey)
	if err != nil {
		h.t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// actor serves a genuine actor at path, publishing this server's key as
// path#main-key, and returns its id.
func (h *hostile) actor(path, typ string) string {
	id := h.url(path)
	h.serve(path, map[string]any{
		"@context": []any{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
		"id":       id, "type": typ, "preferredUsername": path[strings.LastIndexByte(path, '/')+1:],
		"name": "Genuine " + path, "inbox": id + "/inbox", "outbox": id + "/outbox",
		"publicKey": map[string]any{"id": id + "#main-key", "owner": id, "publicKeyPem": h.publicPEM()},
	})
	return id
}

// signedPost is a POST of an activity to url, signed with keyID and this
// server's key, covering (request-target) host date digest content-type.
// host, if set, is the Host the request is signed for and sent with (a
// request captured on its way to another hub, replayed).
type signedPost struct {
	url, keyID, host string
	headers          []string
	activity         map[string]any
	key              *rsa.PrivateKey // default the server's key
}

func (h *hostile) post(p signedPost) (int, string) {
	h.t.Helper()
	body, err := json.Marshal(p.activity)
	if err != nil {
		h.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, p.url, bytes.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	if p.host == "" {
		p.host = req.URL.Host
	}
	if p.headers == nil {
		p.headers = []string{httpsig.RequestTarget, "host", "date", "digest", "content-type"}
	}
	if p.key == nil {
		p.key = h.key
	}
	req.Host = p.host
	req.Header.Set("Host", p.host) // httpsig reads it from the header map
	req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	req.Header.Set("Content-Type", "application/activity+json")
	signer, _, err := httpsig.NewSigner([]httpsig.Algorithm{httpsig.RSA_SHA256}, httpsig.DigestSha256, p.headers, httpsig.Signature, 0)
	if err != nil {
		h.t.Fatal(err)
	}
	if err := signer.SignRequest(p.key, p.keyID, req, body); err != nil {
		h.t.Fatal(err)
	}
	req.Header.Del("Host")
	code, b := testkit.Send(h.t, nil, req)
	return code, string(b)
}

// activity is an activity with a fresh id on actor's server.
func activity(actor, typ string, object any) map[string]any {
	return map[string]any{
		"@context": "https://www.w3.org/ns/activitystreams",
		"id":       actor + "/activities/" + randomID(), "type": typ, "actor": actor, "object": object,
		"to": []any{"https://www.w3.org/ns/activitystreams#Public"},
	}
}

func randomID() string {
	b := make([]byte, 6)
	rand.Read(b)
	return fmt.Sprintf("%x", b)
}

const publicAudience = "https://www.w3.org/ns/activitystreams#Public"

func (h *commonsHub) actorID() string { return h.base() + "/actor" }
func (h *commonsHub) inbox() string   { return h.base() + "/inbox" }

// followerCount is the hub's followers collection's totalItems.
func (h *commonsHub) followerCount() int {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, h.base()+"/actor/followers", nil)
	req.Header.Set("Accept", "application/activity+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	var c struct{ TotalItems int }
	json.NewDecoder(resp.Body).Decode(&c)
	return c.TotalItems
}

// commons lists the titles in the hub's commons, through the API (pages
// are cached for a moment; the API is not).
func (h *commonsHub) commons() string {
	h.t.Helper()
	var out struct{ Items []struct{ Title string } }
	h.api(http.MethodGet, "/commons?limit=100", nil, &out)
	var titles []string
	for _, it := range out.Items {
		titles = append(titles, it.Title)
	}
	return strings.Join(titles, "\n")
}

// refused fails the test unless an attack got a 4xx answer.
func refused(t *testing.T, what string, status int, body string) {
	t.Helper()
	if status < 400 || status >= 500 {
		t.Errorf("%s: answered %d, want a refusal (4xx): %s", what, status, body)
	}
}

// TestImpersonationIsRefused: an attacker serves, on their own server, a
// document claiming to be a hub the victim hub follows (in the shapes
// Mastodon, GoToSocial and key documents use), signs activities "as" that
// hub, and tries to post into the commons, delete the hub's real guide and
// break the follow. Every one is refused, the real peer's items and
// follow are untouched, and its genuine deliveries still arrive (the
// forged key never entered the cache).
func TestImpersonationIsRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two hubs")
	}
	a, v := startCommonsHub(t, "alpha"), startCommonsHub(t, "victim")
	a.follow(v)
	var guide struct{ URL string }
	v.api(http.MethodPost, "/guides", map[string]any{"title": "Victim real guide", "body": "Genuine words."}, &guide)
	within(t, 5*time.Second, "the real guide in alpha's commons", func() bool {
		return strings.Contains(a.commons(), "Victim real guide")
	})

	x := newHostile(t)
	forgeries := map[string]map[string]any{
		// Mastodon's shape: the key is a fragment of an actor document,
		// here one claiming the victim's id.
		"/spoof": {"id": v.actorID(), "type": "Group", "preferredUsername": "victim", "inbox": x.url("/inbox"),
			"publicKey": map[string]any{"id": x.url("/spoof#main-key"), "owner": v.actorID(), "publicKeyPem": x.publicPEM()}},
		// GoToSocial's shape: a stub actor at /main-key naming its owner.
		"/users/victim/main-key": {"id": v.actorID(), "type": "Person", "preferredUsername": "victim",
			"publicKey": map[string]any{"id": x.url("/users/victim/main-key"), "owner": v.actorID(), "publicKeyPem": x.publicPEM()}},
		// A key document with a top-level owner.
		"/keys/1": {"id": x.url("/keys/1"), "type": "CryptographicKey", "owner": v.actorID(), "publicKeyPem": x.publicPEM()},
	}
	keyIDs := map[string]string{"/spoof": x.url("/spoof#main-key"), "/users/victim/main-key": x.url("/users/victim/main-key"), "/keys/1": x.url("/keys/1")}
	for path, doc := range forgeries {
		doc["@context"] = []any{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"}
		x.serve(path, doc)
		keyID := keyIDs[path]
		t.Run(strings.Trim(path, "/"), func(t *testing.T) {
			forged := map[string]any{"id": v.base() + "/events/forged-" + randomID(), "type": "Event", "name": "Forged meeting",
				"attributedTo": v.actorID(), "to": []any{publicAudience}, "content": "<p>Come to the wrong place.</p>",
				"startTime": "2027-03-01T18:00:00Z", "endTime": "2027-03-01T20:00:00Z"}
			for _, act := range []map[string]any{
				activity(v.actorID(), "Create", forged),
				activity(v.actorID(), "Delete", guide.URL),
				activity(v.actorID(), "Reject", map[string]any{"type": "Follow", "actor": a.actorID(), "object": v.actorID()}),
				activity(v.actorID(), "Update", map[string]any{"id": v.actorID(), "type": "Group", "inbox": x.url("/inbox")}),
			} {
				act["id"] = v.base() + "/activities/" + randomID()
				status, body := x.post(signedPost{url: a.inbox(), keyID: keyID, activity: act})
				refused(t, act["type"].(string)+" as the victim", status, body)
			}
		})
	}
	commons := a.commons()
	if strings.Contains(commons, "Forged meeting") {
		t.Error("the forged event is in alpha's commons")
	}
	if !strings.Contains(commons, "Victim real guide") {
		t.Error("the forged Delete removed the victim's real guide")
	}
	if !a.peerAccepted(v) {
		t.Error("the forged Reject broke alpha's follow of the victim")
	}
	// The victim's genuine deliveries still verify: the forged key and
	// inbox were not cached as the victim's.
	v.api(http.MethodPost, "/guides", map[string]any{"title": "Victim second guide", "body": "Still genuine."}, nil)
	within(t, 5*time.Second, "the victim's next guide in alpha's commons", func() bool {
		return strings.Contains(a.commons(), "Victim second guide")
	})
	if n := len(x.received("")); n > 0 {
		t.Errorf("alpha sent %d deliveries to the attacker's inbox", len(x.received("")))
	}
}

// TestRepliesCannotBeForged: an attacker serves a document claiming a
// well-known Mastodon account's id and replies "as" it under the hub's
// event; the reply is refused. The genuine account's reply is shown.
func TestRepliesCannotBeForged(t *testing.T) {
	a := startCommonsHub(t, "alpha")
	var ev struct{ URL string }
	a.api(http.MethodPost, "/events", map[string]any{"title": "Alpha open day", "description": "All welcome.",
		"time_zone": "Europe/London", "start": "2027-06-05T10:00", "end": "2027-06-05T13:00"}, &ev)
	if ev.URL == "" {
		t.Fatal("no event URL")
	}
	famous, x := newHostile(t), newHostile(t)
	famousID := famous.actor("/users/famous", "Person")
	x.serve("/users/famous", map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
		"id": famousID, "type": "Person", "preferredUsername": "famous", "inbox": x.url("/inbox"),
		"publicKey": map[string]any{"id": x.url("/users/famous#main-key"), "owner": famousID, "publicKeyPem": x.publicPEM()}})
	reply := func(text string) map[string]any {
		return activity(famousID, "Create", map[string]any{"id": famousID + "/statuses/" + randomID(), "type": "Note",
			"attributedTo": famousID, "inReplyTo": ev.URL, "to": []any{publicAudience}, "content": "<p>" + text + "</p>"})
	}
	status, body := x.post(signedPost{url: a.inbox(), keyID: x.url("/users/famous#main-key"), activity: reply("Forged endorsement")})
	refused(t, "a reply signed by the attacker as the famous account", status, body)
	if status, body := famous.post(signedPost{url: a.inbox(), keyID: famousID + "#main-key", activity: reply("Genuine hello")}); status != http.StatusAccepted {
		t.Fatalf("the genuine reply: %d %s", status, body)
	}
	page := a.page(strings.TrimPrefix(ev.URL, a.base()))
	if strings.Contains(page, "Forged endorsement") {
		t.Error("the forged reply shows under the event")
	}
	if !strings.Contains(page, "Genuine hello") {
		t.Error("the genuine reply does not show: the test proves nothing")
	}
}

// TestGoToSocialKeysAndForgedStubs: a GoToSocial user signs with
// {actor}/main-key, whose URL answers a stub actor without an inbox; the
// hub resolves the owner and checks the actor publishes the key, so the
// user can follow it. A stub served from another server naming that user
// as owner is refused.
func TestGoToSocialKeysAndForgedStubs(t *testing.T) {
	a := startCommonsHub(t, "alpha")
	g, x := newHostile(t), newHostile(t)
	zork := g.url("/users/the_mighty_zork")
	stubKey := zork + "/main-key"
	g.serve("/users/the_mighty_zork", map[string]any{"@context": []any{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
		"id": zork, "type": "Person", "preferredUsername": "the_mighty_zork", "inbox": zork + "/inbox",
		"endpoints": map[string]any{"sharedInbox": g.url("/sharedInbox")},
		"publicKey": map[string]any{"id": stubKey, "owner": zork, "publicKeyPem": g.publicPEM()}})
	g.serve("/users/the_mighty_zork/main-key", map[string]any{"@context": []any{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
		"id": zork, "type": "Person", "preferredUsername": "the_mighty_zork",
		"publicKey": map[string]any{"id": stubKey, "owner": zork, "publicKeyPem": g.publicPEM()}})
	x.serve("/users/the_mighty_zork/main-key", map[string]any{"id": zork, "type": "Person", "preferredUsername": "the_mighty_zork",
		"publicKey": map[string]any{"id": x.url("/users/the_mighty_zork/main-key"), "owner": zork, "publicKeyPem": x.publicPEM()}})

	before := a.followerCount()
	status, body := x.post(signedPost{url: a.inbox(), keyID: x.url("/users/the_mighty_zork/main-key"), activity: activity(zork, "Follow", a.actorID())})
	refused(t, "a Follow signed with a forged stub", status, body)
	if status, body := g.post(signedPost{url: a.inbox(), keyID: stubKey, activity: activity(zork, "Follow", a.actorID())}); status != http.StatusAccepted {
		t.Fatalf("GoToSocial's genuine Follow: %d %s", status, body)
	}
	if got := a.followerCount(); got != before+1 {
		t.Errorf("followers %d -> %d, want one more", before, got)
	}
	within(t, 5*time.Second, "the Accept at GoToSocial's inbox", func() bool { return len(g.received("Accept")) == 1 })
	if n := len(x.received("")); n > 0 {
		t.Errorf("the attacker got %d deliveries", n)
	}
}

// TestReplayAndForeignFollows: a request signed for another hub and
// replayed here, one whose signature leaves out Host, and an Undo of a
// Follow of someone else are all refused; the genuine request works.
func TestReplayAndForeignFollows(t *testing.T) {
	a := startCommonsHub(t, "alpha")
	m := newHostile(t)
	alice := m.actor("/users/alice", "Person")
	keyID := alice + "#main-key"
	follow := activity(alice, "Follow", a.actorID())
	status, body := m.post(signedPost{url: a.inbox(), keyID: keyID, host: "other-hub.example", activity: follow})
	refused(t, "a Follow signed for other-hub.example, replayed here", status, body)
	status, body = m.post(signedPost{url: a.inbox(), keyID: keyID, activity: activity(alice, "Follow", a.actorID()),
		headers: []string{httpsig.RequestTarget, "date", "digest", "content-type"}})
	refused(t, "a Follow whose signature does not cover Host", status, body)
	if a.followerCount() != 0 {
		t.Fatal("a refused Follow made a follower")
	}
	if status, body := m.post(signedPost{url: a.inbox(), keyID: keyID, activity: follow}); status != http.StatusAccepted {
		t.Fatalf("the genuine Follow: %d %s", status, body)
	}
	if a.followerCount() != 1 {
		t.Fatal("the genuine Follow made no follower")
	}
	// Alice unfollows another hub; the Undo is delivered (or replayed) here.
	elsewhere := activity(alice, "Undo", map[string]any{"id": alice + "/follows/9", "type": "Follow", "actor": alice, "object": "https://other-hub.example/actor"})
	status, body = m.post(signedPost{url: a.inbox(), keyID: keyID, activity: elsewhere})
	refused(t, "an Undo of a Follow of another hub", status, body)
	if a.followerCount() != 1 {
		t.Error("an Undo of a Follow of another hub removed alice from this hub's followers")
	}
}

// TestPeersCannotSpeakForOthers: the hub follows one group on a
// multi-user server. Another account on that server posts and deletes
// "as" the group (attributedTo), and the group re-shares an attacker's
// object that claims to be by another hub. None of it is credited where
// it claims; the server's own word (its copy of the object) is what
// counts.
func TestPeersCannotSpeakForOthers(t *testing.T) {
	a, v := startCommonsHub(t, "alpha"), startCommonsHub(t, "victim")
	p, x := newHostile(t), newHostile(t)
	group := p.actor("/groups/gardeners", "Group")
	member := p.actor("/users/mallory", "Person")
	var peer struct{}
	if code := a.api(http.MethodPost, "/peers", map[string]any{"target": group}, &peer); code >= 300 {
		t.Fatalf("follow the group: %d", code)
	}
	within(t, 5*time.Second, "alpha's Follow at the group's inbox", func() bool { return len(p.received("Follow")) == 1 })
	fol := p.received("Follow")[0]
	if status, body := p.post(signedPost{url: a.inbox(), keyID: group + "#main-key", activity: activity(group, "Accept", fol)}); status != http.StatusAccepted {
		t.Fatalf("the group's Accept: %d %s", status, body)
	}
	event := func(id, title string) map[string]any {
		return map[string]any{"id": id, "type": "Event", "name": title, "attributedTo": group, "to": []any{publicAudience},
			"startTime": "2027-04-01T10:00:00Z", "endTime": "2027-04-01T12:00:00Z", "content": "<p>" + title + "</p>"}
	}
	// The group's own event, served by its server.
	real := event(p.url("/events/real"), "Gardeners seed swap")
	p.serve("/events/real", real)
	if status, body := p.post(signedPost{url: a.inbox(), keyID: group + "#main-key", activity: activity(group, "Create", real)}); status != http.StatusAccepted {
		t.Fatalf("the group's genuine event: %d %s", status, body)
	}
	within(t, 3*time.Second, "the group's event in the commons", func() bool { return strings.Contains(a.commons(), "Gardeners seed swap") })

	// Mallory, another account on the group's server, posts an event
	// attributed to the group that the server does not have.
	status, body := p.post(signedPost{url: a.inbox(), keyID: member + "#main-key",
		activity: activity(member, "Create", event(p.url("/events/fake"), "Free plants, bring cash"))})
	if strings.Contains(a.commons(), "Free plants") {
		t.Errorf("another account's event is credited to the followed group (answer %d %s)", status, body)
	}
	// ... and deletes the group's real event, which its server still serves.
	status, body = p.post(signedPost{url: a.inbox(), keyID: member + "#main-key", activity: activity(member, "Delete", p.url("/events/real"))})
	refused(t, "another account deleting the group's event", status, body)
	if !strings.Contains(a.commons(), "Gardeners seed swap") {
		t.Error("another account on the server deleted the group's event")
	}
	// Once the server itself says it is gone, the same Delete is believed.
	p.serve("/events/real", nil)
	if status, body := p.post(signedPost{url: a.inbox(), keyID: member + "#main-key", activity: activity(member, "Delete", p.url("/events/real"))}); status != http.StatusAccepted {
		t.Fatalf("a Delete confirmed by the origin: %d %s", status, body)
	}
	within(t, 5*time.Second, "an event its server no longer has to leave the commons (pages are cached briefly)", func() bool {
		return !strings.Contains(a.commons(), "Gardeners seed swap")
	})

	// The group re-shares an object on the attacker's server that claims
	// to be by the victim hub.
	claim := map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": x.url("/objects/1"), "type": "Article",
		"name": "Victim hub endorses this scheme", "attributedTo": v.actorID(), "to": []any{publicAudience}, "content": "<p>Send money.</p>"}
	x.serve("/objects/1", claim)
	status, body = p.post(signedPost{url: a.inbox(), keyID: group + "#main-key", activity: activity(group, "Announce", x.url("/objects/1"))})
	refused(t, "a re-share of an object crediting another server's hub", status, body)
	page := a.commons()
	if strings.Contains(page, "endorses this scheme") {
		t.Error("an object attributed to another server's hub is in the commons")
	}
}

// TestKeyFetchesAreNotAnOracle: a keyId on a closed port (by address or
// by name) gets a plain 401 that says nothing of why the fetch
// failed; bad signatures from a known actor make the hub refetch its key
// at most a few times a minute.
func TestKeyFetchesAreNotAnOracle(t *testing.T) {
	a := startCommonsHub(t, "alpha")
	x := newHostile(t)
	noisy := x.actor("/users/noisy", "Person")
	for _, keyID := range []string{"http://127.0.0.1:1/actor#main-key", "http://localhost:1/users/x/main-key"} {
		status, body := x.post(signedPost{url: a.inbox(), keyID: keyID, activity: activity(noisy, "Follow", a.actorID())})
		if status != http.StatusUnauthorized {
			t.Errorf("keyId %s: %d, want 401", keyID, status)
		}
		for _, leak := range []string{"refused", "dial", "lookup", "no such host", "connect", "timeout"} {
			if strings.Contains(strings.ToLower(body), leak) {
				t.Errorf("keyId %s: the answer tells the sender why the fetch failed (%q): %s", keyID, leak, body)
			}
		}
	}
	if status, body := x.post(signedPost{url: a.inbox(), keyID: noisy + "#main-key", activity: activity(noisy, "Follow", a.actorID())}); status != http.StatusAccepted {
		t.Fatalf("the genuine Follow: %d %s", status, body)
	}
	fetched := x.getsOf("/users/noisy")
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		status, _ := x.post(signedPost{url: a.inbox(), keyID: noisy + "#main-key", key: other, activity: activity(noisy, "Like", a.actorID())})
		if status != http.StatusUnauthorized {
			t.Fatalf("a bad signature: %d, want 401", status)
		}
	}
	if n := x.getsOf("/users/noisy") - fetched; n > 3 {
		t.Errorf("20 bad signatures made the hub fetch the key %d times; at most 3 a minute", n)
	}
}
