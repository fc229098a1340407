package federation_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// items lists what a hub holds in its commons.
func (h *testHub) items(f hub.RemoteItemFilter) []*hub.RemoteItem {
	h.t.Helper()
	f.Limit = 100
	items, _, err := h.db.Commons().RemoteItems(context.Background(), f)
	if err != nil {
		h.t.Fatal(err)
	}
	return items
}

// itemTitled returns the commons item with a title, or nil.
func (h *testHub) itemTitled(title string) *hub.RemoteItem {
	for _, it := range h.items(hub.RemoteItemFilter{}) {
		if it.Title == title {
			return it
		}
	}
	return nil
}

func (h *testHub) handle() string { return "@hub@" + strings.TrimPrefix(h.base, "http://") }

// peerState is the state of this hub's follow of actorID ("" if none).
func (h *testHub) peerState(actorID string) string {
	peers, err := h.svc.Peers(h.host())
	if err != nil {
		h.t.Fatal(err)
	}
	for _, p := range peers {
		if p.ActorID == actorID {
			return p.State
		}
	}
	return ""
}

func (h *testHub) guide(title, body string) *hub.Guide {
	h.t.Helper()
	g := &hub.Guide{Title: title, Body: body, Tags: []string{"digital skills"}}
	if err := h.svc.CreateGuide(h.host(), g); err != nil {
		h.t.Fatal(err)
	}
	return g
}

func (h *testHub) caseStudy(title string) *hub.CaseStudy {
	h.t.Helper()
	c := &hub.CaseStudy{Title: title, Summary: "Tablets for people without a device.", Problem: "People had no device.",
		Approach: "We lent tablets for a month.", Outcome: "Forty people got online.", Tags: []string{"digital skills"}}
	if err := h.svc.CreateCaseStudy(h.host(), c); err != nil {
		h.t.Fatal(err)
	}
	return c
}

// B follows A by handle: A accepts, B reads A's outbox for what A had
// already published, then receives A's new items, edits and deletions.
// Unfollowing removes A's items from B.
func TestPeerFollowBackfillAndUpdates(t *testing.T) {
	a, b := newHub(t), newHub(t)
	ctx := context.Background()
	start := time.Date(2027, 3, 2, 10, 0, 0, 0, london)
	a.event("Repair café", start, "")
	a.guide("Running a drop-in", "Book the room.\n\nBring **tea**.")
	a.caseStudy("Lending tablets")

	p, err := b.svc.FollowPeer(b.host(), a.handle())
	if err != nil {
		t.Fatal(err)
	}
	if p.ActorID != a.actorID() || p.State != hub.PeerPending {
		t.Fatalf("peer %+v", p)
	}
	if _, err := b.svc.FollowPeer(b.host(), a.base+"/"); hub.ErrorCode(err) != hub.ECONFLICT {
		t.Errorf("following again (by home page URL): %v, want ECONFLICT", err)
	}
	waitFor(t, "A to accept", func() bool { return b.peerState(a.actorID()) == hub.PeerAccepted })
	waitFor(t, "the backfill of A's three items", func() bool { return len(b.items(hub.RemoteItemFilter{})) == 3 })

	ev := b.itemTitled("Repair café")
	if ev == nil || ev.Kind != hub.KindEvent || ev.StartsAt == nil || !ev.StartsAt.Equal(start) || ev.TimeZone != "Europe/London" ||
		ev.PlaceName != "Hulme Library" || !strings.Contains(ev.Address, "Manchester") || ev.URL == "" || !strings.HasPrefix(ev.URL, a.base+"/events/") {
		t.Errorf("event %+v", ev)
	}
	if ev != nil && (ev.Origin.ActorID != a.actorID() || ev.Origin.Host != strings.TrimPrefix(a.base, "http://") || ev.Origin.Name == "") {
		t.Errorf("event credited to %+v", ev.Origin)
	}
	if ev != nil && (len(ev.Tags) != 1 || hub.Slugify(ev.Tags[0]) != "digital-skills") {
		t.Errorf("event tags %q: the slug must match the origin's", ev.Tags)
	}
	if g := b.itemTitled("Running a drop-in"); g == nil || g.Kind != hub.KindGuide || !strings.Contains(g.ContentHTML, "<strong>tea</strong>") {
		t.Errorf("guide %+v", g)
	}
	cs := b.itemTitled("Lending tablets")
	if cs == nil || cs.Kind != hub.KindCaseStudy || len(cs.Sections) != 3 || cs.Sections[0].Heading != "The problem" ||
		!strings.Contains(cs.Sections[0].HTML, "People had no device.") || !strings.Contains(cs.ContentText, "Forty people") {
		t.Errorf("case study %+v", cs)
	}

	// New, edited and deleted items follow.
	e2 := a.event("Coffee morning", start.Add(24*time.Hour), "")
	waitFor(t, "the new event on B", func() bool { return b.itemTitled("Coffee morning") != nil })
	e2.Title = "Coffee morning (moved)"
	if err := a.svc.UpdateEvent(a.host(), e2); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the edit on B", func() bool { return b.itemTitled("Coffee morning (moved)") != nil && b.itemTitled("Coffee morning") == nil })
	if err := a.svc.DeleteEvent(a.host(), e2.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the deletion on B", func() bool { return b.itemTitled("Coffee morning (moved)") == nil })

	// Unfollowing removes A's items at once, and A hears of it.
	if err := b.svc.UnfollowPeer(b.host(), a.actorID()); err != nil {
		t.Fatal(err)
	}
	if n := len(b.items(hub.RemoteItemFilter{})); n != 0 {
		t.Errorf("%d items left after unfollowing", n)
	}
	waitFor(t, "A to drop B as a follower", func() bool {
		_, fol := a.get("/actor/followers", "application/activity+json")
		return fol["totalItems"] == 0.0
	})
	_ = ctx
}

// An organiser re-shares a peer's case study: followers of the re-sharing
// hub get it, fetched from its origin and credited to it, and lose it when
// the re-share is undone.
func TestReshare(t *testing.T) {
	a, b, c := newHub(t), newHub(t), newHub(t)
	a.caseStudy("Lending tablets")
	if _, err := b.svc.FollowPeer(b.host(), a.handle()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.svc.FollowPeer(c.host(), b.handle()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "B to hold A's case study", func() bool { return b.itemTitled("Lending tablets") != nil })
	waitFor(t, "C's follow of B to be accepted", func() bool { return c.peerState(b.actorID()) == hub.PeerAccepted })
	if n := len(c.items(hub.RemoteItemFilter{})); n != 0 {
		t.Fatalf("C holds %d items before any re-share", n)
	}

	item := b.itemTitled("Lending tablets")
	if err := b.svc.Reshare(b.host(), item.ID, false); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the re-share on C", func() bool { return c.itemTitled("Lending tablets") != nil })
	got := c.itemTitled("Lending tablets")
	if got.Origin.ActorID != a.actorID() || len(got.SharedBy) != 1 || got.SharedBy[0].ActorID != b.actorID() {
		t.Errorf("on C: origin %+v, shared by %+v", got.Origin, got.SharedBy)
	}
	if it, _ := b.svc.RemoteItem(context.Background(), item.ID); it == nil || !it.Reshared {
		t.Errorf("B does not record its re-share: %+v", it)
	}
	// B's outbox lists the Announce, which is what Mastodon shows as a boost.
	_, ob := b.get("/actor/outbox?page=1", "application/activity+json")
	if items, _ := ob["orderedItems"].([]any); len(items) != 1 || items[0].(map[string]any)["type"] != "Announce" {
		t.Errorf("B's outbox %v", ob)
	}

	if err := b.svc.Reshare(b.host(), item.ID, true); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the undone re-share on C", func() bool { return c.itemTitled("Lending tablets") == nil })
	_, ob = b.get("/actor/outbox?page=1", "application/activity+json")
	if ob["totalItems"] != 0.0 {
		t.Errorf("B's outbox still lists the withdrawn Announce: %v", ob)
	}
}

// followFake makes h follow an actor of the fake fediverse, which accepts.
func followFake(t *testing.T, h *testHub, f *fediverse, a *remoteActor) {
	t.Helper()
	if _, err := h.svc.FollowPeer(h.host(), a.id(f)); err != nil {
		t.Fatal(err)
	}
	var follow map[string]any
	waitFor(t, "the Follow", func() bool {
		for _, d := range f.deliveries("Follow") {
			if d.Body["object"] == a.id(f) {
				follow = d.Body
				return true
			}
		}
		return false
	})
	if resp := f.post(signedPost{a: a, url: h.inbox(), body: f.activity(a, "Accept", follow)}); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("accept: %d", resp.StatusCode)
	}
	if st := h.peerState(a.id(f)); st != hub.PeerAccepted {
		t.Fatalf("peer state %q after the Accept", st)
	}
}

// Events from Mobilizon and Gancio, as they send them, join the commons
// with their location and address variants.
func TestPeerEventShapes(t *testing.T) {
	h := newHub(t)
	f := newFediverse(t)
	for _, tt := range []struct {
		file, wrap string // wrap: the fixture is a bare object, sent in a Create
		title      string
		check      func(*hub.RemoteItem) bool
	}{
		{"mobilizon-create-event-postal-address-links.json", "", "", func(it *hub.RemoteItem) bool {
			return it.PlaceName == "Locaux de Framasoft" && it.Address == "10 Rue Jangot, Lyon, Auvergne Rhône Alpes, 69007, France"
		}},
		{"mobilizon-event-europe-london.json", "Create", "", func(it *hub.RemoteItem) bool {
			return it.TimeZone == "Europe/London" && it.StartsAt != nil && it.Language == "en"
		}},
		{"gancio-create-event.json", "", "Demo event", func(it *hub.RemoteItem) bool {
			return it.PlaceName == "Colosseo" && it.StartsAt != nil && it.StartsAt.Equal(time.Date(2021, 7, 14, 15, 30, 57, 0, time.UTC)) &&
				len(it.Tags) == 1 && it.Tags[0] == "test"
		}},
	} {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile("testdata/activitypub/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if tt.wrap != "" {
				var obj map[string]any
				json.Unmarshal(raw, &obj)
				raw, _ = json.Marshal(map[string]any{"@context": obj["@context"], "id": obj["id"].(string) + "#create", "type": tt.wrap,
					"actor": obj["actor"], "to": obj["to"], "object": obj})
			}
			body, signer := rehost(t, f, raw)
			// Before the hub follows the sender, its events are ignored.
			if resp := f.post(signedPost{a: signer, url: h.inbox(), body: body}); resp.StatusCode != http.StatusAccepted {
				t.Fatalf("unfollowed sender: %d", resp.StatusCode)
			}
			var act map[string]any
			json.Unmarshal(body, &act)
			objID := act["object"].(map[string]any)["id"].(string)
			if it, _ := h.db.Commons().RemoteItemByObject(context.Background(), objID); it != nil {
				t.Fatal("kept an event from an actor the hub does not follow")
			}
			followFake(t, h, f, signer)
			// Sent again with a fresh activity id (the first was seen).
			act["id"] = act["id"].(string) + "-again"
			body, _ = json.Marshal(act)
			if resp := f.post(signedPost{a: signer, url: h.inbox(), body: body}); resp.StatusCode != http.StatusAccepted {
				t.Fatalf("followed sender: %d", resp.StatusCode)
			}
			it, err := h.db.Commons().RemoteItemByObject(context.Background(), objID)
			if err != nil {
				t.Fatalf("not kept: %v", err)
			}
			if it.Kind != hub.KindEvent || (tt.title != "" && it.Title != tt.title) || !tt.check(it) {
				t.Errorf("kept as %+v", it)
			}
			if strings.Contains(it.ContentHTML, "<script") || strings.Contains(it.ContentHTML, "target=") {
				t.Errorf("content not sanitised: %s", it.ContentHTML)
			}
		})
	}
}

// Only the origin changes or deletes a remote item; another server's
// actor cannot, even signing correctly.
func TestRemoteItemOnlyChangedByOrigin(t *testing.T) {
	h := newHub(t)
	f, g := newFediverse(t), newFediverse(t)
	group, mallory := f.actor("group", true), g.actor("mallory", true)
	followFake(t, h, f, group)
	obj := map[string]any{"id": group.id(f) + "/events/1", "type": "Event", "name": "Litter pick", "attributedTo": group.id(f),
		"startTime": "2027-04-01T10:00:00Z", "endTime": "2027-04-01T12:00:00Z", "to": []any{"https://www.w3.org/ns/activitystreams#Public"},
		"content": `<p>Bring gloves <script>alert(1)</script><a href="javascript:alert(1)" onclick="x()">here</a><iframe src="https://evil.example/"></iframe><img src="https://tracker.example/p.gif"></p>`}
	if resp := f.post(signedPost{a: group, url: h.inbox(), body: f.activity(group, "Create", obj)}); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	it := h.itemTitled("Litter pick")
	if it == nil {
		t.Fatal("not kept")
	}
	for _, bad := range []string{"<script", "javascript:", "onclick", "<iframe", "<img", "tracker.example"} {
		if strings.Contains(it.ContentHTML, bad) {
			t.Errorf("stored content keeps %q: %s", bad, it.ContentHTML)
		}
	}
	if !strings.Contains(it.ContentHTML, "Bring gloves") {
		t.Errorf("stored content lost the text: %s", it.ContentHTML)
	}

	// Mallory, on another server, sends an Update and a Delete of it.
	forged := map[string]any{}
	for k, v := range obj {
		forged[k] = v
	}
	forged["name"] = "Cancelled (forged)"
	if resp := g.post(signedPost{a: mallory, url: h.inbox(), body: g.activity(mallory, "Update", forged)}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("forged Update: %d, want 400 (object not on the signer's server)", resp.StatusCode)
	}
	if resp := g.post(signedPost{a: mallory, url: h.inbox(), body: g.activity(mallory, "Delete", obj["id"])}); resp.StatusCode != http.StatusAccepted {
		t.Errorf("forged Delete: %d", resp.StatusCode)
	}
	if h.itemTitled("Litter pick") == nil {
		t.Fatal("another server's actor changed or deleted the item")
	}

	// The origin's Update applies (newer), an older one does not.
	upd := map[string]any{}
	for k, v := range obj {
		upd[k] = v
	}
	upd["name"], upd["updated"] = "Litter pick (new place)", "2027-03-01T00:00:00Z"
	f.post(signedPost{a: group, url: h.inbox(), body: f.activity(group, "Update", upd)})
	stale := map[string]any{}
	for k, v := range upd {
		stale[k] = v
	}
	stale["name"], stale["updated"] = "Litter pick (stale)", "2027-02-01T00:00:00Z"
	f.post(signedPost{a: group, url: h.inbox(), body: f.activity(group, "Update", stale)})
	if h.itemTitled("Litter pick (new place)") == nil {
		t.Errorf("after Updates: %+v", h.items(hub.RemoteItemFilter{}))
	}
	f.post(signedPost{a: group, url: h.inbox(), body: f.activity(group, "Delete", map[string]any{"id": obj["id"], "type": "Tombstone"})})
	if n := len(h.items(hub.RemoteItemFilter{})); n != 0 {
		t.Errorf("%d items after the origin's Delete", n)
	}
}
