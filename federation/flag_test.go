package federation_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/commonplace-hub/commonplace/hub"
)

// mastodonFlag is testdata's real Mastodon Flag, sent from the fake
// fediverse's instance actor (/actor) about the given account and
// statuses in place of the originals.
func mastodonFlag(t *testing.T, f *fediverse, account, status string) []byte {
	t.Helper()
	raw, err := os.ReadFile("testdata/activitypub/mastodon-flag.json")
	if err != nil {
		t.Fatal(err)
	}
	body := bytes.ReplaceAll(raw, []byte("https://bad.instance/users/tobi/statuses/01GP388K19DGXSV3SW2RXWM533"), []byte(status))
	body = bytes.ReplaceAll(body, []byte("https://bad.instance/users/tobi"), []byte(account))
	return bytes.ReplaceAll(body, []byte("https://example.org"), []byte(f.srv.URL))
}

func (h *testHub) reports() []*hub.Report {
	h.t.Helper()
	rs, err := h.db.Stores().Queue.ListReports(h.host(), "")
	if err != nil {
		h.t.Fatal(err)
	}
	return rs
}

// A Mastodon report about the hub and one of its events, signed by the
// server's instance actor, lands in the queue with its comment, what it
// names resolved to the hub's items, and the sending server. Unsigned,
// forged and tampered Flags are refused and leave nothing.
func TestFlagFromMastodon(t *testing.T) {
	h := newHub(t)
	f := newFediverse(t)
	instance := f.actorAt("/actor")
	e := h.repairCafe()
	body := mastodonFlag(t, f, h.actorID(), h.base+"/events/"+e.Slug)

	unsigned := postUnsigned(t, h.inbox(), body)
	mallory := f.actor("mallory", true)
	refused := map[string]signedPost{
		// mallory signs with her own key a Flag claiming to come from the
		// instance actor.
		"forged signer": {a: mallory, url: h.inbox(), body: body},
		// the instance actor's key id with mallory's key.
		"forged key": {a: mallory, url: h.inbox(), body: body, keyID: instance.keyID(f)},
		// signed, then the comment changed on the way.
		"tampered body": {a: instance, url: h.inbox(), body: body, tamper: func(r *http.Request) {
			b := bytes.Replace(body, []byte("misinfo"), []byte("all fine"), 1)
			r.Body, r.ContentLength = readCloser(b), int64(len(b))
		}},
	}
	if unsigned != 401 {
		t.Errorf("unsigned: %d, want 401", unsigned)
	}
	for name, p := range refused {
		if resp := f.post(p); resp.StatusCode != 401 {
			t.Errorf("%s: %d, want 401", name, resp.StatusCode)
		}
	}
	if rs := h.reports(); len(rs) != 0 {
		t.Fatalf("refused Flags left reports: %+v", rs)
	}

	for range 2 { // the second is a repeat and changes nothing
		if resp := f.post(signedPost{a: instance, url: h.inbox(), body: body}); resp.StatusCode != 202 {
			t.Fatalf("signed Flag: %d, want 202", resp.StatusCode)
		}
	}
	rs := h.reports()
	if len(rs) != 1 {
		t.Fatalf("%d reports, want 1", len(rs))
	}
	r := rs[0]
	if r.Comment != "misinfo: it's not a good morning" || r.Server != strings.TrimPrefix(f.srv.URL, "http://") ||
		r.Actor != instance.id(f) || r.State != hub.ReportPending || r.Direction != hub.ReportIn || !strings.HasPrefix(r.ActivityIRI, f.srv.URL+"/") {
		t.Errorf("report %+v", r)
	}
	if len(r.Objects) != 2 || r.Objects[0].URL != "/" || r.Objects[1].Kind != hub.KindEvent || r.Objects[1].ItemID != e.ID ||
		r.Objects[1].Title != "Repair café" || r.Objects[1].URL != "/events/"+e.Slug {
		t.Errorf("objects %+v", r.Objects)
	}
}

// A report about a reply kept here names the comment; resolving it can
// delete the comment and block its server.
func TestFlagAboutACommentIsResolved(t *testing.T) {
	h := newHub(t)
	f := newFediverse(t)
	troll := newFediverse(t)
	e := h.repairCafe()
	alice, note, c := h.keptReplyBy(t, troll, "alice", "/statuses/1", e, "<p>rude words</p>")
	// Mastodon reports a reply to its author's server and to the servers
	// it answered: this hub.
	if resp := f.post(signedPost{a: f.actorAt("/actor"), url: h.inbox(), body: mastodonFlag(t, f, alice.id(troll), note)}); resp.StatusCode != 202 {
		t.Fatalf("Flag: %d", resp.StatusCode)
	}
	rs := h.reports()
	if len(rs) != 1 || rs[0].Objects[1].CommentID != c.ID || rs[0].Objects[1].URL != "/events/"+e.Slug || rs[0].Objects[0].URL != "" {
		t.Fatalf("reports %+v", rs)
	}
	admin := h.admin()
	if err := h.svc.ResolveReport(admin, rs[0].ID, hub.Resolution{DeleteComments: true, BlockServers: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.Commons().CommentByObject(h.host(), note); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("the comment is still there: %v", err)
	}
	pol, _ := h.svc.ModerationPolicy(admin)
	if len(pol.Blocks) != 1 || pol.Blocks[0].Value != strings.TrimPrefix(troll.srv.URL, "http://") {
		t.Errorf("blocks %+v", pol.Blocks)
	}
	r, _ := h.db.Stores().Queue.FindReport(h.host(), rs[0].ID)
	if r.State != hub.ReportResolved || r.DecidedBy == "" || r.DecidedAt == nil {
		t.Errorf("after resolving: %+v", r)
	}
	if err := h.svc.DismissReport(admin, rs[0].ID); hub.ErrorCode(err) != hub.ECONFLICT {
		t.Errorf("deciding twice: %v", err)
	}
}

// keptReplyBy has the account name on f reply to event e with html, as
// the status at path under its id, and returns the account, the reply's
// id and the comment the hub kept of it.
func (h *testHub) keptReplyBy(t *testing.T, f *fediverse, name, path string, e *hub.Event, html string) (*remoteActor, string, *hub.Comment) {
	t.Helper()
	author := f.actor(name, true)
	note := author.id(f) + path
	h.reply(f, author, "Create", note, "/events/"+e.Slug, html)
	return author, note, h.keptReply(t, note)
}

// admin acts as an admin organiser with a name, as the pages do.
func (h *testHub) admin() context.Context {
	return hub.WithOrganiser(context.Background(), &hub.Organiser{ID: 1, Name: "Ada Admin", Email: "ada@example.org", Role: hub.RoleAdmin})
}

func readCloser(b []byte) io.ReadCloser { return io.NopCloser(bytes.NewReader(b)) }

// An organiser reports a reply to its author's server: the server (a
// loopback fediverse that checks signatures) receives a signed Flag from
// the hub actor naming the account and the reply, with the organiser's
// comment; the report is recorded as sent, and the account blocked.
func TestFlagOutReachesTheServer(t *testing.T) {
	h := newHub(t)
	remote := newFediverse(t)
	e := h.repairCafe()
	alice, note, c := h.keptReplyBy(t, remote, "alice", "/statuses/9", e, "<p>buy pills</p>")
	r, err := h.svc.ReportRemote(h.admin(), hub.RemoteReport{CommentID: c.ID, Comment: "Spam under our repair café.", Block: true})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the Flag", func() bool { return len(remote.deliveries("Flag")) > 0 })
	d := remote.deliveries("Flag")[0]
	if d.Verified != nil {
		t.Fatalf("the Flag's signature does not verify: %v", d.Verified)
	}
	objs, _ := d.Body["object"].([]any)
	if d.Body["actor"] != h.actorID() || d.Body["content"] != "Spam under our repair café." || len(objs) != 2 ||
		objs[0] != alice.id(remote) || objs[1] != note || !strings.HasPrefix(d.KeyID, h.actorID()) || d.Body["id"] != r.ActivityIRI {
		t.Errorf("Flag received: %v (key %s)", d.Body, d.KeyID)
	}
	got, _ := h.db.Stores().Queue.FindReport(h.host(), r.ID)
	if got.Direction != hub.ReportOut || got.State != hub.ReportSent || got.DecidedBy != "Ada Admin" || got.Server != strings.TrimPrefix(remote.srv.URL, "http://") {
		t.Errorf("report recorded as %+v", got)
	}
	pol, _ := h.svc.ModerationPolicy(h.admin())
	if len(pol.Blocks) != 1 || pol.Blocks[0].Kind != hub.BlockActor || pol.Blocks[0].Value != alice.id(remote) {
		t.Errorf("blocks %+v", pol.Blocks)
	}
	// A server that is down: nothing is sent or recorded, and the
	// organiser is told.
	gone := newFediverse(t)
	bob, _, c2 := h.keptReplyBy(t, gone, "bob", "/statuses/1", e, "<p>hi</p>")
	gone.srv.Close()
	h.db.Federation().DeleteRemoteActor(h.host(), bob.id(gone))
	if _, err := h.svc.ReportRemote(h.admin(), hub.RemoteReport{CommentID: c2.ID, Comment: "x"}); hub.ErrorCode(err) != hub.EUNAVAILABLE {
		t.Errorf("reporting to a server that is down: %v", err)
	}
	if rs := h.reports(); len(rs) != 1 {
		t.Errorf("%d reports recorded, want 1", len(rs))
	}
}
