package federation_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/federation"
	"github.com/commonplace-hub/commonplace/hub"
)

// A peer's Accept that the hub's own moderation refused does not leave the
// Follow pending for ever. Here the serving hub has allowlist mode on and
// its policy kept for a few seconds, when another process (the command
// line) allows the peer's server and follows it: the peer's quick Accept
// meets the old policy and is refused. The peer list says why and when it
// is tried again; once the old policy has expired the same Follow goes
// again, and its Accept is kept.
func TestRefusedAcceptIsRetried(t *testing.T) {
	h := newHub(t)
	f := newFediverse(t)
	a := f.actor("peer", true)
	host := federation.HostOf(a.id(f))
	if err := h.svc.SetAllowlist(h.host(), true); err != nil {
		t.Fatal(err)
	}
	// The serving hub reads (and keeps) the policy: nothing allowed.
	if resp := f.post(signedPost{a: a, url: h.inbox(), body: f.activity(a, "Like", h.base+"/")}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a server off the allowlist: %d, want 403", resp.StatusCode)
	}

	// Another process allows the server and follows the peer: its
	// changes reach the database, not this process's kept policy.
	followID := h.base + "/activities/follow-from-the-cli"
	if err := h.db.Commons().Allow(h.host(), host, true); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(10 * time.Minute)
	if err := h.db.Commons().SaveFollowed(h.host(), &hub.Followed{ActorID: a.id(f), FollowID: followID, Inbox: a.id(f) + "/inbox",
		Host: host, State: hub.PeerPending, CreatedAt: h.clock.now(), NextRetryAt: &later}); err != nil {
		t.Fatal(err)
	}
	follow := map[string]any{"id": followID, "type": "Follow", "actor": h.actorID(), "object": a.id(f)}
	if resp := f.post(signedPost{a: a, url: h.inbox(), body: f.activity(a, "Accept", follow)}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("the Accept under the kept policy: %d, want 403 (the test proves nothing)", resp.StatusCode)
	}
	p := peerNamed(t, h, a.id(f))
	if p.State != hub.PeerPending || !strings.Contains(p.LastError, "refused") || p.NextRetry == nil || p.NextRetry.After(time.Now()) {
		t.Fatalf("after the refused Accept: %+v; want pending, the problem and a retry due now", p)
	}

	waitFor(t, "the same Follow sent again once the kept policy expired", func() bool { return len(f.deliveries("Follow")) == 1 })
	again := f.deliveries("Follow")[0]
	if again.Body["id"] != followID || again.Body["object"] != a.id(f) || again.Verified != nil {
		t.Fatalf("sent again: %v (verified: %v), want the Follow %s", again.Body, again.Verified, followID)
	}
	// The Follow is queued, then its next retry recorded: the delivery
	// can arrive first.
	waitFor(t, "a later retry recorded after sending again", func() bool {
		p := peerNamed(t, h, a.id(f))
		return p.NextRetry != nil && p.NextRetry.After(h.clock.now())
	})
	if resp := f.post(signedPost{a: a, url: h.inbox(), body: f.activity(a, "Accept", again.Body)}); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("the Accept now: %d", resp.StatusCode)
	}
	if p := peerNamed(t, h, a.id(f)); p.State != hub.PeerAccepted || p.LastError != "" || p.NextRetry != nil {
		t.Errorf("after the Accept: %+v; want accepted, no problem, no retry", p)
	}
}

func peerNamed(t *testing.T, h *testHub, actorID string) hub.Peer {
	t.Helper()
	peers, err := h.svc.Peers(h.host())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range peers {
		if p.ActorID == actorID {
			return p
		}
	}
	t.Fatalf("%s is not in the peer list", actorID)
	return hub.Peer{}
}

// A reply addressed to a recurring series' own page (no ?date=), which is
// never published under that IRI, is kept as a comment on the series; so
// is one to an occurrence; one to a page that is not an item is not.
func TestReplyToASeriesIsKept(t *testing.T) {
	h := newHub(t)
	f := newFediverse(t)
	alice := f.actor("alice", true)
	start := h.clock.now().In(london).Add(72 * time.Hour).Truncate(time.Hour)
	e := h.event("Coffee morning", start, "FREQ=WEEKLY")
	public := []any{"https://www.w3.org/ns/activitystreams#Public"}
	for i, tt := range []struct {
		inReplyTo string
		kept      bool
	}{
		{h.base + "/events/" + e.Slug, true},
		{h.base + "/events/" + e.Slug + "?date=" + start.Format("2006-01-02"), true},
		{h.base + "/events/no-such-series", false},
		{h.base + "/events", false},
		{"https://elsewhere.example/events/" + e.Slug, false},
	} {
		before, _ := h.svc.Comments(h.host(), hub.KindEvent, e.ID, true)
		note := map[string]any{"id": alice.id(f) + "/statuses/" + strings.Repeat("x", i+1), "type": "Note", "attributedTo": alice.id(f),
			"inReplyTo": tt.inReplyTo, "to": public, "content": "<p>See you there</p>", "published": "2027-02-01T10:00:00Z"}
		if resp := f.post(signedPost{a: alice, url: h.inbox(), body: f.activity(alice, "Create", note)}); resp.StatusCode != http.StatusAccepted {
			t.Fatalf("reply to %s: %d", tt.inReplyTo, resp.StatusCode)
		}
		after, _ := h.svc.Comments(h.host(), hub.KindEvent, e.ID, true)
		if kept := len(after) == len(before)+1; kept != tt.kept {
			t.Errorf("reply to %s: kept %v, want %v", tt.inReplyTo, kept, tt.kept)
		}
	}
}
