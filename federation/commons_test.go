package federation_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/testkit"
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
	waitFor(t, "the edit on B", func() bool {
		return b.itemTitled("Coffee morning (moved)") != nil && b.itemTitled("Coffee morning") == nil
	})
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
func followFake(t testing.TB, h *testHub, f *fediverse, a *remoteActor) {
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
			return it.TimeZone == "Europe/London" && it.StartsAt != nil && it.Language == "en" &&
				it.Latitude != nil && *it.Latitude == 50.66881615 && it.Longitude != nil && *it.Longitude == -3.537739788359949
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
				raw, _ = json.Marshal(inActivity(tt.wrap, obj, obj["actor"], "@context", "to"))
			}
			// Before the hub follows the sender, its events are ignored.
			signer, act := postRehosted(t, h, f, raw, "unfollowed sender")
			objID := act["object"].(map[string]any)["id"].(string)
			// Its origin serves it: an event attributed to another actor
			// than its sender (Mobilizon: a member posts a group's event)
			// is read from there.
			f.serveObject(act["object"].(map[string]any))
			if it, _ := h.db.Commons().RemoteItemByObject(context.Background(), objID); it != nil {
				t.Fatal("kept an event from an actor the hub does not follow")
			}
			followFake(t, h, f, signer)
			// Sent again with a fresh activity id (the first was seen).
			act["id"] = act["id"].(string) + "-again"
			body, _ := json.Marshal(act)
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

// Public replies to the hub's items become comments, sanitised; only
// their author changes or deletes them; non-public replies are not kept.
func TestCommentsFromReplies(t *testing.T) {
	h := newHub(t)
	f, g := newFediverse(t), newFediverse(t)
	alice, bob := f.actor("alice", true), g.actor("bob", true)
	e := h.repairCafe()
	eventIRI := h.base + "/events/" + e.Slug
	public := []any{"https://www.w3.org/ns/activitystreams#Public"}
	note := func(a *remoteActor, fv *fediverse, id, inReplyTo, content string, to []any) map[string]any {
		return map[string]any{"id": a.id(fv) + "/statuses/" + id, "type": "Note", "attributedTo": a.id(fv), "inReplyTo": inReplyTo,
			"to": to, "content": content, "published": "2027-02-01T10:00:00Z", "url": fv.url("/@x/" + id)}
	}
	comments := func() []*hub.Comment {
		cs, err := h.svc.Comments(h.host(), hub.KindEvent, e.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		return cs
	}

	hostile := `<p>See you there! <span class="h-card"><a href="` + h.actorID() + `" class="u-url mention">@<span>hub</span></a></span> ` +
		`<a href="https://f.example/tags/repair" class="mention hashtag" rel="tag">#<span>repair</span></a>` +
		`<script>alert(1)</script><style>body{}</style><iframe src="https://evil.example/"></iframe>` +
		`<a href="javascript:alert(1)">x</a><b onmouseover="alert(1)">bold</b></p>`
	n1 := note(alice, f, "1", eventIRI, hostile, public)
	if resp := f.post(signedPost{a: alice, url: h.inbox(), body: f.activity(alice, "Create", n1)}); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("reply: %d", resp.StatusCode)
	}
	cs := comments()
	if len(cs) != 1 {
		t.Fatalf("%d comments", len(cs))
	}
	c := cs[0]
	for _, bad := range []string{"<script", "alert", "<style", "<iframe", "javascript:", "onmouseover"} {
		if strings.Contains(c.ContentHTML, bad) {
			t.Errorf("comment keeps %q: %s", bad, c.ContentHTML)
		}
	}
	for _, good := range []string{`class="h-card"`, `class="u-url mention"`, `class="mention hashtag"`, "See you there!", "<b>bold</b>"} {
		if !strings.Contains(c.ContentHTML, good) {
			t.Errorf("comment lost %q: %s", good, c.ContentHTML)
		}
	}
	if c.Author.ActorID != alice.id(f) || c.Author.Username != "alice" {
		t.Errorf("author %+v", c.Author)
	}

	// A reply to the comment joins the same item; a followers-only reply
	// and a reply to something else are not kept.
	f.post(signedPost{a: alice, url: h.inbox(), body: f.activity(alice, "Create", note(alice, f, "2", n1["id"].(string), "<p>Also: bring mugs.</p>", public))})
	f.post(signedPost{a: alice, url: h.inbox(), body: f.activity(alice, "Create", note(alice, f, "3", eventIRI, "<p>private</p>", []any{alice.id(f) + "/followers"}))})
	f.post(signedPost{a: alice, url: h.inbox(), body: f.activity(alice, "Create", note(alice, f, "4", "https://elsewhere.example/notes/1", "<p>other</p>", public))})
	if n := len(comments()); n != 2 {
		t.Errorf("%d comments, want 2 (the reply to the comment only)", n)
	}

	// Bob can neither claim Alice's words nor delete them.
	claim := note(bob, g, "5", eventIRI, "<p>hi</p>", public)
	claim["attributedTo"] = alice.id(f)
	if resp := g.post(signedPost{a: bob, url: h.inbox(), body: g.activity(bob, "Create", claim)}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a reply attributed to someone else: %d, want 400", resp.StatusCode)
	}
	g.post(signedPost{a: bob, url: h.inbox(), body: g.activity(bob, "Delete", n1["id"])})
	if n := len(comments()); n != 2 {
		t.Errorf("another server deleted a comment: %d left", n)
	}

	// The author edits, an organiser hides, the author deletes.
	edited := note(alice, f, "1", eventIRI, "<p>Edited: see you at 10.</p>", public)
	f.post(signedPost{a: alice, url: h.inbox(), body: f.activity(alice, "Update", edited)})
	if got := comments()[0].ContentHTML; got != "<p>Edited: see you at 10.</p>" {
		t.Errorf("after the Update: %s", got)
	}
	if err := h.svc.HideComment(h.host(), c.ID, true); err != nil {
		t.Fatal(err)
	}
	if visible, _ := h.svc.Comments(context.Background(), hub.KindEvent, e.ID, false); len(visible) != 1 {
		t.Errorf("%d visible comments after hiding one, want 1", len(visible))
	}
	f.post(signedPost{a: alice, url: h.inbox(), body: f.activity(alice, "Delete", map[string]any{"id": n1["id"], "type": "Tombstone"})})
	if n := len(comments()); n != 1 {
		t.Errorf("%d comments after the author's Delete, want 1", n)
	}
	// Deleting the event takes its comments with it.
	if err := h.svc.DeleteEvent(h.host(), e.ID); err != nil {
		t.Fatal(err)
	}
	if n := len(comments()); n != 0 {
		t.Errorf("%d comments outlive their event", n)
	}
}

// Replies as Mastodon, GoToSocial and Lemmy send them become comments.
func TestCommentFixtures(t *testing.T) {
	h := newHub(t)
	f := newFediverse(t)
	e := h.repairCafe()
	eventIRI := h.base + "/events/" + e.Slug
	for _, file := range []string{"mastodon-create-note-reply-mention.json", "gotosocial-note-reply-single-mention-object.json", "lemmy-comment-note.json"} {
		t.Run(file, func(t *testing.T) {
			d := activityDoc(t, file)
			if d["type"] == "Note" { // a bare Note: sent in a Create by its author
				d = inActivity("Create", d, d["attributedTo"], "@context", "to", "cc")
			}
			obj := d["object"].(map[string]any)
			obj["inReplyTo"] = eventIRI
			if d["to"] == nil && d["cc"] == nil {
				d["to"] = []any{"https://www.w3.org/ns/activitystreams#Public"}
			}
			raw, _ := json.Marshal(d)
			before, _ := h.svc.Comments(context.Background(), hub.KindEvent, e.ID, false)
			signer, sent := postRehosted(t, h, f, raw, "status")
			sentID := sent["object"].(map[string]any)["id"].(string)
			after, _ := h.svc.Comments(context.Background(), hub.KindEvent, e.ID, false)
			if len(after) != len(before)+1 {
				t.Fatalf("%d comments, want %d", len(after), len(before)+1)
			}
			var c *hub.Comment
			for _, x := range after {
				if x.ObjectID == sentID {
					c = x
				}
			}
			if c == nil || strings.TrimSpace(c.ContentHTML) == "" || c.Author.ActorID != signer.id(f) {
				t.Errorf("comment %+v among %d", c, len(after))
			}
		})
	}
}

// repairCafe publishes the event "Repair café" on 2 March 2027 at 10:00
// in London, for replies to answer.
func (h *testHub) repairCafe() *hub.Event {
	h.t.Helper()
	return h.event("Repair café", time.Date(2027, 3, 2, 10, 0, 0, 0, london), "")
}

// reply has a post from a on f: the activity typ of a public Note id,
// answering the hub's page at path; it returns the hub's answer.
func (h *testHub) reply(f *fediverse, a *remoteActor, typ, id, path, content string) *http.Response {
	h.t.Helper()
	return f.post(signedPost{a: a, url: h.inbox(), body: f.activity(a, typ, map[string]any{"id": id, "type": "Note",
		"attributedTo": a.id(f), "inReplyTo": h.base + path, "to": []any{"https://www.w3.org/ns/activitystreams#Public"},
		"content": content})})
}

// keptReply returns the comment the hub kept of the reply id, failing the
// test when there is none.
func (h *testHub) keptReply(t testing.TB, id string) *hub.Comment {
	t.Helper()
	c, err := h.db.Commons().CommentByObject(h.host(), id)
	if err != nil {
		t.Fatalf("the reply was not kept: %v", err)
	}
	return c
}

// followedAndFollowing makes a hub followed by alice and following group,
// both on one fake server, with group's event "Litter pick" kept.
func followedAndFollowing(t *testing.T) (h *testHub, f *fediverse, alice, group *remoteActor) {
	h, f = newHub(t), newFediverse(t)
	alice, group = f.actor("alice", true), f.actor("group", true)
	h.follow(f, alice)
	followFake(t, h, f, group)
	f.post(signedPost{a: group, url: h.inbox(), body: f.activity(group, "Create", map[string]any{"id": group.id(f) + "/events/1", "type": "Event",
		"name": "Litter pick", "attributedTo": group.id(f), "startTime": "2027-04-01T10:00:00Z", "to": []any{"https://www.w3.org/ns/activitystreams#Public"}})})
	if h.itemTitled("Litter pick") == nil {
		t.Fatal("item not kept")
	}
	return h, f, alice, group
}

// Blocking a domain refuses its deliveries with 403, removes its
// followers and content, and sends it nothing; allowlist mode refuses
// everyone not allowed.
func TestBlocksAndAllowlist(t *testing.T) {
	h, f, alice, group := followedAndFollowing(t)
	fHost := strings.TrimPrefix(f.srv.URL, "http://")
	if err := h.svc.Block(h.host(), hub.Block{Kind: hub.BlockDomain, Value: f.srv.URL + "/", Note: "spam"}); err != nil {
		t.Fatal(err)
	}
	pol, _ := h.svc.ModerationPolicy(h.host())
	if len(pol.Blocks) != 1 || pol.Blocks[0].Value != fHost {
		t.Errorf("blocks %+v", pol.Blocks)
	}
	if resp := f.post(signedPost{a: alice, url: h.inbox(), body: f.activity(alice, "Follow", h.actorID())}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("blocked domain's delivery: %d, want 403", resp.StatusCode)
	}
	if h.itemTitled("Litter pick") != nil || h.peerState(group.id(f)) != "" {
		t.Error("the blocked domain's items or follow remain")
	}
	if _, fol := h.get("/actor/followers", "application/activity+json"); fol["totalItems"] != 0.0 {
		t.Errorf("the blocked domain's follower remains: %v", fol)
	}
	creates := len(f.deliveries("Create"))
	h.event("After the block", time.Date(2027, 5, 1, 10, 0, 0, 0, london), "")
	time.Sleep(300 * time.Millisecond)
	if n := len(f.deliveries("Create")); n != creates {
		t.Errorf("%d Creates delivered to a blocked domain", n-creates)
	}
	if _, err := h.svc.FollowPeer(h.host(), group.id(f)); hub.ErrorCode(err) != hub.EFORBIDDEN {
		t.Errorf("following a blocked account: %v, want EFORBIDDEN", err)
	}

	if err := h.svc.Unblock(h.host(), hub.BlockDomain, fHost); err != nil {
		t.Fatal(err)
	}
	if resp := f.post(signedPost{a: alice, url: h.inbox(), body: f.activity(alice, "Follow", h.actorID())}); resp.StatusCode != http.StatusAccepted {
		t.Errorf("after unblocking: %d", resp.StatusCode)
	}

	// Allowlist mode: only allowed servers (and followed peers') get in.
	if err := h.svc.SetAllowlist(h.host(), true); err != nil {
		t.Fatal(err)
	}
	if resp := f.post(signedPost{a: alice, url: h.inbox(), body: f.activity(alice, "Follow", h.actorID())}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("allowlist mode, server not allowed: %d, want 403", resp.StatusCode)
	}
	if err := h.svc.AllowServer(h.host(), fHost, true); err != nil {
		t.Fatal(err)
	}
	if resp := f.post(signedPost{a: alice, url: h.inbox(), body: f.activity(alice, "Follow", h.actorID())}); resp.StatusCode != http.StatusAccepted {
		t.Errorf("allowlist mode, server allowed: %d", resp.StatusCode)
	}
	servers, err := h.svc.KnownServers(h.host())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range servers {
		if s.Host == fHost {
			found = s.Allowed && s.Followers == 1
		}
	}
	if !found {
		t.Errorf("known servers %+v", servers)
	}
	// Editors cannot block; admins can.
	if err := h.svc.Block(hub.WithOrganiser(context.Background(), &hub.Organiser{ID: 99, Role: hub.RoleEditor}), hub.Block{Kind: hub.BlockDomain, Value: "x.example"}); hub.ErrorCode(err) != hub.EFORBIDDEN {
		t.Errorf("an editor blocked: %v", err)
	}
}

// getPage fetches a page as a browser would.
func (h *testHub) getPage(path string) (int, string) {
	h.t.Helper()
	resp, b := testkit.Get(h.t, nil, h.base+path)
	return resp.StatusCode, string(b)
}

// The commons pages show peers' items credited to them, hostile markup
// inert; an item page shows public replies.
func TestCommonsPages(t *testing.T) {
	h := newHub(t)
	f := newFediverse(t)
	group, alice := f.actor("group", true), f.actor("alice", true)
	followFake(t, h, f, group)
	evil := `<p>Bring gloves</p><script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a><iframe src="https://evil.example/"></iframe><p style="color:red" onclick="alert(4)">styled</p>`
	f.post(signedPost{a: group, url: h.inbox(), body: f.activity(group, "Create", map[string]any{"id": group.id(f) + "/guides/1", "type": "Article",
		"name": "Litter picks <b>that work</b>", "attributedTo": group.id(f), "content": evil, "to": []any{"https://www.w3.org/ns/activitystreams#Public"}})})
	it := h.itemTitled("Litter picks that work")
	if it == nil {
		t.Fatalf("not kept: %+v", h.items(hub.RemoteItemFilter{}))
	}
	status, list := h.getPage("/commons")
	if status != 200 || !strings.Contains(list, "Litter picks that work") || !strings.Contains(list, "Test /users/group") {
		t.Errorf("/commons: %d\n%s", status, list)
	}
	status, page := h.getPage("/commons/" + strconv.FormatInt(it.ID, 10))
	if status != 200 || !strings.Contains(page, "Bring gloves") || !strings.Contains(page, `rel="canonical" href="`+group.id(f)+`/guides/1"`) {
		t.Errorf("/commons/%d: %d\n%s", it.ID, status, page)
	}
	for _, bad := range []string{"<script>alert", "onerror", "javascript:alert", "<iframe", "onclick", "style=\"color"} {
		if strings.Contains(page, bad) {
			t.Errorf("the item page carries %q", bad)
		}
	}
	// Search finds it, with the match marked and the hostile text inert.
	status, found := h.getPage("/search?q=gloves")
	if status != 200 || !strings.Contains(found, "Litter picks that work") || !strings.Contains(found, "<mark>gloves</mark>") ||
		!strings.Contains(found, `href="/commons/`+strconv.FormatInt(it.ID, 10)+`"`) || strings.Contains(found, "alert(") {
		t.Errorf("/search?q=gloves: %d\n%s", status, found)
	}
	if status, found := h.getPage("/search?q=gloves&origin=local"); status != 200 || !strings.Contains(found, "Nothing found") {
		t.Errorf("/search local only: %d", status)
	}
	if status, _ := h.getPage("/search?q=x&from=31-12-2027"); status != 422 {
		t.Errorf("a bad date: %d, want 422", status)
	}
	if status, _ := h.getPage("/commons/99999"); status != 404 {
		t.Errorf("missing item: %d", status)
	}
	if status, _ := h.getPage("/commons?kind=nonsense"); status != 422 {
		t.Errorf("bad kind: %d", status)
	}

	e := h.repairCafe()
	h.reply(f, alice, "Create", alice.id(f)+"/statuses/1", "/events/"+e.Slug, `<p>See you there! <script>alert(5)</script></p>`)
	_, ev := h.getPage("/events/" + e.Slug)
	if !strings.Contains(ev, "Replies from the fediverse") || !strings.Contains(ev, "See you there!") || strings.Contains(ev, "alert(5)") {
		t.Errorf("event page comments:\n%s", ev)
	}
}
