package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/web"
)

func TestLogin(t *testing.T) {
	th := newTestHub(t)
	t.Run("wrong password", func(t *testing.T) {
		r := th.postForm(th.client(), "/admin/login", url.Values{"email": {adminEmail}, "password": {"wrong wrong wrong"}})
		if r.StatusCode != http.StatusUnauthorized || !strings.Contains(r.body, "Could not log you in") {
			t.Fatalf("status %d", r.StatusCode)
		}
		if !strings.Contains(r.body, `value="`+adminEmail+`"`) {
			t.Error("the email typed was not kept")
		}
	})
	t.Run("admin pages need a login", func(t *testing.T) {
		r := th.get(th.client(), "/admin/events/new")
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/admin/login?next=%2Fadmin%2Fevents%2Fnew" {
			t.Fatalf("status %d location %q", r.StatusCode, r.Header.Get("Location"))
		}
	})
	t.Run("cookie flags and redirect", func(t *testing.T) {
		r := th.postForm(th.client(), "/admin/login", url.Values{"email": {"ADMIN@example.org "}, "password": {adminPassword}, "next": {"/admin/guides"}})
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/admin/guides" {
			t.Fatalf("status %d location %q", r.StatusCode, r.Header.Get("Location"))
		}
		ck := r.Cookies()[0]
		if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/admin" || ck.Secure {
			t.Errorf("cookie %+v", ck)
		}
	})
	t.Run("no open redirect", func(t *testing.T) {
		r := th.postForm(th.client(), "/admin/login", url.Values{"email": {adminEmail}, "password": {adminPassword}, "next": {"//evil.example/admin"}})
		if r.Header.Get("Location") != "/admin" {
			t.Errorf("location %q", r.Header.Get("Location"))
		}
	})
	t.Run("logout ends the session", func(t *testing.T) {
		c, tok := th.signIn(adminEmail)
		th.postForm(c, "/admin/logout", url.Values{"csrf": {tok}})
		if r := th.get(c, "/admin"); r.StatusCode != http.StatusSeeOther {
			t.Errorf("after logout /admin answers %d", r.StatusCode)
		}
	})
}

func TestSecureCookieOverHTTPS(t *testing.T) {
	th := newTestHub(t, func(c *web.Config) { c.BaseURL, _ = url.Parse("https://hub.example") })
	r := th.postForm(th.client(), "/admin/login", url.Values{"email": {adminEmail}, "password": {adminPassword}})
	if ck := r.Cookies(); len(ck) == 0 || !ck[0].Secure {
		t.Fatalf("cookie not Secure behind an https URL: %v", ck)
	}
}

func TestLoginRateLimit(t *testing.T) {
	th := newTestHub(t, func(c *web.Config) { c.LoginRate = 3 })
	c := th.client()
	var last int
	for i := 0; i < 5; i++ {
		last = th.postForm(c, "/admin/login", url.Values{"email": {adminEmail}, "password": {"guess guess " + fmt.Sprint(i)}}).StatusCode
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("5th attempt in a row answered %d, want 429", last)
	}
	// Even the right password waits: the limit is per client, not per guess.
	if r := th.postForm(c, "/admin/login", url.Values{"email": {adminEmail}, "password": {adminPassword}}); r.StatusCode != http.StatusTooManyRequests || !strings.Contains(r.body, "Please wait") || r.Header.Get("Retry-After") == "" {
		t.Fatalf("status %d", r.StatusCode)
	}
}

func TestCSRF(t *testing.T) {
	th := newTestHub(t)
	c, tok := th.signIn(adminEmail)
	form := url.Values{"title": {"Sneaky"}, "start_date": {"2026-11-01"}, "start_time": {"10:00"}, "end_date": {"2026-11-01"}, "end_time": {"11:00"}, "timezone": {"Europe/London"}}
	if r := th.postForm(c, "/admin/events/new", form); r.StatusCode != http.StatusForbidden {
		t.Errorf("POST without a CSRF token: %d", r.StatusCode)
	}
	form.Set("csrf", "forged")
	if r := th.postForm(c, "/admin/events/new", form); r.StatusCode != http.StatusForbidden {
		t.Errorf("POST with a wrong CSRF token: %d", r.StatusCode)
	}
	form.Set("csrf", tok)
	req, _ := http.NewRequest("POST", th.srv.URL+"/admin/events/new", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r := th.do(c, req); r.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: %d", r.StatusCode)
	}
	if _, n, _ := th.svc.ListEvents(context.Background(), hub.EventFilter{}); n != 0 {
		t.Fatalf("%d events were created by rejected requests", n)
	}
}

func TestEventForm(t *testing.T) {
	th := newTestHub(t)
	c, tok := th.signIn(adminEmail)
	valid := func() url.Values {
		return url.Values{
			"csrf": {tok}, "title": {"Knit and natter"}, "description": {"Bring **wool**."},
			"start_date": {"2026-10-06"}, "start_time": {"14:00"}, "end_date": {"2026-10-06"}, "end_time": {"16:00"},
			"timezone": {"Europe/London"}, "repeat": {"WEEKLY"}, "repeat_interval": {"1"}, "repeat_days": {"TU"},
			"repeat_end": {"never"}, "exceptions": {"2026-10-20"},
			"place_id": {"new"}, "place_name": {"Zion Centre"}, "place_street_address": {"339 Stretford Road"},
			"place_locality": {"Manchester"}, "place_postal_code": {"M15 4ZY"}, "place_latitude": {"53.4651"}, "place_longitude": {"-2.2522"},
			"tags": {"crafts, older people"}, "organiser": {"Age Friendly Hulme"}, "accessibility": {"Lift to all floors"},
			"booking_url": {"https://example.org/knit"}, "action": {"save"},
		}
	}
	bad := []struct {
		name   string
		change func(url.Values)
		field  string
		msg    string
	}{
		{"missing title", func(v url.Values) { v.Set("title", " ") }, "f-title", "title"},
		{"missing end", func(v url.Values) { v.Del("end_date"); v.Del("end_time") }, "f-end", "Enter when the event ends."},
		{"end before start", func(v url.Values) { v.Set("end_time", "13:00") }, "f-end", "The end must be after the start."},
		{"bad booking URL", func(v url.Values) { v.Set("booking_url", "javascript:alert(1)") }, "f-booking-url", ""},
		{"bad online URL", func(v url.Values) { v.Set("online_url", "not a link") }, "f-online-url", ""},
		{"bad date", func(v url.Values) { v.Set("start_date", "next tuesday") }, "f-start", "Enter the start"},
		{"bad time zone", func(v url.Values) { v.Set("timezone", "Mars/Olympus") }, "f-timezone", "time zone"},
		{"bad exception", func(v url.Values) { v.Set("exceptions", "Christmas") }, "f-exceptions", "YYYY-MM-DD"},
		{"bad latitude", func(v url.Values) { v.Set("place_latitude", "north") }, "f-place-latitude", "latitude"},
		{"new place without name", func(v url.Values) { v.Set("place_name", "") }, "f-place-name", "name"},
		{"custom rule nonsense", func(v url.Values) { v.Set("repeat", "CUSTOM"); v.Set("rrule", "FREQ=SOMETIMES") }, "f-recurrence", ""},
		{"hourly rule", func(v url.Values) { v.Set("repeat", "CUSTOM"); v.Set("rrule", "FREQ=HOURLY") }, "f-recurrence", ""},
		{"unknown place", func(v url.Values) { v.Set("place_id", "9999") }, "f-place-id", "Choose another place"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			v := valid()
			tt.change(v)
			r := th.postForm(c, "/admin/events/new", v)
			if r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.StatusCode)
			}
			if !strings.Contains(r.body, `href="#`+tt.field+`"`) {
				t.Errorf("error summary does not link to #%s", tt.field)
			}
			if !strings.Contains(r.body, `id="`+tt.field+`-error"`) && tt.field != "f-recurrence" {
				t.Errorf("no message beside %s", tt.field)
			}
			if tt.msg != "" && !strings.Contains(strings.ToLower(r.body), strings.ToLower(tt.msg)) {
				t.Errorf("message %q not shown", tt.msg)
			}
			// Nothing typed is lost.
			for _, keep := range []string{"Bring **wool**.", "339 Stretford Road", "Age Friendly Hulme", "Lift to all floors"} {
				if !strings.Contains(r.body, keep) {
					t.Errorf("the form lost %q", keep)
				}
			}
		})
	}
	if _, n, _ := th.svc.ListEvents(context.Background(), hub.EventFilter{}); n != 0 {
		t.Fatalf("invalid submissions stored %d events", n)
	}

	t.Run("preview saves nothing", func(t *testing.T) {
		v := valid()
		v.Set("action", "preview")
		v.Set("description", "Bring **wool** <script>alert(1)</script>")
		r := th.postForm(c, "/admin/events/new", v)
		if r.StatusCode != 200 || !strings.Contains(r.body, "Bring <strong>wool</strong>") || strings.Contains(r.body, "<script>alert") {
			t.Fatalf("preview: status %d", r.StatusCode)
		}
		if _, n, _ := th.svc.ListEvents(context.Background(), hub.EventFilter{}); n != 0 {
			t.Fatal("preview saved the event")
		}
	})

	t.Run("create, edit and delete", func(t *testing.T) {
		r := th.postForm(c, "/admin/events/new", valid())
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: status %d\n%s", r.StatusCode, r.body)
		}
		if r := th.get(c, "/admin/events"); !strings.Contains(r.body, "Event “Knit and natter” published.") {
			t.Error("no confirmation after saving")
		}
		events, _, _ := th.svc.ListEvents(context.Background(), hub.EventFilter{})
		if len(events) != 1 {
			t.Fatalf("%d events", len(events))
		}
		e := events[0]
		if e.Place == nil || e.Place.Name != "Zion Centre" || e.Recurrence != "FREQ=WEEKLY;BYDAY=TU" || len(e.Exceptions) != 1 {
			t.Fatalf("stored %+v", e)
		}
		// The public calendar shows the weekly dates, not the skipped one,
		// at 2pm local time on both sides of the clock change.
		pub := th.get(th.client(), "/events?from=2026-10-01&to=2026-11-10")
		for _, day := range []string{"Tuesday 6 October 2026", "Tuesday 13 October 2026", "Tuesday 27 October 2026", "Tuesday 3 November 2026", "Tuesday 10 November 2026"} {
			if !strings.Contains(pub.body, day) {
				t.Errorf("calendar lacks %s", day)
			}
		}
		if strings.Contains(pub.body, "Tuesday 20 October 2026") {
			t.Error("calendar shows the skipped date")
		}
		if strings.Count(pub.body, ">2pm</time>") != 5 {
			t.Errorf("want 5 occurrences at 2pm, got %d", strings.Count(pub.body, ">2pm</time>"))
		}

		edit := th.get(c, fmt.Sprintf("/admin/events/%d/edit", e.ID))
		for _, want := range []string{`value="Knit and natter"`, `value="2026-10-06"`, `value="14:00"`, `value="TU" checked`, "2026-10-20", fmt.Sprintf(`<option value="%d" selected>Zion Centre`, e.PlaceID)} {
			if !strings.Contains(edit.body, want) {
				t.Errorf("edit form lacks %q", want)
			}
		}
		v := valid()
		v.Set("title", "Knit and natter (autumn)")
		v.Set("place_id", fmt.Sprint(e.PlaceID))
		if r := th.postForm(c, fmt.Sprintf("/admin/events/%d/edit", e.ID), v); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit: %d", r.StatusCode)
		}
		got, _ := th.svc.Event(context.Background(), e.ID)
		if got.Title != "Knit and natter (autumn)" || got.Slug != e.Slug {
			t.Errorf("after edit: %q %q", got.Title, got.Slug)
		}
		if r := th.get(c, fmt.Sprintf("/admin/events/%d/delete", e.ID)); !strings.Contains(r.body, "Every date of this repeating event") {
			t.Error("no confirmation page before delete")
		}
		if r := th.postForm(c, fmt.Sprintf("/admin/events/%d/delete", e.ID), url.Values{"csrf": {tok}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete: %d", r.StatusCode)
		}
		if r := th.get(th.client(), "/events/"+e.Slug); r.StatusCode != 404 {
			t.Errorf("deleted event page answers %d", r.StatusCode)
		}
	})

	t.Run("all-day event over two days", func(t *testing.T) {
		v := url.Values{"csrf": {tok}, "title": {"Fun day"}, "all_day": {"1"}, "start_date": {"2026-10-10"}, "end_date": {"2026-10-11"}, "timezone": {"Europe/London"}, "action": {"save"}}
		if r := th.postForm(c, "/admin/events/new", v); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d", r.StatusCode)
		}
		e, err := th.svc.EventBySlug(context.Background(), "fun-day")
		if err != nil {
			t.Fatal(err)
		}
		if !e.AllDay || !e.End.Equal(time.Date(2026, 10, 12, 0, 0, 0, 0, london)) {
			t.Errorf("all-day end stored as %v", e.End)
		}
		if r := th.get(th.client(), "/events/fun-day"); !strings.Contains(r.body, "Sat 10 Oct to Sun 11 Oct 2026, all day") {
			t.Error("all-day span not shown")
		}
	})
}

func TestGuideRevisions(t *testing.T) {
	th := newTestHub(t)
	c, tok := th.signIn(editorEmail)
	r := th.postForm(c, "/admin/guides/new", url.Values{"csrf": {tok}, "title": {"Video calls"}, "body": {"First version."}, "action": {"save"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", r.StatusCode)
	}
	g, err := th.svc.GuideBySlug(context.Background(), "video-calls")
	if err != nil {
		t.Fatal(err)
	}
	edit := fmt.Sprintf("/admin/guides/%d/edit", g.ID)
	if r := th.postForm(c, edit, url.Values{"csrf": {tok}, "title": {"Video calls"}, "body": {""}, "action": {"save"}}); r.StatusCode != 422 {
		t.Errorf("empty body: %d", r.StatusCode)
	}
	if r := th.postForm(c, edit, url.Values{"csrf": {tok}, "title": {"Video calls"}, "body": {"Second version."}, "note": {"Rewrote it"}, "action": {"save"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", r.StatusCode)
	}
	revs := th.get(c, fmt.Sprintf("/admin/guides/%d/revisions", g.ID))
	if !strings.Contains(revs.body, "Version 2</a> (current)") || !strings.Contains(revs.body, "Rewrote it") || !strings.Contains(revs.body, "Eddie Editor") {
		t.Fatalf("revisions page:\n%s", revs.body)
	}
	v1 := th.get(c, fmt.Sprintf("/admin/guides/%d/revisions/1", g.ID))
	if !strings.Contains(v1.body, "First version.") || !strings.Contains(v1.body, "Restore version 1") {
		t.Fatal("version 1 not shown with a restore button")
	}
	if r := th.postForm(c, fmt.Sprintf("/admin/guides/%d/revisions/1/restore", g.ID), url.Values{"csrf": {tok}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("restore: %d", r.StatusCode)
	}
	pub := th.get(th.client(), "/guides/video-calls")
	if !strings.Contains(pub.body, "First version.") {
		t.Error("restored text not public")
	}
	got, _ := th.svc.Guide(context.Background(), g.ID)
	if got.Revision != 3 {
		t.Errorf("restore made revision %d, want 3 (nothing lost)", got.Revision)
	}
}

func TestRoles(t *testing.T) {
	th := newTestHub(t)
	c, tok := th.signIn(editorEmail)
	for _, path := range []string{"/admin/settings", "/admin/organisers", "/admin/organisers/new"} {
		if r := th.get(c, path); r.StatusCode != http.StatusForbidden {
			t.Errorf("editor GET %s: %d", path, r.StatusCode)
		}
	}
	r := th.postForm(c, "/admin/settings", url.Values{"csrf": {tok}, "name": {"Taken over"}, "timezone": {"UTC"}, "language": {"en"}, "accent_colour": {"#000000"}})
	if r.StatusCode != http.StatusForbidden {
		t.Errorf("editor POST settings: %d", r.StatusCode)
	}
	if st, _ := th.svc.Settings(context.Background()); st.Name == "Taken over" {
		t.Fatal("an editor changed the settings")
	}
}

func TestSettingsAndOrganisers(t *testing.T) {
	th := newTestHub(t)
	c, tok := th.signIn(adminEmail)
	r := th.postForm(c, "/admin/settings", url.Values{"csrf": {tok}, "name": {""}, "timezone": {"Nowhere/Land"}, "language": {"en-GB"}, "accent_colour": {"red"}, "description": {"Kept text"}})
	if r.StatusCode != 422 || !strings.Contains(r.body, "Kept text") || !strings.Contains(r.body, `id="f-accent-colour-error"`) {
		t.Fatalf("invalid settings: %d", r.StatusCode)
	}
	r = th.postForm(c, "/admin/settings", url.Values{"csrf": {tok}, "name": {"Hulme Hub"}, "timezone": {"Europe/London"}, "language": {"en-GB"}, "accent_colour": {"#004488"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("settings: %d", r.StatusCode)
	}
	if css := th.get(th.client(), "/theme.css"); !strings.Contains(css.body, "--accent: #004488") {
		t.Error("accent colour not applied")
	}
	if home := th.get(th.client(), "/"); !strings.Contains(home.body, "<title>Hulme Hub</title>") {
		t.Error("hub name not applied")
	}
	// Organisers: duplicate email, short password, then a good one.
	r = th.postForm(c, "/admin/organisers/new", url.Values{"csrf": {tok}, "name": {"Dup"}, "email": {editorEmail}, "role": {"editor"}, "password": {"long enough password"}})
	if r.StatusCode != http.StatusConflict || !strings.Contains(r.body, "already") {
		t.Errorf("duplicate email: %d", r.StatusCode)
	}
	r = th.postForm(c, "/admin/organisers/new", url.Values{"csrf": {tok}, "name": {"Sam"}, "email": {"sam@example.org"}, "role": {"editor"}, "password": {"short"}})
	if r.StatusCode != 422 || strings.Contains(r.body, `value="short"`) {
		t.Errorf("short password: %d (and the password must not be echoed)", r.StatusCode)
	}
	r = th.postForm(c, "/admin/organisers/new", url.Values{"csrf": {tok}, "name": {"Sam"}, "email": {"sam@example.org"}, "role": {"editor"}, "password": {"a long enough password"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("add organiser: %d", r.StatusCode)
	}
	// The only admin cannot demote themselves.
	me, _ := th.svc.Stores.Organisers.FindOrganiserByEmail(context.Background(), adminEmail)
	r = th.postForm(c, fmt.Sprintf("/admin/organisers/%d/edit", me.ID), url.Values{"csrf": {tok}, "name": {"Ada"}, "email": {adminEmail}, "role": {"editor"}})
	if r.StatusCode != http.StatusConflict || !strings.Contains(r.body, "only admin") {
		t.Errorf("demoting the only admin: %d", r.StatusCode)
	}
}

func TestEveryAdminPageRenders(t *testing.T) {
	th := newTestHub(t)
	e, g, cs := th.seed()
	c := th.client()
	th.login(c, adminEmail)
	me, _ := th.svc.Stores.Organisers.FindOrganiserByEmail(context.Background(), adminEmail)
	paths := []string{
		"/admin", "/admin/events", "/admin/events?q=drop", "/admin/events/new", fmt.Sprintf("/admin/events/%d/edit", e.ID), fmt.Sprintf("/admin/events/%d/delete", e.ID),
		"/admin/guides", "/admin/guides/new", fmt.Sprintf("/admin/guides/%d/edit", g.ID), fmt.Sprintf("/admin/guides/%d/delete", g.ID),
		fmt.Sprintf("/admin/guides/%d/revisions", g.ID), fmt.Sprintf("/admin/guides/%d/revisions/1", g.ID),
		"/admin/case-studies", "/admin/case-studies/new", fmt.Sprintf("/admin/case-studies/%d/edit", cs.ID), fmt.Sprintf("/admin/case-studies/%d/delete", cs.ID),
		"/admin/places", "/admin/places/new", fmt.Sprintf("/admin/places/%d/edit", e.PlaceID), fmt.Sprintf("/admin/places/%d/delete", e.PlaceID),
		"/admin/topics", "/admin/topics/digital-skills/edit", "/admin/topics/digital-skills/delete",
		"/admin/settings", "/admin/organisers", "/admin/organisers/new", fmt.Sprintf("/admin/organisers/%d/edit", me.ID),
		"/admin/account", "/admin/tokens",
	}
	for _, p := range paths {
		r := th.get(c, p)
		if r.StatusCode != 200 {
			t.Errorf("%s: status %d", p, r.StatusCode)
		}
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: organiser page may be cached", p)
		}
	}
	for _, p := range []string{"/admin/events/999/edit", "/admin/events/abc/edit", "/admin/guides/999/revisions/1", fmt.Sprintf("/admin/guides/%d/revisions/9", g.ID), "/admin/topics/nope/edit"} {
		if r := th.get(c, p); r.StatusCode != 404 {
			t.Errorf("%s: status %d, want 404", p, r.StatusCode)
		}
	}
}

func TestPlaceInUseCannotBeDeleted(t *testing.T) {
	th := newTestHub(t)
	e, _, _ := th.seed()
	c, tok := th.signIn(adminEmail)
	r := th.postForm(c, fmt.Sprintf("/admin/places/%d/delete", e.PlaceID), url.Values{"csrf": {tok}})
	if r.StatusCode != http.StatusConflict {
		t.Fatalf("status %d", r.StatusCode)
	}
	if _, err := th.svc.Place(context.Background(), e.PlaceID); err != nil {
		t.Fatal("the place was deleted")
	}
}

func TestPasswordChangeEndsSessions(t *testing.T) {
	th := newTestHub(t)
	other := th.client() // the editor, logged in elsewhere
	th.login(other, editorEmail)
	c, tok := th.signIn(editorEmail)
	r := th.postForm(c, "/admin/account/password", url.Values{"csrf": {tok}, "password": {"a brand new password"}, "password_again": {"a different one!!"}})
	if r.StatusCode != 422 || !strings.Contains(r.body, "not the same") {
		t.Fatalf("mismatched passwords: %d", r.StatusCode)
	}
	r = th.postForm(c, "/admin/account/password", url.Values{"csrf": {tok}, "current_password": {adminPassword}, "password": {"a brand new password"}, "password_again": {"a brand new password"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/admin/login?changed=1" {
		t.Fatalf("change: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := th.get(other, "/admin"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("the other session survived the password change: %d", r.StatusCode)
	}
	if r := th.postForm(th.client(), "/admin/login", url.Values{"email": {editorEmail}, "password": {"a brand new password"}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("new password does not work: %d", r.StatusCode)
	}
}
