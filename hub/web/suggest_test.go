package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/web"
)

// suggestHub is a test hub behind a trusted proxy on 127.0.0.1 (so tests
// choose the client's address with X-Forwarded-For) with a clock the test
// moves.
func suggestHub(t *testing.T, federate bool) (*testHub, *atomic.Int64) {
	t.Helper()
	proxies, _ := web.ParseProxies("127.0.0.1")
	th := startTestHub(t, federate, func(c *web.Config) { c.TrustedProxies = proxies })
	clock := &atomic.Int64{}
	clock.Store(now.Unix())
	th.svc.Now = func() time.Time { return time.Unix(clock.Load(), 0).UTC() }
	return th, clock
}

var tokenRe = regexp.MustCompile(`name="token" value="([^"]+)"`)

// suggestToken fetches the form and returns its token.
func (th *testHub) suggestToken() string {
	th.t.Helper()
	r := th.get(th.client(), "/events/suggest")
	m := tokenRe.FindStringSubmatch(r.body)
	if r.StatusCode != 200 || m == nil {
		th.t.Fatalf("suggestion form: status %d, token %v", r.StatusCode, m)
	}
	if len(r.Cookies()) > 0 {
		th.t.Errorf("the suggestion form sets cookies: %v", r.Cookies())
	}
	return m[1]
}

func suggestion(token, title string) url.Values {
	return url.Values{
		"token": {token}, "title": {title}, "description": {"Bring a mug. See https://example.org/cafe"},
		"start_date": {"2026-11-07"}, "start_time": {"10:00"}, "end_date": {"2026-11-07"}, "end_time": {"12:00"},
		"place": {"Hulme Library, Stretford Road"}, "name": {"Sam Suggester"}, "email": {"sam@example.net"}, "website": {""},
	}
}

// suggest sends a good suggestion titled title from client, as a reader
// who took three seconds over the form; the test stops unless it is
// taken.
func (th *testHub) suggest(clock *atomic.Int64, client, title string) {
	th.t.Helper()
	tok := th.suggestToken()
	clock.Add(3)
	if r := th.postSuggestion(client, suggestion(tok, title), ""); r.StatusCode != 200 {
		th.t.Fatalf("suggest: %d", r.StatusCode)
	}
}

// postSuggestion sends form as a browser at client (an address) would.
func (th *testHub) postSuggestion(client string, form url.Values, lang string) response {
	th.t.Helper()
	req, _ := http.NewRequest("POST", th.srv.URL+"/events/suggest", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", client)
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	return th.do(th.client(), req)
}

// The spam defences, each alone against an otherwise good suggestion: the
// form comes back with what was typed and the reason, and nothing is kept.
func TestSuggestionSpamDefences(t *testing.T) {
	th, clock := suggestHub(t, false)
	used := th.suggestToken()
	clock.Add(5)
	if r := th.postSuggestion("192.0.2.1", suggestion(used, "Repair café"), ""); r.StatusCode != 200 || !strings.Contains(r.body, "an organiser will look at your suggestion") {
		t.Fatalf("a good suggestion: status %d: %s", r.StatusCode, r.body)
	}
	forged := []byte(th.suggestToken())
	forged[len(forged)-2] ^= 1
	links := suggestion("", "Links")
	links.Set("description", "https://a.example www.b.example http://c.example https://d.example")
	cases := []struct {
		name   string
		form   func() url.Values
		wait   int64
		client string
		status int
		says   string
	}{
		{"too fast", func() url.Values { return suggestion(th.suggestToken(), "Too fast") }, 1, "192.0.2.10", 422, "too quickly"},
		{"replayed token", func() url.Values { return suggestion(used, "Replayed") }, 5, "192.0.2.11", 422, "already sent"},
		{"forged token", func() url.Values { return suggestion(string(forged), "Forged") }, 5, "192.0.2.12", 422, "could not be checked"},
		{"no token", func() url.Values { return suggestion("", "No token") }, 5, "192.0.2.13", 422, "could not be checked"},
		{"expired token", func() url.Values { return suggestion(th.suggestToken(), "Expired") }, 25 * 3600, "192.0.2.14", 422, "could not be checked"},
		{"honeypot filled", func() url.Values {
			f := suggestion(th.suggestToken(), "Honeypot")
			f.Set("website", "https://spam.example")
			return f
		}, 5, "192.0.2.15", 422, "should stay empty"},
		{"four links", func() url.Values { links.Set("token", th.suggestToken()); return links }, 5, "192.0.2.16", 422, "at most 3 links"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := c.form()
			clock.Add(c.wait)
			r := th.postSuggestion(c.client, f, "")
			if r.StatusCode != c.status || !strings.Contains(r.body, c.says) {
				t.Fatalf("status %d, want %d saying %q: %s", r.StatusCode, c.status, c.says, r.body)
			}
			if !strings.Contains(r.body, `value="`+f.Get("title")+`"`) || !strings.Contains(r.body, `value="sam@example.net"`) {
				t.Error("what was typed is not kept")
			}
			if !tokenRe.MatchString(r.body) {
				t.Error("the refused form has no new token")
			}
		})
	}
	list, err := th.db.Stores().Queue.ListSuggestions(th.host(), "")
	if err != nil || len(list) != 1 || list[0].Title != "Repair café" {
		t.Fatalf("stored suggestions: %+v, %v; want only the good one", list, err)
	}
	if list[0].Client == "" || strings.Contains(list[0].Client, "192.0.2") {
		t.Errorf("the client is stored as %q, want a keyed hash", list[0].Client)
	}
}

// The hourly limit counts an IPv6 /64 as one client.
func TestSuggestionRateLimitByIPv6Prefix(t *testing.T) {
	th, clock := suggestHub(t, false)
	send := func(client string) int {
		tok := th.suggestToken()
		clock.Add(3)
		return th.postSuggestion(client, suggestion(tok, "Event from "+client), "").StatusCode
	}
	for i := range hub.SuggestPerHour {
		if st := send(fmt.Sprintf("2001:db8:5:6::%x", i+1)); st != 200 {
			t.Fatalf("suggestion %d from the /64: status %d", i+1, st)
		}
	}
	if st := send("2001:db8:5:6:ffff::1"); st != http.StatusTooManyRequests {
		t.Errorf("one more from the same /64: status %d, want 429", st)
	}
	if st := send("2001:db8:5:7::1"); st != 200 {
		t.Errorf("from the next /64: status %d, want 200", st)
	}
	clock.Add(3600)
	if st := send("2001:db8:5:6::99"); st != 200 {
		t.Errorf("an hour later from the first /64: status %d, want 200", st)
	}
}

// A refused form answers in the reader's language.
func TestSuggestionRefusedInTheReadersLanguage(t *testing.T) {
	th, _ := suggestHub(t, false)
	r := th.postSuggestion("192.0.2.20", suggestion(th.suggestToken(), "Trop vite"), "fr")
	if r.StatusCode != 422 || !strings.Contains(r.body, `lang="fr"`) || strings.Contains(r.body, "too quickly") {
		t.Fatalf("status %d; French page with the reason translated expected: %s", r.StatusCode, r.body)
	}
}

// Nothing suggested is public until an organiser approves it, through the
// ordinary event form; then it is an event like any other, and the
// suggester's email is gone.
func TestSuggestionApprovedThroughTheEventForm(t *testing.T) {
	th, clock := suggestHub(t, true)
	th.suggest(clock, "192.0.2.30", "Seed swap")
	for _, path := range []string{"/events", "/events/seed-swap", "/search?q=seed", "/feed.atom", "/calendar.ics"} {
		if r := th.get(th.client(), path); strings.Contains(r.body, "Seed swap") {
			t.Errorf("%s shows the suggestion before approval", path)
		}
	}
	if r := th.get(th.client(), "/events/seed-swap"); r.StatusCode != 404 {
		t.Errorf("the event page before approval: %d", r.StatusCode)
	}
	c, csrf := th.signIn(editorEmail)
	if r := th.get(c, "/admin"); !strings.Contains(r.body, "1 suggested event") {
		t.Errorf("the dashboard does not count the suggestion: %s", r.body)
	}
	q := th.get(c, "/admin/queue")
	if !strings.Contains(q.body, "Seed swap") || !strings.Contains(q.body, "mailto:sam@example.net") {
		t.Fatalf("the queue does not show the suggestion and its email: %s", q.body)
	}
	sgs, _ := th.svc.Suggestions(hubOrganiser(th, editorEmail), hub.SuggestionPending)
	id := fmt.Sprint(sgs[0].ID)
	form := th.get(c, "/admin/events/new?suggestion="+id)
	for _, want := range []string{`value="Seed swap"`, `value="2026-11-07"`, `value="10:00"`, `value="Hulme Library, Stretford Road"`, `name="suggestion" value="` + id + `"`} {
		if !strings.Contains(form.body, want) {
			t.Errorf("the prefilled event form lacks %s", want)
		}
	}
	v := url.Values{"csrf": {csrf}, "suggestion": {id}, "title": {"Seed swap (edited)"}, "description": {"Bring seeds."},
		"start_date": {"2026-11-07"}, "start_time": {"10:00"}, "end_date": {"2026-11-07"}, "end_time": {"12:00"},
		"timezone": {"Europe/London"}, "place_id": {"new"}, "place_name": {"Hulme Library"}, "repeat_end": {"never"}}
	if r := th.postForm(c, "/admin/events/new", v); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", r.StatusCode, r.body)
	}
	if r := th.get(th.client(), "/events/seed-swap-edited"); r.StatusCode != 200 {
		t.Errorf("the approved event's page: %d", r.StatusCode)
	}
	sg, _ := th.db.Stores().Queue.FindSuggestion(th.host(), sgs[0].ID)
	if sg.State != hub.SuggestionApproved || sg.Email != "" || sg.EventID == 0 || sg.DecidedBy != "Eddie Editor" || sg.DecidedAt == nil {
		t.Errorf("after approval: %+v", sg)
	}
	if r := th.postForm(c, "/admin/events/new", v); r.StatusCode != http.StatusConflict {
		t.Errorf("approving twice: %d", r.StatusCode)
	}
	// Published as any event is: a Create in the actor's outbox.
	if r := th.get(th.client(), "/actor/outbox?page=1"); !strings.Contains(r.body, `"type":"Create"`) || !strings.Contains(r.body, "/events/seed-swap-edited") {
		t.Errorf("the approved event is not in the outbox: %s", r.body)
	}
}

// hubOrganiser is a context acting as the organiser with email.
func hubOrganiser(th *testHub, email string) context.Context {
	o, err := th.svc.Organisers.FindOrganiserByEmail(th.host(), email)
	if err != nil {
		th.t.Fatal(err)
	}
	return hub.WithOrganiser(th.host(), o)
}

// Rejecting removes the email at once; the purge removes it from a
// suggestion left waiting 30 days.
func TestSuggestionEmailsAreDeleted(t *testing.T) {
	th, clock := suggestHub(t, false)
	for _, title := range []string{"Rejected one", "Forgotten one"} {
		th.suggest(clock, "192.0.2.40", title)
	}
	sgs, _ := th.svc.Suggestions(hubOrganiser(th, editorEmail), "")
	c, csrf := th.signIn(editorEmail)
	if r := th.postForm(c, fmt.Sprintf("/admin/queue/suggestions/%d/reject", sgs[0].ID), url.Values{"csrf": {csrf}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("reject: %d", r.StatusCode)
	}
	email := func(id int64) string {
		sg, err := th.db.Stores().Queue.FindSuggestion(th.host(), id)
		if err != nil {
			t.Fatal(err)
		}
		return sg.Email
	}
	if e := email(sgs[0].ID); e != "" {
		t.Errorf("a rejected suggestion keeps its email %q", e)
	}
	clock.Add(29 * 24 * 3600)
	if n, err := th.svc.PurgeQueue(th.host()); err != nil || n != 0 || email(sgs[1].ID) == "" {
		t.Errorf("after 29 days the purge removed %d (%v)", n, err)
	}
	clock.Add(2 * 24 * 3600)
	if n, err := th.svc.PurgeQueue(th.host()); err != nil || n != 1 || email(sgs[1].ID) != "" {
		t.Errorf("after 31 days the purge removed %d (%v), email %q", n, err, email(sgs[1].ID))
	}
	c = th.client() // the session has ended meanwhile
	th.login(c, editorEmail)
	if r := th.get(c, "/admin/queue"); strings.Contains(r.body, "sam@example.net") || !strings.Contains(r.body, "Forgotten one") {
		t.Error("the queue still shows the purged email, or lost the suggestion")
	}
}
