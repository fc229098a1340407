package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/commonplace-hub/commonplace/hub/calendar"
	"github.com/commonplace-hub/commonplace/hub/calendar/calendartest"
	"github.com/commonplace-hub/commonplace/hub/web"
)

// partnerFeed is a partner's calendar server on 127.0.0.1 whose feed a
// test changes.
type partnerFeed struct {
	*httptest.Server
	mu   sync.Mutex
	body string
}

func newPartnerFeed(t *testing.T, body string) *partnerFeed {
	pf := &partnerFeed{body: body}
	pf.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pf.mu.Lock()
		defer pf.mu.Unlock()
		w.Header().Set("Content-Type", "text/calendar")
		io.WriteString(w, pf.body)
	}))
	t.Cleanup(pf.Close)
	return pf
}

func (pf *partnerFeed) set(body string) {
	pf.mu.Lock()
	defer pf.mu.Unlock()
	pf.body = body
}

// withCalendars rebuilds the hub's handler with calendar subscriptions
// whose feeds are fetched with client.
func (th *testHub) withCalendars(client *http.Client) {
	th.t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	cals := calendar.NewService(th.db.Calendars(), th.svc, client, logger)
	h, err := web.New(web.Config{Service: th.svc, Calendars: cals, BaseURL: th.base, Logger: logger})
	if err != nil {
		th.t.Fatal(err)
	}
	th.srv.Config.Handler = h
}

func feed(events ...string) string {
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-CALNAME:Partner events\r\n" + strings.Join(events, "\r\n") + "\r\nEND:VCALENDAR\r\n"
}

var broken = calendartest.VEvent("broken@partner", "Jumble sale", "DTSTART:tomorrow")

// TestCalendarPages is an organiser subscribing to a partner's feed from
// the organiser pages; the feed then changes between two refreshes, and
// readers see the changes on the public pages.
func TestCalendarPages(t *testing.T) {
	th := newTestHub(t)
	pf := newPartnerFeed(t, feed(calendartest.Quiz, calendartest.Lunch, calendartest.Litter, broken))
	th.withCalendars(pf.Client())
	c, tok := th.signIn(editorEmail)
	reader := th.client()

	if r := th.get(c, "/admin/calendars"); r.StatusCode != 200 || !strings.Contains(r.body, "Add a calendar feed") || !strings.Contains(r.body, `href="/admin/calendars"`) {
		t.Fatalf("list page: %d", r.StatusCode)
	}
	t.Run("invalid address: 422, message beside the field, input kept", func(t *testing.T) {
		r := th.postForm(c, "/admin/calendars", url.Values{"csrf": {tok}, "url": {"calendar.example.org/events"}, "tags": {"food"}})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, "starting with https:// or webcal://") ||
			!strings.Contains(r.body, `value="calendar.example.org/events"`) || !strings.Contains(r.body, `value="food"`) {
			t.Errorf("status %d", r.StatusCode)
		}
	})
	t.Run("no CSRF token", func(t *testing.T) {
		if r := th.postForm(c, "/admin/calendars", url.Values{"url": {pf.URL}}); r.StatusCode != http.StatusForbidden {
			t.Errorf("status %d", r.StatusCode)
		}
	})

	r := th.postForm(c, "/admin/calendars", url.Values{"csrf": {tok}, "url": {pf.URL + "/events.ics"}, "tags": {"Partners"}, "organiser": {"Hulme Tenants"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: %d %s", r.StatusCode, r.body)
	}
	page := th.get(c, "/admin/calendars")
	for _, want := range []string{"Subscribed to “Partner events”: 3 imported, 0 updated, 0 removed, 0 unchanged, 1 skipped.",
		`line 23: &#34;Jumble sale&#34;: DTSTART &#34;tomorrow&#34; is not a date or a date-time.`, "Hulme Tenants", "Refresh now"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("list page lacks %q", want)
		}
	}
	if r := th.get(reader, "/events"); !strings.Contains(r.body, "Quiz night") || !strings.Contains(r.body, "Litter pick") || !strings.Contains(r.body, "Tuesday 13 October 2026") {
		t.Error("imported events are not on the public calendar")
	}
	if r := th.get(reader, "/events/quiz-night"); !strings.Contains(r.body, "Saturday 10 October 2026, 7pm to 9pm") || !strings.Contains(r.body, "Hulme Tenants") {
		t.Errorf("quiz page: %d", r.StatusCode)
	}
	quiz, err := th.svc.EventBySlug(th.host(), "quiz-night")
	if err != nil {
		t.Fatal(err)
	}
	if r := th.get(c, "/admin/events/"+strconv.FormatInt(quiz.ID, 10)+"/edit"); !strings.Contains(r.body, "comes from a partner") {
		t.Error("the edit form does not say the event is imported")
	}

	// The partner moves the quiz, cancels a lunch and drops the litter pick.
	pf.set(feed(calendartest.QuizMoved, calendartest.Lunch, calendartest.LunchOff))
	r = th.postForm(c, "/admin/calendars/1/refresh", url.Values{"csrf": {tok}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("refresh: %d", r.StatusCode)
	}
	if page := th.get(c, "/admin/calendars"); !strings.Contains(page.body, "Refreshed “Partner events”: 0 imported, 2 updated, 1 removed, 0 unchanged, 0 skipped.") {
		t.Error("no report after refreshing")
	}
	// The report's line is in the reader's language (the real catalogs).
	if page := th.get(c, "/admin/calendars?lang=fr"); !strings.Contains(page.body, "importés : 0, mis à jour : 2, retirés : 1, inchangés : 0, ignorés : 0.") {
		t.Error("the report line is not in French on a French page")
	}
	if page := th.get(c, "/admin/calendars"); !strings.Contains(page.body, "Shown as cancelled: 1") {
		t.Error("the report does not count the cancelled lunch")
	}
	// The removed event is gone; the cancelled lunch is listed, marked.
	if r := th.get(reader, "/events"); strings.Contains(r.body, "Litter pick") || !strings.Contains(r.body, "Tuesday 13 October 2026") ||
		!strings.Contains(r.body, `/events/lunch-club?date=2026-10-13">Lunch club</a></h4><p class="status status-cancelled"><strong>Cancelled</strong></p>`) {
		t.Error("the removed event is still listed, or the cancelled lunch is not listed as cancelled")
	}
	if r := th.get(reader, "/events/quiz-night"); !strings.Contains(r.body, "Sunday 11 October 2026, 7pm to 9pm") {
		t.Error("the quiz page does not show the new date")
	}
	if r := th.get(reader, "/events/lunch-club?date=2026-10-13"); r.StatusCode != http.StatusOK || !strings.Contains(r.body, `<strong>Cancelled</strong>`) ||
		!strings.Contains(r.body, `"eventStatus":"https://schema.org/EventCancelled"`) {
		t.Errorf("cancelled occurrence page: %d, says cancelled %v", r.StatusCode, strings.Contains(r.body, "Cancelled"))
	}

	// A garbage answer: the page shows the error, the events stay.
	pf.set("<html><body>Please sign in</body></html>")
	th.postForm(c, "/admin/calendars/1/refresh", url.Values{"csrf": {tok}})
	if page := th.get(c, "/admin/calendars"); !strings.Contains(page.body, "/events.ics gave a web page, not a calendar.") {
		t.Error("the refresh error is not shown")
	}
	if r := th.get(reader, "/events/quiz-night"); r.StatusCode != 200 {
		t.Error("a failed refresh lost an event")
	}

	// Removing the feed asks first, then deletes its upcoming events.
	if r := th.get(c, "/admin/calendars/1/delete"); !strings.Contains(r.body, "upcoming events it imported are deleted") {
		t.Errorf("confirmation page: %d", r.StatusCode)
	}
	if r := th.postForm(c, "/admin/calendars/1/delete", url.Values{"csrf": {tok}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.StatusCode)
	}
	if r := th.get(reader, "/events/quiz-night"); r.StatusCode != http.StatusNotFound {
		t.Errorf("after unsubscribing, quiz page: %d", r.StatusCode)
	}

	// A feed whose first fetch fails is still added, with the error shown.
	r = th.postForm(c, "/admin/calendars", url.Values{"csrf": {tok}, "url": {"http://127.0.0.1:1/closed.ics"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("add an unreachable feed: %d", r.StatusCode)
	}
	page = th.get(c, "/admin/calendars")
	for _, want := range []string{"Calendar added, but the first refresh failed: Could not reach the calendar at 127.0.0.1:1: the connection was refused.",
		"not imported yet.", "Never fetched successfully."} {
		if !strings.Contains(page.body, want) {
			t.Errorf("list page lacks %q", want)
		}
	}
}

func TestCalendarAPI(t *testing.T) {
	th := newTestHub(t)
	pf := newPartnerFeed(t, feed(calendartest.Quiz, calendartest.Lunch))
	th.withCalendars(pf.Client())
	a := th.apiClient(editorEmail)

	status, body := a.call("POST", "/calendars", map[string]any{"url": "ftp://nowhere"})
	if status != 422 || errFields(body)["url"] == nil {
		t.Errorf("invalid URL: %d %v", status, body)
	}
	if status, body := a.call("POST", "/calendars", `{"url": "`+pf.URL+`", "colour": "red"}`); status != 400 {
		t.Errorf("unknown field: %d %v", status, body)
	}
	status, body = a.call("POST", "/calendars", map[string]any{"url": pf.URL + "/cal.ics", "tags": []string{"Partners"}, "organiser": "Hulme Tenants"})
	if status != 201 {
		t.Fatalf("create: %d %v", status, body)
	}
	rep, _ := body["last_report"].(map[string]any)
	if body["name"] != "Partner events" || rep["created"] != float64(2) || body["last_success_at"] == nil {
		t.Errorf("created: %v", body)
	}
	id := strconv.FormatInt(int64(body["id"].(float64)), 10)
	if status, body := a.call("GET", "/calendars", nil); status != 200 || body["total"] != float64(1) {
		t.Errorf("list: %d %v", status, body)
	}
	pf.set(feed(calendartest.QuizMoved))
	status, body = a.call("POST", "/calendars/"+id+"/refresh", nil)
	rep, _ = body["last_report"].(map[string]any)
	if status != 200 || rep["updated"] != float64(1) || rep["removed"] != float64(1) {
		t.Errorf("refresh: %d %v", status, body)
	}
	pf.set("not a calendar")
	if status, body := a.call("POST", "/calendars/"+id+"/refresh", nil); status != 422 || !strings.Contains(body["error"].(map[string]any)["message"].(string), "not a calendar") {
		t.Errorf("garbage refresh: %d %v", status, body)
	}
	if status, body := a.call("GET", "/calendars/"+id, nil); status != 200 || !strings.Contains(body["last_error"].(string), "not a calendar") {
		t.Errorf("get after a failure: %d %v", status, body)
	}
	if status, _ := a.call("DELETE", "/calendars/"+id, nil); status != 204 {
		t.Errorf("delete: %d", status)
	}
	if status, _ := a.call("GET", "/calendars/"+id, nil); status != 404 {
		t.Errorf("after delete: %d", status)
	}
	if status, _ := (&apiClient{th, ""}).call("GET", "/calendars", nil); status != 401 {
		t.Errorf("without a token: %d", status)
	}
}
