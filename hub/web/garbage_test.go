package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// hostileValues are what a careless or malicious client might send in any
// field.
var hostileValues = []string{
	"", " ", "\x00", "<script>alert(1)</script>", strings.Repeat("x", 300_000), "-1", "99999999999999999999",
	"2026-02-30", "25:61", "NaN", "1e309", "../../etc/passwd", "FREQ=SECONDLY;INTERVAL=0", "\xff\xfe", "new", "0",
}

// TestNoFormAnswers500 posts hostile values in every field of every
// organiser form: each answer must be a page with a 2xx, 3xx or 4xx status.
func TestNoFormAnswers500(t *testing.T) {
	th := newTestHub(t)
	e, g, cs := th.seed()
	c, tok := th.signIn(adminEmail)
	forms := map[string][]string{
		"/admin/events/new": {"title", "description", "start_date", "start_time", "end_date", "end_time", "all_day", "timezone", "repeat", "repeat_interval",
			"repeat_days", "repeat_month_week", "repeat_end", "repeat_until", "repeat_count", "rrule", "exceptions", "place_id", "place_name",
			"place_latitude", "place_longitude", "online_url", "tags", "organiser", "accessibility", "booking_url"},
		fmt.Sprintf("/admin/events/%d/edit", e.ID):        {"title", "start_date", "end_date", "repeat", "place_id"},
		"/admin/guides/new":                               {"title", "summary", "body", "tags"},
		fmt.Sprintf("/admin/guides/%d/edit", g.ID):        {"title", "body", "note"},
		"/admin/case-studies/new":                         {"title", "problem", "place_id", "tags", "contact"},
		fmt.Sprintf("/admin/case-studies/%d/edit", cs.ID): {"title", "problem", "place_id"},
		"/admin/places/new":                               {"name", "latitude", "longitude", "postal_code"},
		"/admin/topics/digital-skills/edit":               {"name", "description"},
		"/admin/topics":                                   {"name", "description"},
		"/admin/settings":                                 {"name", "timezone", "language", "accent_colour"},
		"/admin/organisers/new":                           {"email", "name", "role", "password"},
		"/admin/tokens":                                   {"name"},
		"/admin/account/password":                         {"password", "password_again"},
	}
	for path, fields := range forms {
		for _, v := range hostileValues {
			form := url.Values{"csrf": {tok}, "action": {"save"}}
			for _, f := range fields {
				form.Set(f, v)
			}
			r := th.postForm(c, path, form)
			if r.StatusCode >= 500 {
				t.Errorf("POST %s with %.20q: status %d", path, v, r.StatusCode)
			}
		}
	}
	for _, p := range []string{"/events?from=%00&to=9999-99-99", "/events?tag=%ff", "/events/%2e%2e", "/guides?page=1e9", "/admin/events/-1/edit", "/admin/guides/1/revisions/-5"} {
		if r := th.get(c, p); r.StatusCode >= 500 {
			t.Errorf("GET %s: %d", p, r.StatusCode)
		}
	}
}

// TestNoAPIAnswers500 sends hostile JSON to every writable API endpoint.
func TestNoAPIAnswers500(t *testing.T) {
	th := newTestHub(t)
	e, g, cs := th.seed()
	a := th.apiClient(adminEmail)
	endpoints := []struct{ method, path string }{
		{"POST", "/events"}, {"PUT", fmt.Sprintf("/events/%d", e.ID)}, {"POST", "/guides"}, {"PUT", fmt.Sprintf("/guides/%d", g.ID)},
		{"POST", "/case-studies"}, {"PUT", fmt.Sprintf("/case-studies/%d", cs.ID)}, {"POST", "/places"}, {"PUT", fmt.Sprintf("/places/%d", e.PlaceID)},
		{"PUT", "/topics/digital-skills"}, {"POST", "/topics"}, {"POST", "/tags"}, {"PUT", "/settings"}, {"POST", "/organisers"}, {"POST", "/tokens"}, {"PUT", "/settings/logo"},
	}
	bodies := []string{`null`, `[]`, `"x"`, `{}`, `{"title":null}`, `{"start":"2026-13-45T99:99","end":7}`, `{"latitude":"north"}`,
		`{"recurrence":"FREQ=YEARLY;COUNT=999999999"}`, `{"place_id":-5}`, `{"tags":[null, 1]}`, `{"title":"` + strings.Repeat("é", 5000) + `"}`,
		`{"time_zone":"../../../etc/localtime","start":"2026-10-01T10:00","end":"2026-10-01T11:00","title":"x"}`}
	for _, ep := range endpoints {
		for _, b := range bodies {
			st, _ := a.call(ep.method, ep.path, b)
			if st >= 500 || st < 400 && b != `{}` {
				// {} can be valid for some endpoints only if it has required fields; none here do.
				t.Errorf("%s %s %.40s: status %d", ep.method, ep.path, b, st)
			}
		}
	}
	for _, q := range []string{"/events?limit=-1", "/events?from=soon", "/occurrences?to=2026-99-01", "/events?place_id=abc", "/guides/abc", "/guides/1/revisions/zero"} {
		if st, _ := a.call("GET", q, nil); st < 400 || st >= 500 {
			t.Errorf("GET %s: %d, want a 4xx", q, st)
		}
	}
	if st, _ := a.call("GET", "/events/1", nil); st != http.StatusOK {
		t.Errorf("the hub broke: %d", st)
	}
}
