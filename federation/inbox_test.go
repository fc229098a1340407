package federation_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Every way a delivery can be wrong gets a deliberate answer, and nothing
// is stored from a refused one.
func TestInboxRefuses(t *testing.T) {
	h := newHub(t)
	f := newFediverse(t)
	eve := f.actor("eve", false)
	mallory := f.actor("mallory", false)
	follow := func() []byte { return f.activity(eve, "Follow", h.actorID()) }

	cases := []struct {
		name string
		post signedPost
		raw  func() *http.Request // an unsigned or hand-made request instead
		want int
	}{
		{name: "good", post: signedPost{a: eve, url: h.inbox(), body: follow()}, want: 202},
		{name: "unsigned", raw: func() *http.Request {
			return activityRequest(t, h.inbox(), follow())
		}, want: 401},
		{name: "RFC 9421 signature that does not verify (and is old)", raw: func() *http.Request {
			r, _ := http.NewRequest(http.MethodPost, h.inbox(), bytes.NewReader(follow()))
			r.Header.Set("Signature-Input", `sig1=("@method" "@target-uri" "content-digest");created=1700000000;keyid="`+eve.keyID(f)+`"`)
			r.Header.Set("Signature", "sig1=:dGVzdA==:")
			return r
		}, want: 401},
		{name: "body changed after signing", post: signedPost{a: eve, url: h.inbox(), body: follow(), tamper: func(r *http.Request) {
			b := bytes.Replace(follow(), []byte("Follow"), []byte("Folloq"), 1)
			r.Body, r.ContentLength = nopCloser{bytes.NewReader(b)}, int64(len(b))
		}}, want: 401},
		{name: "digest not signed", post: signedPost{a: eve, url: h.inbox(), body: follow(), headers: "(request-target) host date"}, want: 401},
		{name: "date not signed", post: signedPost{a: eve, url: h.inbox(), body: follow(), headers: "(request-target) host digest"}, want: 401},
		{name: "date two hours old", post: signedPost{a: eve, url: h.inbox(), body: follow(), date: time.Now().Add(-2 * time.Hour)}, want: 401},
		{name: "date two hours ahead", post: signedPost{a: eve, url: h.inbox(), body: follow(), date: time.Now().Add(2 * time.Hour)}, want: 401},
		{name: "signed by someone else", post: signedPost{a: mallory, url: h.inbox(), body: follow()}, want: 401},
		{name: "wrong key for the keyId", post: signedPost{a: mallory, url: h.inbox(), body: follow(), keyID: eve.keyID(f)}, want: 401},
		{name: "unknown key", post: signedPost{a: eve, url: h.inbox(), body: follow(), keyID: f.url("/users/nobody#main-key")}, want: 401},
		{name: "signed for another path", post: signedPost{a: eve, url: h.base + "/actor/inbox", body: follow(), tamper: func(r *http.Request) {
			r.URL.Path = "/inbox"
		}}, want: 401},
		{name: "not JSON", post: signedPost{a: eve, url: h.inbox(), body: []byte("<html>hello</html>")}, want: 400},
		{name: "JSON array", post: signedPost{a: eve, url: h.inbox(), body: []byte(`[{"type":"Follow"}]`)}, want: 400},
		{name: "no actor", post: signedPost{a: eve, url: h.inbox(), body: []byte(`{"type":"Follow","id":"` + eve.id(f) + `/x"}`)}, want: 400},
		{name: "activity id on another host", post: signedPost{a: eve, url: h.inbox(), body: mustJSON(map[string]any{
			"id": "https://elsewhere.example/activities/1", "type": "Follow", "actor": eve.id(f), "object": h.actorID()})}, want: 400},
		{name: "follow of someone else", post: signedPost{a: eve, url: h.inbox(), body: f.activity(eve, "Follow", "https://elsewhere.example/users/x")}, want: 422},
		{name: "over 1 MB", post: signedPost{a: eve, url: h.inbox(), body: bytes.Repeat([]byte(" "), 1<<20+1)}, want: 413},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var resp *http.Response
			if c.raw != nil {
				var err error
				if resp, err = http.DefaultClient.Do(c.raw()); err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
			} else {
				resp = f.post(c.post)
			}
			if resp.StatusCode != c.want {
				t.Errorf("status %d, want %d", resp.StatusCode, c.want)
			}
		})
	}
	// Only the good Follow made a follower.
	if _, c := h.get("/actor/followers", "application/activity+json"); c["totalItems"] != 1.0 {
		t.Errorf("followers %v, want 1", c["totalItems"])
	}
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// A repeated delivery of one activity is acknowledged and ignored.
func TestInboxDuplicate(t *testing.T) {
	h := newHub(t)
	f := newFediverse(t)
	a := f.actor("ann", false)
	body := f.activity(a, "Follow", h.actorID())
	for range 3 {
		if resp := f.post(signedPost{a: a, url: h.inbox(), body: body}); resp.StatusCode != 202 {
			t.Fatalf("status %d", resp.StatusCode)
		}
	}
	waitFor(t, "the Accept", func() bool { return len(f.deliveries("Accept")) >= 1 })
	time.Sleep(300 * time.Millisecond)
	if n := len(f.deliveries("Accept")); n != 1 {
		t.Errorf("%d Accepts for one Follow delivered three times", n)
	}
}

// A rotated key is refetched once: the cached one fails, the fresh one verifies.
func TestInboxKeyRotation(t *testing.T) {
	h := newHub(t)
	f := newFediverse(t)
	a := f.actor("rosa", false)
	h.follow(f, a)
	f.rotate(a)
	resp := f.post(signedPost{a: a, url: h.inbox(), body: f.activity(a, "Like", h.base+"/events/x")})
	if resp.StatusCode != 202 {
		t.Fatalf("after key rotation: %d", resp.StatusCode)
	}
}

// fixtureExpect is the deliberate answer to each real-world document when
// it arrives, signed, in the inbox. Objects and actors that are not
// activities are refused with 400; activities the hub does not use are
// acknowledged (202) and ignored; a Follow of someone else is 422.
var fixtureExpect = map[string]int{
	"akkoma-note-source-object-attachment.json":               400,
	"gancio-actor-application.json":                           400,
	"gancio-create-event.json":                                202,
	"gotosocial-delete-bare-iri.json":                         202,
	"gotosocial-note-content-warning-interaction-policy.json": 400,
	"gotosocial-note-reply-single-mention-object.json":        400,
	"gotosocial-person-shared-inbox.json":                     400,
	"lemmy-announce-create-page.json":                         202,
	"lemmy-comment-note.json":                                 400,
	"lemmy-group-community.json":                              400,
	"mastodon-accept-follow.json":                             422, // accepts a Follow between two other accounts, not the hub's: refused
	"mastodon-actor-person-shared-inbox.json":                 400,
	"mastodon-announce.json":                                  202,
	"mastodon-create-note-hashtag-content-warning.json":       202,
	"mastodon-create-note-reply-mention.json":                 202,
	"mastodon-delete-note-tombstone-signed.json":              202,
	"mastodon-flag.json":                                      202, // a report about another server's account: acknowledged, not kept (nothing of this hub's is named)
	"mastodon-follow-lemmy-group.json":                        422,
	"mastodon-like.json":                                      202,
	"mastodon-note-attachment-blurhash-group-mention.json":    400,
	"mastodon-question-poll.json":                             202,
	"mastodon-undo-follow.json":                               422, // undoes a Follow of a Lemmy community, not of this hub: refused (it used to remove the follower)
	"mastodon-update-person.json":                             202,
	"misskey-like-emoji-reaction.json":                        400, // its id is on misskey.xyz, its actor on mastodon.example.org (an Akkoma test document): refused, an activity must be on its actor's server
	"misskey-note-japanese.json":                              400,
	"misskey-question-no-end-time.json":                       400,
	"misskey-quote-note.json":                                 400,
	"mobilizon-create-event-postal-address-links.json":        202,
	"mobilizon-event-europe-london.json":                      400,
	"mobilizon-group-actor.json":                              400,
	"mobilizon-join-event.json":                               202,
	"nodeinfo-2.0-akkoma.json":                                400,
	"nodeinfo-2.1-mobilizon.json":                             400,
	"nodeinfo-wellknown-mobilizon.json":                       400,
	"pleroma-note-source-string.json":                         400,
	"pleroma-person-capabilities.json":                        400,
	"webfinger-gancio.json":                                   400,
	"webfinger-mastodon.json":                                 400,
	"wordpress-pterotype-article.json":                        400,
}

// TestInboxFixtures posts every real-world document from
// testdata/activitypub to the inbox, signed by its actor (served by the
// fake fediverse in place of the original server), and unsigned.
func TestInboxFixtures(t *testing.T) {
	h := newHub(t)
	f := newFediverse(t)
	eachFixture(t, "testdata/activitypub/*.json", fixtureExpect, func(t *testing.T, name string, raw []byte, want int) {
		body, signer := rehost(t, f, raw)
		resp := f.post(signedPost{a: signer, url: h.inbox(), body: body})
		if resp.StatusCode != want {
			t.Errorf("signed: status %d, want %d", resp.StatusCode, want)
		}
		if status := postUnsigned(t, h.inbox(), body); status != 401 {
			t.Errorf("unsigned: status %d, want 401", status)
		}
	})
}

// activityDoc reads the document testdata/activitypub/name.
func activityDoc(t testing.TB, name string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata/activitypub", name))
	if err != nil {
		t.Fatal(err)
	}
	var d map[string]any
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(name, err)
	}
	return d
}

// inActivity wraps a bare object in an activity typ by actor, as its
// server sends it, with the object's fields named in copied (its context
// and addressing).
func inActivity(typ string, obj map[string]any, actor any, copied ...string) map[string]any {
	a := map[string]any{"id": obj["id"].(string) + "#create", "type": typ, "actor": actor, "object": obj}
	for _, k := range copied {
		a[k] = obj[k]
	}
	return a
}

// postRehosted posts a document from another server, moved to f
// (rehost), to the hub, which must accept it; it returns the signer and
// what was sent. what names the post in a failure.
func postRehosted(t *testing.T, h *testHub, f *fediverse, raw []byte, what string) (*remoteActor, map[string]any) {
	t.Helper()
	body, signer := rehost(t, f, raw)
	if resp := f.post(signedPost{a: signer, url: h.inbox(), body: body}); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("%s: %d", what, resp.StatusCode)
	}
	var sent map[string]any
	json.Unmarshal(body, &sent)
	return signer, sent
}

// eachFixture runs fn as a subtest for each file matching pattern, with
// its name, its content and what expect says of it; every file must have
// an expectation, and every expectation a file.
func eachFixture[W any](t *testing.T, pattern string, expect map[string]W, fn func(t *testing.T, name string, raw []byte, want W)) {
	t.Helper()
	files, _ := filepath.Glob(pattern)
	if len(files) != len(expect) {
		t.Errorf("%d files match %s, %d expectations", len(files), pattern, len(expect))
	}
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			want, ok := expect[name]
			if !ok {
				t.Fatal("no expectation for this file")
			}
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			fn(t, name, raw, want)
		})
	}
}

// rehost moves a fixture's actor to the fake fediverse: every IRI on the
// actor's origin is rewritten to the fake server, which then serves that
// actor with a key. Documents without an actor are signed by a stand-in.
func rehost(t *testing.T, f *fediverse, raw []byte) ([]byte, *remoteActor) {
	var d map[string]any
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	actor := ""
	switch a := d["actor"].(type) {
	case string:
		actor = a
	case map[string]any:
		actor, _ = a["id"].(string)
	}
	if actor == "" {
		return raw, f.actor("standin", true)
	}
	u, err := url.Parse(actor)
	if err != nil {
		t.Fatal(err)
	}
	origin := u.Scheme + "://" + u.Host
	body := bytes.ReplaceAll(raw, []byte(origin), []byte(f.srv.URL))
	// JSON may escape slashes.
	body = bytes.ReplaceAll(body, []byte(strings.ReplaceAll(origin, "/", `\/`)), []byte(strings.ReplaceAll(f.srv.URL, "/", `\/`)))
	return body, f.actorAt(u.Path)
}

// A hub that does not allow private addresses will not fetch a key from
// one: a delivery signed with a loopback keyId is refused.
func TestInboxRefusesPrivateKeyFetch(t *testing.T) {
	h := newHubWith(t, false)
	f := newFediverse(t)
	a := f.actor("lo", false)
	if resp := f.post(signedPost{a: a, url: h.inbox(), body: f.activity(a, "Follow", h.actorID())}); resp.StatusCode != 401 {
		t.Errorf("status %d, want 401", resp.StatusCode)
	}
}
