package federation_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/federation"
	"github.com/commonplace-hub/commonplace/hub"
)

func TestWellKnownAndActor(t *testing.T) {
	h := newHub(t)
	host := strings.TrimPrefix(h.base, "http://")

	t.Run("webfinger", func(t *testing.T) {
		for _, res := range []string{"acct:hub@" + host, "hub@" + host, "acct:@hub@" + host, h.actorID()} {
			resp, jrd := h.get("/.well-known/webfinger?resource="+url.QueryEscape(res), "")
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/jrd+json") {
				t.Fatalf("%s: %d %s", res, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			if jrd["subject"] != "acct:hub@"+host {
				t.Errorf("subject %v", jrd["subject"])
			}
			var self string
			for _, l := range jrd["links"].([]any) {
				if m := l.(map[string]any); m["rel"] == "self" && m["type"] == "application/activity+json" {
					self = m["href"].(string)
				}
			}
			if self != h.actorID() {
				t.Errorf("self link %q, want the actor id %q", self, h.actorID())
			}
		}
		if resp, _ := h.get("/.well-known/webfinger?resource=acct:someone@"+host, ""); resp.StatusCode != 404 {
			t.Errorf("unknown account: %d", resp.StatusCode)
		}
		if resp, _ := h.get("/.well-known/webfinger", ""); resp.StatusCode != 400 {
			t.Errorf("no resource: %d", resp.StatusCode)
		}
	})

	t.Run("host-meta", func(t *testing.T) {
		resp, err := http.Get(h.base + "/.well-known/host-meta")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var x struct {
			Links []struct {
				Rel      string `xml:"rel,attr"`
				Template string `xml:"template,attr"`
			} `xml:"Link"`
		}
		if err := xml.NewDecoder(resp.Body).Decode(&x); err != nil {
			t.Fatal(err)
		}
		if len(x.Links) != 1 || x.Links[0].Rel != "lrdd" || x.Links[0].Template != h.base+"/.well-known/webfinger?resource={uri}" {
			t.Errorf("host-meta links %+v", x.Links)
		}
	})

	t.Run("nodeinfo", func(t *testing.T) {
		_, idx := h.get("/.well-known/nodeinfo", "")
		var rels []string
		for _, l := range idx["links"].([]any) {
			m := l.(map[string]any)
			rels = append(rels, m["rel"].(string))
			resp, doc := h.get(strings.TrimPrefix(m["href"].(string), h.base), "")
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d", m["href"], resp.StatusCode)
			}
			var keys []string
			for k := range doc {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			if want := "metadata openRegistrations protocols services software usage version"; strings.Join(keys, " ") != want {
				t.Errorf("top-level keys %v, want exactly %s", keys, want)
			}
			sw := doc["software"].(map[string]any)
			if sw["name"] != "commonplace" || !slices.Contains(doc["protocols"].([]any), any("activitypub")) {
				t.Errorf("software %v protocols %v", sw, doc["protocols"])
			}
		}
		if len(rels) != 2 || !strings.HasSuffix(rels[0], "/2.0") || !strings.HasSuffix(rels[1], "/2.1") {
			t.Errorf("nodeinfo links %v", rels)
		}
	})

	t.Run("actor", func(t *testing.T) {
		resp, a := h.get("/actor", "application/activity+json")
		if ct := resp.Header.Get("Content-Type"); ct != "application/activity+json" {
			t.Errorf("content type %q", ct)
		}
		// JSON documents get the short, strict header set: nothing in them
		// may load or run and no page may frame them.
		for k, want := range map[string]string{
			"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
			"X-Content-Type-Options":  "nosniff", "Referrer-Policy": "same-origin",
			"Access-Control-Allow-Origin": "*", "Vary": "Accept",
		} {
			if got := resp.Header.Values(k); len(got) != 1 || got[0] != want {
				t.Errorf("%s = %q, want %q", k, got, want)
			}
		}
		for k, want := range map[string]any{
			"id": h.actorID(), "type": "Group", "preferredUsername": "hub", "inbox": h.actorID() + "/inbox",
			"outbox": h.actorID() + "/outbox", "followers": h.actorID() + "/followers",
			"manuallyApprovesFollowers": false, "discoverable": true, "indexable": true, "url": h.base + "/",
		} {
			if a[k] != want {
				t.Errorf("%s = %v, want %v", k, a[k], want)
			}
		}
		if a["endpoints"].(map[string]any)["sharedInbox"] != h.base+"/inbox" {
			t.Errorf("endpoints %v", a["endpoints"])
		}
		pk := a["publicKey"].(map[string]any)
		if pk["id"] != h.actorID()+"#main-key" || pk["owner"] != h.actorID() || !strings.Contains(pk["publicKeyPem"].(string), "BEGIN PUBLIC KEY") {
			t.Errorf("publicKey %v", pk)
		}
		ctx := a["@context"].([]any)
		if ctx[0] != "https://www.w3.org/ns/activitystreams" {
			t.Errorf("@context %v", ctx)
		}
		// A browser asking for the actor goes to the home page.
		req, _ := http.NewRequest(http.MethodGet, h.base+"/actor", nil)
		req.Header.Set("Accept", "text/html")
		r2, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r2.Body.Close()
		if r2.StatusCode != http.StatusSeeOther || r2.Header.Get("Location") != "/" {
			t.Errorf("browser: %d %s", r2.StatusCode, r2.Header.Get("Location"))
		}
	})
}

// The key pair is made once and kept: a restarted hub has the same key.
func TestActorKeyKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hub.db")
	h := openHub(t, path, nil)
	key := h.fed.PublicKey()
	h.close()
	h2 := openHub(t, path, nil)
	if !key.Equal(h2.fed.PublicKey()) {
		t.Fatal("the actor key changed on restart")
	}
}

// A follower gets a signed Accept; publishing, editing and deleting an
// event reaches every follower once per distinct inbox, signed.
func TestFollowAndPublish(t *testing.T) {
	h := newHub(t)
	f := newFediverse(t)
	alice, bob, carol := f.actor("alice", true), f.actor("bob", true), f.actor("carol", false)
	for _, a := range []*remoteActor{alice, bob, carol} {
		h.follow(f, a)
	}
	for _, d := range f.deliveries("Accept") {
		if d.Verified != nil {
			t.Errorf("Accept signature: %v", d.Verified)
		}
		if !strings.HasSuffix(d.Path, "/inbox") || d.Path == "/inbox" {
			t.Errorf("Accept went to %s, want the follower's own inbox", d.Path)
		}
		obj := d.Body["object"].(map[string]any)
		if obj["type"] != "Follow" || obj["object"] != h.actorID() || !strings.Contains(obj["id"].(string), "/activities/") {
			t.Errorf("Accept object %v", obj)
		}
		if d.Body["actor"] != h.actorID() {
			t.Errorf("Accept actor %v", d.Body["actor"])
		}
	}
	if _, c := h.get("/actor/followers", "application/activity+json"); c["totalItems"] != 3.0 {
		t.Errorf("followers totalItems %v", c["totalItems"])
	}

	start := time.Date(2026, 12, 8, 19, 0, 0, 0, london)
	e := h.event("Repair café", start, "")
	waitFor(t, "two Creates", func() bool { return len(f.deliveries("Create")) == 2 })
	var paths []string
	for _, d := range f.deliveries("Create") {
		paths = append(paths, d.Path)
		if d.Verified != nil {
			t.Errorf("Create signature: %v", d.Verified)
		}
	}
	slices.Sort(paths)
	if want := []string{"/inbox", "/users/carol/inbox"}; !slices.Equal(paths, want) {
		t.Errorf("Create delivered to %v, want %v (alice and bob share an inbox)", paths, want)
	}
	obj := f.deliveries("Create")[0].Body["object"].(map[string]any)
	for k, want := range map[string]any{
		"type": "Event", "name": "Repair café", "id": h.base + "/events/" + e.Slug, "url": h.base + "/events/" + e.Slug,
		"startTime": "2026-12-08T19:00:00Z", "endTime": "2026-12-08T21:00:00Z", "timezone": "Europe/London",
		"attributedTo": h.actorID(),
	} {
		if obj[k] != want {
			t.Errorf("Event %s = %v, want %v", k, obj[k], want)
		}
	}
	if s := obj["summary"].(string); !strings.Contains(s, "Tuesday 8 December 2026, 19:00–21:00") || !strings.Contains(s, "Hulme Library") || !strings.Contains(s, "Come along.") {
		t.Errorf("summary lacks date, place or abstract: %s", s)
	}
	loc := obj["location"].(map[string]any)
	if loc["type"] != "Place" || loc["address"].(map[string]any)["postalCode"] != "M15 5TQ" {
		t.Errorf("location %v", loc)
	}
	tag := obj["tag"].([]any)[0].(map[string]any)
	if tag["type"] != "Hashtag" || tag["name"] != "#DigitalSkills" || !strings.HasSuffix(tag["href"].(string), "/topics/digital-skills") {
		t.Errorf("tag %v", tag)
	}
	if obj["contentMap"].(map[string]any)["en-GB"] == nil {
		t.Errorf("contentMap %v", obj["contentMap"])
	}

	// The object's URL answers ActivityStreams to servers, HTML to people.
	resp, served := h.get("/events/"+e.Slug, "application/activity+json")
	if resp.StatusCode != 200 || served["id"] != obj["id"] || served["@context"] == nil {
		t.Errorf("object by content negotiation: %d %v", resp.StatusCode, served["id"])
	}
	if resp, _ := h.get("/events/"+e.Slug, "text/html"); !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("page: %s", resp.Header.Get("Content-Type"))
	}

	// An edit sends Update with a newer "updated"; saving unchanged sends nothing.
	e.Title = "Repair café (new time)"
	e.Start, e.End = start.Add(time.Hour), start.Add(3*time.Hour)
	if err := h.svc.UpdateEvent(h.host(), e); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "two Updates", func() bool { return len(f.deliveries("Update")) == 2 })
	up := f.deliveries("Update")[0].Body["object"].(map[string]any)
	if up["name"] != "Repair café (new time)" || up["startTime"] != "2026-12-08T20:00:00Z" || up["updated"] == nil {
		t.Errorf("Update object %v", up)
	}
	if err := h.fed.SyncItem(context.Background(), "event", e.ID); err != nil {
		t.Fatal(err)
	}

	// The outbox lists the Create.
	_, ob := h.get("/actor/outbox?page=1", "application/activity+json")
	if items := ob["orderedItems"].([]any); len(items) != 1 || items[0].(map[string]any)["type"] != "Create" {
		t.Errorf("outbox page %v", ob)
	}

	if err := h.svc.DeleteEvent(h.host(), e.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "two Deletes", func() bool { return len(f.deliveries("Delete")) == 2 })
	del := f.deliveries("Delete")[0].Body["object"].(map[string]any)
	if del["type"] != "Tombstone" || del["id"] != obj["id"] || del["formerType"] != "Event" {
		t.Errorf("Delete object %v", del)
	}
	if n := len(f.deliveries("Update")); n != 2 {
		t.Errorf("%d Updates: saving an unchanged item sent more", n)
	}

	// Once the event is deleted its Create leaves the outbox, so a peer
	// reading the outbox does not bring the event back.
	_, ob = h.get("/actor/outbox?page=1", "application/activity+json")
	if items, _ := ob["orderedItems"].([]any); len(items) != 0 || ob["totalItems"] != 0.0 {
		t.Errorf("outbox after the delete %v", ob)
	}

	// Undo{Follow} removes carol: the next item does not go to her.
	resp = f.post(signedPost{a: carol, url: h.inbox(), body: f.activity(carol, "Undo", map[string]any{
		"id": carol.id(f) + "/follow/1", "type": "Follow", "actor": carol.id(f), "object": h.actorID()})})
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("undo: %d", resp.StatusCode)
	}
	h.event("Coffee morning", start.AddDate(0, 0, 2), "")
	waitFor(t, "the next Create", func() bool { return len(f.deliveries("Create")) == 3 })
	time.Sleep(200 * time.Millisecond)
	if last := f.deliveries("Create"); len(last) != 3 || last[2].Path != "/inbox" {
		t.Errorf("after carol left, Creates went to %d inboxes", len(last)-2)
	}
}

// Guides and case studies are Articles; a case study carries its sections
// as extension properties.
func TestArticles(t *testing.T) {
	h := newHub(t)
	f := newFediverse(t)
	h.follow(f, f.actor("dora", false))
	g := &hubGuide{h}
	g.create(t)
	waitFor(t, "two Creates", func() bool { return len(f.deliveries("Create")) == 2 })
	byName := map[string]map[string]any{}
	for _, d := range f.deliveries("Create") {
		o := d.Body["object"].(map[string]any)
		byName[o["itemKind"].(string)] = o
	}
	gd, cs := byName["guide"], byName["case-study"]
	if gd["type"] != "Article" || !strings.Contains(gd["summary"].(string), "How we run a rota") || !strings.Contains(gd["content"].(string), "<h2>") {
		t.Errorf("guide %v", gd)
	}
	if cs["type"] != "Article" || cs["problem"] != "Nobody knew who was on." || cs["outcome"] != "Every shift filled." ||
		!strings.Contains(cs["content"].(string), "<h3>The problem</h3>") || cs["organisation"] != "Hulme Tenants" {
		t.Errorf("case study %v", cs)
	}
}

// TestStoreRoundTrip checks the storage adapter keeps what federation gives it.
func TestStoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := federation.OpenTestDB(t)
	st := db.Federation()
	if err := st.SaveFollower(ctx, &hub.FollowerRecord{ActorID: "https://a.example/u/1", FollowID: "f1", Inbox: "https://a.example/u/1/inbox", SharedInbox: "https://a.example/inbox", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveFollower(ctx, &hub.FollowerRecord{ActorID: "https://a.example/u/2", FollowID: "f2", Inbox: "https://a.example/u/2/inbox", SharedInbox: "https://a.example/inbox", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveFollower(ctx, &hub.FollowerRecord{ActorID: "https://b.example/u/3", FollowID: "f3", Inbox: "https://b.example/u/3/inbox", Pending: true, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	boxes, err := st.FollowerInboxes(ctx)
	if err != nil || !slices.Equal(boxes, []string{"https://a.example/inbox"}) {
		t.Errorf("inboxes %v %v (pending followers get nothing)", boxes, err)
	}
	now := time.Now()
	act := &hub.OutActivity{IRI: "https://hub/activities/1", Type: "Create", Public: true, Body: []byte(`{"x":1}`), CreatedAt: now}
	if err := st.Enqueue(ctx, hub.Enqueued{Activity: act, Inboxes: []string{"https://a.example/inbox", "https://b.example/inbox"}}); err != nil {
		t.Fatal(err)
	}
	jobs, err := st.ClaimDeliveries(ctx, now, time.Minute, 10)
	if err != nil || len(jobs) != 2 || !bytes.Equal(jobs[0].Body, act.Body) {
		t.Fatalf("claim: %v %+v", err, jobs)
	}
	if again, _ := st.ClaimDeliveries(ctx, now, time.Minute, 10); len(again) != 0 {
		t.Errorf("leased deliveries claimed twice: %d", len(again))
	}
	if err := st.ReleaseLeases(ctx); err != nil {
		t.Fatal(err)
	}
	if again, _ := st.ClaimDeliveries(ctx, now, time.Minute, 10); len(again) != 2 {
		t.Errorf("after a restart the leased deliveries come back: %d", len(again))
	}
	seen, _ := st.MarkSeen(ctx, "x", now)
	seen2, _ := st.MarkSeen(ctx, "x", now)
	if !seen || seen2 {
		t.Errorf("MarkSeen %v %v", seen, seen2)
	}
}
