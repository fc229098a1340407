package web_test

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/commonplace-hub/commonplace/hub"
)

// TestEventStatusFromTheAdminPage: an organiser cancels one date of a
// weekly series with a reason; the date's page, the series page and the
// public list say so (the date still listed), schema.org says
// EventCancelled for that date only, and restoring it puts it back.
func TestEventStatusFromTheAdminPage(t *testing.T) {
	th := newTestHub(t)
	e, _, _ := th.seed()
	c, tok := th.signIn(editorEmail)
	path := fmt.Sprintf("/admin/events/%d/status", e.ID)

	if r := th.get(c, path); r.StatusCode != http.StatusOK || !strings.Contains(r.body, `value="2026-10-13"`) {
		t.Fatalf("status page: %d, the next dates offered: %v", r.StatusCode, strings.Contains(r.body, "2026-10-13"))
	}
	bad := []struct {
		name  string
		form  url.Values
		field string
	}{
		{"no date", url.Values{"status": {"cancelled"}, "scope": {"date"}}, "f-date-error"},
		{"a day without the event", url.Values{"status": {"cancelled"}, "scope": {"date"}, "date": {"2026-10-14"}}, "f-date-error"},
		{"a malformed date", url.Values{"status": {"cancelled"}, "scope": {"date"}, "date": {"13/10/2026"}}, "f-date-error"},
		{"an unknown status", url.Values{"status": {"gone"}, "scope": {"event"}}, "status-error"},
		{"moving one date without a new time", url.Values{"status": {"rescheduled"}, "scope": {"date"}, "date": {"2026-10-13"}}, "f-start-error"},
		{"moving one date to a bad time", url.Values{"status": {"rescheduled"}, "scope": {"date"}, "date": {"2026-10-13"}, "start": {"2026-10-15"}, "start_time": {"7pm"}}, "f-start-error"},
	}
	for _, b := range bad {
		b.form.Set("csrf", tok)
		b.form.Set("reason", "kept as typed")
		r := th.postForm(c, path, b.form)
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="`+b.field+`"`) || !strings.Contains(r.body, "kept as typed") {
			t.Errorf("%s: status %d, want 422 with %s and the reason kept", b.name, r.StatusCode, b.field)
		}
	}
	if got, _ := th.svc.Event(th.host(), e.ID); len(got.Statuses) != 0 {
		t.Fatalf("refused forms marked the event: %+v", got.Statuses)
	}

	r := th.postForm(c, path, url.Values{"csrf": {tok}, "status": {"cancelled"}, "scope": {"date"}, "date": {"2026-10-13"}, "reason": {"Room flooded"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != path {
		t.Fatalf("cancel a date: %d %s", r.StatusCode, r.body)
	}
	if r := th.get(c, path); !strings.Contains(r.body, "marked cancelled") || !strings.Contains(r.body, "Restore this date") {
		t.Errorf("after cancelling, the page shows no flash or restore button")
	}

	anon := th.client()
	page := th.get(anon, "/events/"+e.Slug+"?date=2026-10-13").body
	if !strings.Contains(page, `<strong>Cancelled</strong>: Room flooded`) {
		t.Errorf("the cancelled date's page does not say so")
	}
	if ld := eventLD(t, page); ld["eventStatus"] != "https://schema.org/EventCancelled" {
		t.Errorf("cancelled date: eventStatus %v", ld["eventStatus"])
	}
	other := th.get(anon, "/events/"+e.Slug+"?date=2026-10-20").body
	if strings.Contains(other, "Room flooded") || eventLD(t, other)["eventStatus"] != "https://schema.org/EventScheduled" {
		t.Errorf("another date of the series shows as cancelled")
	}
	if series := th.get(anon, "/events/"+e.Slug).body; !regexp.MustCompile(`\?date=2026-10-13"><time[^>]*>[^<]*</time></a> <strong class="status status-cancelled">Cancelled</strong>`).MatchString(series) {
		t.Errorf("the series page's next dates do not mark 13 October")
	}
	list := th.get(anon, "/events?from=2026-10-01&to=2026-10-31").body
	if !strings.Contains(list, "?date=2026-10-13") || !strings.Contains(list, "Room flooded") || strings.Count(list, "Room flooded") != 1 {
		t.Errorf("the list hides the cancelled date or marks others")
	}

	// Restore: the date is on again everywhere.
	r = th.postForm(c, path, url.Values{"csrf": {tok}, "action": {"restore"}, "scope": {"date"}, "date": {"2026-10-13"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("restore: %d", r.StatusCode)
	}
	if page := th.get(anon, "/events/"+e.Slug+"?date=2026-10-13").body; strings.Contains(page, "Cancelled") {
		t.Errorf("a restored date still shows as cancelled")
	}

	// Moving one date: it is listed at its new time, marked rescheduled,
	// and its old address finds it; schema.org has previousStartDate.
	r = th.postForm(c, path, url.Values{"csrf": {tok}, "status": {"rescheduled"}, "scope": {"date"}, "date": {"2026-10-20"},
		"start": {"2026-10-22"}, "start_time": {"18:00"}, "reason": {"Room booked on Tuesday"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("move a date: %d %s", r.StatusCode, r.body)
	}
	list = th.get(anon, "/events?from=2026-10-19&to=2026-10-25").body
	if !strings.Contains(list, `<time datetime="2026-10-22T18:00:00+01:00">6pm</time>`) || !strings.Contains(list, "<strong>Rescheduled</strong>: Room booked on Tuesday") {
		t.Errorf("the moved date is not listed at its new time, marked")
	}
	old := th.get(anon, "/events/"+e.Slug+"?date=2026-10-20")
	ld := eventLD(t, old.body)
	if old.StatusCode != http.StatusOK || ld["eventStatus"] != "https://schema.org/EventRescheduled" ||
		ld["previousStartDate"] != "2026-10-20T10:00:00+01:00" || ld["startDate"] != "2026-10-22T18:00:00+01:00" {
		t.Errorf("the old address: %d %v %v %v", old.StatusCode, ld["eventStatus"], ld["previousStartDate"], ld["startDate"])
	}
}

// TestEventStatusAPI: POST /api/v1/events/{id}/status marks and restores,
// answers the event with its statuses, and refuses bad input with a
// field and without changing anything; the occurrences say the status.
func TestEventStatusAPI(t *testing.T) {
	th := newTestHub(t)
	e, _, _ := th.seed()
	api := th.apiClient(editorEmail)
	path := fmt.Sprintf("/events/%d/status", e.ID)

	for _, b := range []struct {
		body  any
		code  int
		field string
	}{
		{map[string]any{"status": "closed"}, 422, "status"},
		{map[string]any{"reason": "no status"}, 422, "status"},
		{map[string]any{"status": "cancelled", "date": "2026-10-14"}, 422, "date"},
		{map[string]any{"status": "cancelled", "when": "now"}, 400, ""},
		{map[string]any{"status": "postponed", "reason": strings.Repeat("x", hub.MaxStatusReason+1)}, 422, "reason"},
	} {
		code, out := api.call("POST", path, b.body)
		if code != b.code || (b.field != "" && errFields(out)[b.field] == nil) {
			t.Errorf("%v: %d %v, want %d on %q", b.body, code, out, b.code, b.field)
		}
	}
	if code, _ := (&apiClient{th: th}).call("POST", path, map[string]any{"status": "cancelled"}); code != http.StatusUnauthorized {
		t.Errorf("without a token: %d", code)
	}
	if code, _ := api.call("POST", "/events/999/status", map[string]any{"status": "cancelled"}); code != http.StatusNotFound {
		t.Errorf("a missing event: %d", code)
	}

	code, out := api.call("POST", path, map[string]any{"status": "postponed", "reason": "Waiting for a room"})
	if code != http.StatusOK {
		t.Fatalf("postpone: %d %v", code, out)
	}
	marks, _ := out["statuses"].([]any)
	if len(marks) != 1 {
		t.Fatalf("statuses %v", out["statuses"])
	}
	m := marks[0].(map[string]any)
	if m["date"] != "" || m["status"] != "postponed" || m["reason"] != "Waiting for a room" || m["previous_start"] != "2026-10-06T10:00:00+01:00" {
		t.Errorf("mark %v", m)
	}
	_, occ := api.call("GET", "/occurrences?from=2026-10-01&to=2026-10-10", nil)
	items, _ := occ["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["status"] != "postponed" || items[0].(map[string]any)["status_reason"] != "Waiting for a room" {
		t.Errorf("occurrences %v", occ)
	}
	// An event shown by the API can be sent back as it is: statuses are
	// read-only and ignored.
	_, shown := api.call("GET", fmt.Sprintf("/events/%d", e.ID), nil)
	if code, out := api.call("PUT", fmt.Sprintf("/events/%d", e.ID), shown); code != http.StatusOK {
		t.Errorf("sending the event back: %d %v", code, out)
	}
	code, out = api.call("POST", path, map[string]any{"status": "scheduled"})
	if code != http.StatusOK || out["statuses"] != nil {
		t.Errorf("restore: %d %v", code, out["statuses"])
	}
	// Moving one date, and what is refused.
	for _, b := range []map[string]any{
		{"status": "cancelled", "date": "2026-10-13", "moved_to": "2026-10-15T18:00"},
		{"status": "rescheduled", "date": "2026-10-13", "moved_to": "next week"},
	} {
		if code, out := api.call("POST", path, b); code != 422 {
			t.Errorf("%v: %d %v", b, code, out)
		}
	}
	code, out = api.call("POST", path, map[string]any{"status": "rescheduled", "date": "2026-10-13", "moved_to": "2026-10-15T18:00"})
	marks, _ = out["statuses"].([]any)
	if code != http.StatusOK || len(marks) != 1 || marks[0].(map[string]any)["moved_to"] != "2026-10-15T18:00:00+01:00" {
		t.Fatalf("move: %d %v", code, out["statuses"])
	}
	_, occ = api.call("GET", "/occurrences?from=2026-10-12&to=2026-10-18", nil)
	items, _ = occ["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["start"] != "2026-10-15T18:00:00+01:00" || items[0].(map[string]any)["previous_start"] != "2026-10-13T10:00:00+01:00" {
		t.Errorf("occurrences after the move: %v", occ)
	}
}

func eventLD(t *testing.T, page string) map[string]any {
	t.Helper()
	m := jsonLDRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no JSON-LD")
	}
	var ld map[string]any
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &ld); err != nil {
		t.Fatal(err)
	}
	return ld
}

// TestAtomEntrySaysCancelled: the Atom entry of an event whose next date
// is cancelled starts its summary and content with "Cancelled: reason".
func TestAtomEntrySaysCancelled(t *testing.T) {
	th := newTestHub(t)
	e, _, _ := th.seed()
	if err := th.svc.SetEventStatus(th.host(), e.ID, "2026-10-06", hub.StatusCancelled, "Room flooded"); err != nil {
		t.Fatal(err)
	}
	a := parseAtom(t, th.get(th.client(), "/feed.atom").body)
	for _, entry := range a.Entries {
		if entry.Title != e.Title {
			continue
		}
		if !strings.HasPrefix(entry.Summary, "Cancelled: Room flooded. Tuesday 6 October 2026") ||
			!strings.HasPrefix(entry.Content.Body, "<p><strong>Cancelled: Room flooded</strong></p>") {
			t.Errorf("summary %q, content %q", entry.Summary, entry.Content.Body)
		}
		return
	}
	t.Errorf("no entry for %q", e.Title)
}
