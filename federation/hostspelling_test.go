package federation_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// An organiser blocks 127.0.0.1, the fake fediverse's address, without its
// port. The attacker on it then signs deliveries with its key id spelled
// every other way that reaches the same server: as an IPv4-mapped IPv6
// address, with the DNS root's trailing dot, as one number, in inet_aton's
// hex, in full-width digits. Each is refused at the inbox (403) before the
// hub fetches anything; what the server left (an item, a followed peer, a
// follower) is removed although every row of it names a port; nothing
// more is delivered to it; and it cannot be followed under another
// spelling. Lifting the block under another spelling lifts it.
func TestBlockHoldsAgainstRespelledHosts(t *testing.T) {
	h, f, alice, group := followedAndFollowing(t)
	port := f.srv.URL[strings.LastIndex(f.srv.URL, ":")+1:]

	if err := h.svc.Block(h.host(), hub.Block{Kind: hub.BlockDomain, Value: "127.0.0.1", Note: "spam"}); err != nil {
		t.Fatal(err)
	}
	if h.itemTitled("Litter pick") != nil || h.peerState(group.id(f)) != "" {
		t.Error("the blocked server's item or followed peer remains (its rows name a port the block does not)")
	}
	if _, fol := h.get("/actor/followers", "application/activity+json"); fol["totalItems"] != 0.0 {
		t.Errorf("the blocked server's follower remains: %v", fol)
	}
	for _, host := range []string{
		"127.0.0.1",          // as blocked
		"[::ffff:127.0.0.1]", // IPv4-mapped IPv6
		"[::ffff:7f00:1]",    // the same, in hex
		"127.0.0.1.",         // the DNS root
		"2130706433",         // one number
		"0x7f.1",             // inet_aton's hex and short form
		"１２７.０.０.１",          // full-width digits, mapped by IDNA
	} {
		keyID := "http://" + host + ":" + port + alice.path + "#main-key"
		resp := f.post(signedPost{a: alice, url: h.inbox(), body: f.activity(alice, "Follow", h.actorID()), keyID: keyID})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("a delivery signed as %s: %d, want 403", keyID, resp.StatusCode)
		}
	}
	creates := len(f.deliveries("Create"))
	h.event("After the block", time.Date(2027, 5, 1, 10, 0, 0, 0, london), "")
	time.Sleep(300 * time.Millisecond)
	if n := len(f.deliveries("Create")); n != creates {
		t.Errorf("%d Creates delivered to a blocked server", n-creates)
	}
	if _, err := h.svc.FollowPeer(h.host(), "http://[::ffff:127.0.0.1]:"+port+group.path); hub.ErrorCode(err) != hub.EFORBIDDEN {
		t.Errorf("following the blocked server's group under another spelling: %v, want EFORBIDDEN", err)
	}
	if pol, _ := h.svc.ModerationPolicy(h.host()); len(pol.Blocks) != 1 || pol.Blocks[0].Value != "127.0.0.1" {
		t.Errorf("blocks %+v", pol.Blocks)
	}

	if err := h.svc.Unblock(h.host(), hub.BlockDomain, "[::ffff:127.0.0.1]"); err != nil {
		t.Fatalf("lifting the block under another spelling: %v", err)
	}
	if resp := f.post(signedPost{a: alice, url: h.inbox(), body: f.activity(alice, "Follow", h.actorID())}); resp.StatusCode != http.StatusAccepted {
		t.Errorf("after lifting the block: %d", resp.StatusCode)
	}
}

// A server the hub may fetch from redirects it to a blocked one: the hub
// does not follow, so the blocked server hears nothing from it. Here an
// organiser follows an account whose address redirects.
func TestFetchRedirectToBlockedServerRefused(t *testing.T) {
	h := newHub(t)
	var blockedHits atomic.Int64
	blocked := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		blockedHits.Add(1)
		http.NotFound(w, r)
	}))
	defer blocked.Close()
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/users/") {
			http.Redirect(w, r, blocked.URL+r.URL.Path, http.StatusFound)
			return
		}
		http.NotFound(w, r)
	}))
	defer redirector.Close()
	// The blocked server in another spelling than it is reached by.
	blockedHost := "[::ffff:127.0.0.1]:" + blocked.URL[strings.LastIndex(blocked.URL, ":")+1:]
	if err := h.svc.Block(h.host(), hub.Block{Kind: hub.BlockDomain, Value: blockedHost}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.FollowPeer(h.host(), redirector.URL+"/users/group"); err == nil {
		t.Error("followed an account on a blocked server")
	}
	if n := blockedHits.Load(); n != 0 {
		t.Errorf("the blocked server got %d requests through a redirect", n)
	}
}
