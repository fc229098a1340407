package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// follower stores a follower as the inbox does after a signed Follow from
// https://{server}/users/{user}.
func (th *testHub) follower(user, server string, pending bool) *hub.FollowerRecord {
	th.t.Helper()
	actor := "https://" + server + "/users/" + user
	rec := &hub.FollowerRecord{
		ActorID: actor, FollowID: actor + "/follows/1", Inbox: actor + "/inbox", SharedInbox: "https://" + server + "/inbox",
		Username: user, Name: strings.ToUpper(user[:1]) + user[1:], URL: "https://" + server + "/@" + user,
		Pending: pending, CreatedAt: now.Add(-time.Hour),
	}
	if err := th.db.Federation().SaveFollower(context.Background(), rec); err != nil {
		th.t.Fatal(err)
	}
	return rec
}

// deliveries lists the queue in a state ("pending" or "failed").
func (th *testHub) deliveries(state string) []hub.Delivery {
	th.t.Helper()
	list, err := th.db.Federation().Deliveries(context.Background(), state, 1000)
	if err != nil {
		th.t.Fatal(err)
	}
	return list
}

// queued finds a delivery of an activity type to an inbox.
func queued(list []hub.Delivery, typ, inbox string) *hub.Delivery {
	for i, d := range list {
		if d.ActivityType == typ && d.Inbox == inbox {
			return &list[i]
		}
	}
	return nil
}

func (th *testHub) isPending(actor string) (exists, pending bool) {
	th.t.Helper()
	rec, err := th.db.Federation().Follower(context.Background(), actor)
	if hub.ErrorCode(err) == hub.ENOTFOUND {
		return false, false
	}
	if err != nil {
		th.t.Fatal(err)
	}
	return true, rec.Pending
}

func TestFederationPageEmpty(t *testing.T) {
	th := newFederatedHub(t)
	c := th.client()
	th.login(c, editorEmail)
	r := th.get(c, "/admin/federation")
	if r.StatusCode != 200 {
		t.Fatalf("status %d", r.StatusCode)
	}
	for _, want := range []string{
		"@hub@" + th.base.Host, "press <strong>Follow</strong>", "Mastodon only finds hubs served over https",
		"starts with http://", // the test hub is served over http
		"No one follows the hub yet.", "Nothing is waiting to be delivered.", "No delivery has failed.",
		"The hub has not delivered anything to another server yet.",
		`href="/admin/federation" aria-current="page">Fediverse</a>`,
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(r.body, "/admin/settings") {
		t.Error("an editor is pointed to the settings, which only admins can change")
	}
}

func TestFederationPageWithoutFederation(t *testing.T) {
	th := newTestHub(t)
	c := th.client()
	th.login(c, adminEmail)
	r := th.get(c, "/admin/federation")
	if r.StatusCode != 200 || !strings.Contains(r.body, "not connected to the fediverse") {
		t.Errorf("status %d; the page must say federation is off", r.StatusCode)
	}
	if home := th.get(c, "/admin"); home.StatusCode != 200 || strings.Contains(home.body, `id="fediverse-title"`) {
		t.Errorf("organiser home: status %d, and no fediverse section without federation", home.StatusCode)
	}
}

func TestFederationFollowers(t *testing.T) {
	th := newFederatedHub(t)
	alice := th.follower("alice", "social.example", false)
	bob := th.follower("bob", "other.example", true)
	carol := th.follower("carol", "third.example", true)
	dave := th.follower("dave", "social.example", false)
	// Publishing queues a Create for each accepted follower's server, once
	// per shared inbox; no delivery loop runs, so they stay pending.
	g := &hub.Guide{Title: "Running a drop-in", Body: "Book the room."}
	if err := th.svc.CreateGuide(th.host(), g); err != nil {
		t.Fatal(err)
	}
	pending := th.deliveries("pending")
	if len(pending) != 1 || queued(pending, "Create", alice.SharedInbox) == nil {
		t.Fatalf("publishing queued %+v, want one Create to %s", pending, alice.SharedInbox)
	}

	admin, tok := th.signIn(adminEmail)

	t.Run("the page lists followers, waiting ones first, and deliveries", func(t *testing.T) {
		r := th.get(admin, "/admin/federation")
		if r.StatusCode != 200 {
			t.Fatalf("status %d", r.StatusCode)
		}
		for _, want := range []string{
			"@alice@social.example", "@bob@other.example", "@carol@third.example", "@dave@social.example",
			"other.example", "Waiting for approval", "4 accounts, of which 2 are waiting for approval",
			"Approve<span class=\"visually-hidden\"> @bob@other.example</span>",
			"Refuse<span class=\"visually-hidden\"> @bob@other.example</span>",
			"Remove<span class=\"visually-hidden\"> @alice@social.example</span>",
			"Create", "https://social.example/inbox", `<a href="/guides/` + g.Slug + `">`, "Not tried yet", "Europe/London",
			// Followers came at 08:00 UTC, 9am in London (summer time):
			// times are shown in the hub's zone.
			"Thu 1 Oct 2026 9am",
		} {
			if !strings.Contains(r.body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if strings.Index(r.body, "@bob@other.example") > strings.Index(r.body, "@alice@social.example") {
			t.Error("followers waiting for approval are not listed first")
		}
		if n := strings.Count(r.body, `name="csrf"`); n < 3 {
			t.Errorf("only %d forms carry the CSRF token", n)
		}
	})

	t.Run("the organiser home mentions followers waiting", func(t *testing.T) {
		r := th.get(admin, "/admin")
		for _, want := range []string{"@hub@" + th.base.Host, "2 accounts follow it", "2 accounts are waiting for approval", `href="/admin/federation"`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("home lacks %q", want)
			}
		}
	})

	t.Run("an editor sees the page but cannot approve or refuse", func(t *testing.T) {
		ed, etok := th.signIn(editorEmail)
		r := th.get(ed, "/admin/federation")
		if r.StatusCode != 200 || !strings.Contains(r.body, "@bob@other.example") || !strings.Contains(r.body, "Only admins can approve or refuse followers.") {
			t.Fatalf("editor: status %d", r.StatusCode)
		}
		if strings.Contains(r.body, "/admin/federation/followers/approve") {
			t.Error("an editor is offered the Approve button")
		}
		if r := th.postForm(ed, "/admin/federation/followers/approve", url.Values{"csrf": {etok}, "actor": {bob.ActorID}}); r.StatusCode != http.StatusForbidden {
			t.Errorf("editor approve: %d, want 403", r.StatusCode)
		}
		if r := th.get(ed, "/admin/federation/followers/refuse?actor="+url.QueryEscape(bob.ActorID)); r.StatusCode != http.StatusForbidden {
			t.Errorf("editor refuse page: %d, want 403", r.StatusCode)
		}
		if r := th.postForm(ed, "/admin/federation/followers/refuse", url.Values{"csrf": {etok}, "actor": {bob.ActorID}}); r.StatusCode != http.StatusForbidden {
			t.Errorf("editor refuse: %d, want 403", r.StatusCode)
		}
		if _, p := th.isPending(bob.ActorID); !p {
			t.Error("an editor's request changed the follower")
		}
	})

	t.Run("approving without the CSRF token is refused", func(t *testing.T) {
		if r := th.postForm(admin, "/admin/federation/followers/approve", url.Values{"actor": {bob.ActorID}}); r.StatusCode != http.StatusForbidden {
			t.Errorf("no token: %d, want 403", r.StatusCode)
		}
		if r := th.postForm(admin, "/admin/federation/followers/refuse", url.Values{"csrf": {"forged"}, "actor": {bob.ActorID}}); r.StatusCode != http.StatusForbidden {
			t.Errorf("forged token: %d, want 403", r.StatusCode)
		}
		if ok, p := th.isPending(bob.ActorID); !ok || !p {
			t.Error("a request without the token changed the follower")
		}
	})

	t.Run("approve accepts the follower and queues an Accept", func(t *testing.T) {
		r := th.postForm(admin, "/admin/federation/followers/approve", url.Values{"csrf": {tok}, "actor": {bob.ActorID}})
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/admin/federation" {
			t.Fatalf("approve: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		if ok, p := th.isPending(bob.ActorID); !ok || p {
			t.Fatalf("after approval: exists %v, pending %v", ok, p)
		}
		if queued(th.deliveries("pending"), "Accept", bob.Inbox) == nil {
			t.Error("no Accept queued to the follower's inbox")
		}
		page := th.get(admin, "/admin/federation")
		for _, want := range []string{"@bob@other.example now follows the hub.", "<td>Accept</td>", bob.Inbox} {
			if !strings.Contains(page.body, want) {
				t.Errorf("after approval the page lacks %q", want)
			}
		}
	})

	t.Run("refuse asks first, then removes the follower and queues a Reject", func(t *testing.T) {
		r := th.get(admin, "/admin/federation/followers/refuse?actor="+url.QueryEscape(carol.ActorID))
		if r.StatusCode != 200 || !strings.Contains(r.body, "Refuse this follower?") || !strings.Contains(r.body, "@carol@third.example") || !strings.Contains(r.body, `name="csrf"`) {
			t.Fatalf("confirmation: %d", r.StatusCode)
		}
		if ok, _ := th.isPending(carol.ActorID); !ok {
			t.Fatal("opening the confirmation removed the follower")
		}
		r = th.postForm(admin, "/admin/federation/followers/refuse", url.Values{"csrf": {tok}, "actor": {carol.ActorID}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("refuse: %d", r.StatusCode)
		}
		if ok, _ := th.isPending(carol.ActorID); ok {
			t.Fatal("the refused follower is still stored")
		}
		if queued(th.deliveries("pending"), "Reject", carol.Inbox) == nil {
			t.Error("no Reject queued to the follower's inbox")
		}
		page := th.get(admin, "/admin/federation")
		if !strings.Contains(page.body, "You refused @carol@third.example.") {
			t.Error("no flash message after refusing")
		}
		if strings.Contains(page.body, "<th scope=\"row\"><a href=\"https://third.example/@carol\"") {
			t.Error("the refused follower is still listed")
		}
		// An accepted follower can be removed the same way.
		r = th.get(admin, "/admin/federation/followers/refuse?actor="+url.QueryEscape(dave.ActorID))
		if !strings.Contains(r.body, "Remove this follower?") {
			t.Error("removing an accepted follower is not worded as removing")
		}
		if r := th.postForm(admin, "/admin/federation/followers/refuse", url.Values{"csrf": {tok}, "actor": {dave.ActorID}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("remove: %d", r.StatusCode)
		}
		if ok, _ := th.isPending(dave.ActorID); ok {
			t.Error("the removed follower is still stored")
		}
		// Acting on someone who does not follow the hub is a 404, not a 500.
		if r := th.postForm(admin, "/admin/federation/followers/approve", url.Values{"csrf": {tok}, "actor": {carol.ActorID}}); r.StatusCode != http.StatusNotFound {
			t.Errorf("approve a refused follower: %d, want 404", r.StatusCode)
		}
		if r := th.postForm(admin, "/admin/federation/followers/refuse", url.Values{"csrf": {tok}, "actor": {"https://nowhere.example/users/nobody"}}); r.StatusCode != http.StatusNotFound {
			t.Errorf("refuse a stranger: %d, want 404", r.StatusCode)
		}
		if r := th.get(admin, "/admin/federation/followers/refuse?actor=nobody"); r.StatusCode != http.StatusNotFound {
			t.Errorf("refuse page for a stranger: %d, want 404", r.StatusCode)
		}
	})
}

func TestFederationRetryDelivery(t *testing.T) {
	th := newFederatedHub(t)
	alice := th.follower("alice", "social.example", false)
	erin := th.follower("erin", "good.example", false)
	if err := th.svc.CreateGuide(th.host(), &hub.Guide{Title: "Running a drop-in", Body: "Book the room."}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	store := th.db.Federation()
	jobs, err := store.ClaimDeliveries(ctx, now, time.Minute, 10)
	if err != nil || len(jobs) != 2 {
		t.Fatalf("claimed %d deliveries (%v), want 2", len(jobs), err)
	}
	var failedID int64
	for _, j := range jobs {
		ok := j.Inbox == erin.SharedInbox
		status, msg := 202, ""
		if !ok {
			status, msg, failedID = 404, "gone", j.DeliveryID
		}
		if err := store.FinishDelivery(ctx, j.DeliveryID, ok, status, msg, nil, now); err != nil {
			t.Fatal(err)
		}
	}
	if len(th.deliveries("failed")) != 1 {
		t.Fatal("no failed delivery to retry")
	}

	ed := th.client() // editors may retry deliveries
	tok := th.login(ed, editorEmail)
	r := th.get(ed, "/admin/federation")
	for _, want := range []string{
		"Try again", "gone", alice.SharedInbox, fmt.Sprintf("/admin/federation/deliveries/%d/retry", failedID),
		"1 server is not accepting deliveries right now.", "Failing: the only attempt so far failed", "Working",
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// The failing server comes first and is flagged in words in its row.
	if i, j := strings.Index(r.body, "<th scope=\"row\">social.example</th>"), strings.Index(r.body, "<th scope=\"row\">good.example</th>"); i < 0 || j < 0 || i > j {
		t.Errorf("peers out of order or missing (social.example at %d, good.example at %d)", i, j)
	}

	retry := fmt.Sprintf("/admin/federation/deliveries/%d/retry", failedID)
	if r := th.postForm(ed, retry, url.Values{}); r.StatusCode != http.StatusForbidden {
		t.Errorf("retry without the CSRF token: %d, want 403", r.StatusCode)
	}
	r = th.postForm(ed, retry, url.Values{"csrf": {tok}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("retry: %d", r.StatusCode)
	}
	if len(th.deliveries("failed")) != 0 {
		t.Error("the delivery is still failed")
	}
	d := queued(th.deliveries("pending"), "Create", alice.SharedInbox)
	if d == nil || d.ID != failedID || d.Attempts != 0 {
		t.Fatalf("after retry the delivery is not pending again: %+v", d)
	}
	page := th.get(ed, "/admin/federation")
	if !strings.Contains(page.body, "back in the queue") || !strings.Contains(page.body, "No delivery has failed.") {
		t.Error("after retry: no flash message, or the delivery is still listed as failed")
	}
	if r := th.postForm(ed, retry, url.Values{"csrf": {tok}}); r.StatusCode != http.StatusNotFound {
		t.Errorf("retrying a delivery that is not failed: %d, want 404", r.StatusCode)
	}
	if r := th.postForm(ed, "/admin/federation/deliveries/abc/retry", url.Values{"csrf": {tok}}); r.StatusCode != http.StatusNotFound {
		t.Errorf("retrying a malformed id: %d, want 404", r.StatusCode)
	}
}

func TestItemPagesNegotiate(t *testing.T) {
	th := newFederatedHub(t)
	e, g, cs := th.seed()
	// An unsigned request does not say which server asks, so it gets the
	// form every server reads acceptably: a Note with everything in its
	// content (federation/readers.go; a signed GET from a hub gets the
	// Event or Article, federation's TestFetchByIDFollowsTheAsker).
	tests := []struct{ path, asType string }{
		{"/events/" + e.Slug, "Note"},
		{"/guides/" + g.Slug, "Note"},
		{"/case-studies/" + cs.Slug, "Note"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			for _, accept := range []string{"application/activity+json", `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`} {
				req, _ := http.NewRequest("GET", th.srv.URL+tt.path, nil)
				req.Header.Set("Accept", accept)
				r := th.do(th.client(), req)
				if r.StatusCode != 200 || !strings.Contains(r.Header.Get("Content-Type"), "json") {
					t.Fatalf("Accept %s: %d %s", accept, r.StatusCode, r.Header.Get("Content-Type"))
				}
				var obj map[string]any
				if err := json.Unmarshal([]byte(r.body), &obj); err != nil {
					t.Fatalf("Accept %s: not JSON: %v", accept, err)
				}
				if obj["type"] != tt.asType || obj["id"] != th.srv.URL+tt.path {
					t.Errorf("Accept %s: type %v id %v, want %s %s", accept, obj["type"], obj["id"], tt.asType, th.srv.URL+tt.path)
				}
				if !strings.Contains(r.Header.Get("Vary"), "Accept") {
					t.Errorf("Accept %s: Vary = %q", accept, r.Header.Get("Vary"))
				}
				if len(r.Header.Values("Set-Cookie")) > 0 {
					t.Error("the object set a cookie")
				}
			}
			r := th.get(th.client(), tt.path)
			if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") || !strings.Contains(r.body, "<!doctype html>") {
				t.Fatalf("browser: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
			}
			if !strings.Contains(r.Header.Get("Vary"), "Accept") {
				t.Errorf("HTML page: Vary = %q, want Accept (caches must not mix the two)", r.Header.Get("Vary"))
			}
			if len(r.Header.Values("Set-Cookie")) > 0 {
				t.Error("the page set a cookie")
			}
		})
	}
	req, _ := http.NewRequest("GET", th.srv.URL+"/events/no-such-event", nil)
	req.Header.Set("Accept", "application/activity+json")
	if r := th.do(th.client(), req); r.StatusCode != 404 {
		t.Errorf("missing item as ActivityStreams: %d, want 404", r.StatusCode)
	}
}

// TestFederationFormsNever500 sends hostile values to the fediverse forms
// and the settings: each answer must be a 2xx, 3xx or 4xx.
func TestFederationFormsNever500(t *testing.T) {
	th := newFederatedHub(t)
	th.follower("alice", "social.example", true)
	c, tok := th.signIn(adminEmail)
	forms := map[string][]string{
		"/admin/settings":                        {"name", "timezone", "language", "accent_colour", "handle", "discoverable", "indexable", "manually_approves_followers"},
		"/admin/federation/followers/approve":    {"actor"},
		"/admin/federation/followers/refuse":     {"actor"},
		"/admin/federation/deliveries/1/retry":   {"id"},
		"/admin/federation/deliveries/-1/retry":  {"id"},
		"/admin/federation/deliveries/1e9/retry": {"id"},
	}
	for path, fields := range forms {
		for _, v := range hostileValues {
			form := url.Values{"csrf": {tok}}
			for _, f := range fields {
				form.Set(f, v)
			}
			if r := th.postForm(c, path, form); r.StatusCode >= 500 {
				t.Errorf("POST %s with %.20q: status %d", path, v, r.StatusCode)
			}
		}
	}
	for _, v := range hostileValues[:len(hostileValues)-1] { // not the 300 kB one in a URL
		if r := th.get(c, "/admin/federation/followers/refuse?actor="+url.QueryEscape(v)); r.StatusCode >= 500 {
			t.Errorf("GET refuse with %.20q: status %d", v, r.StatusCode)
		}
	}
	a := th.apiClient(adminEmail)
	for _, b := range []string{`{"handle":null}`, `{"handle":["x"]}`, `{"discoverable":"yes"}`, `{"indexable":1}`,
		`{"name":"x","time_zone":"UTC","language":"en","accent_colour":"#000000","handle":"` + strings.Repeat("a", 5000) + `"}`} {
		if st, _ := a.call("PUT", "/settings", b); st < 400 || st >= 500 {
			t.Errorf("PUT /settings %.40s: status %d, want a 4xx", b, st)
		}
	}
	if ok, pending := th.isPending("https://social.example/users/alice"); !ok || !pending {
		t.Error("hostile requests changed the follower")
	}
}
