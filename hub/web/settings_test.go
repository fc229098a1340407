package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestFediverseSettingsForm(t *testing.T) {
	th := newFederatedHub(t)
	c, tok := th.signIn(adminEmail)
	r := th.get(c, "/admin/settings")
	for _, want := range []string{
		"<legend>Fediverse</legend>", `name="handle" type="text" value="hub"`, "@name@" + th.base.Host,
		"if you change it later", `id="f-discoverable" name="discoverable" type="checkbox" value="1" checked`,
		`id="f-indexable" name="indexable" type="checkbox" value="1" checked`,
		`id="f-manually-approves-followers" name="manually_approves_followers" type="checkbox" value="1" aria-describedby`,
		`<label for="f-manually-approves-followers">Approve new followers by hand</label>`,
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("form lacks %q", want)
		}
	}
	base := url.Values{"csrf": {tok}, "name": {"Hulme Hub"}, "timezone": {"Europe/London"}, "language": {"en-GB"}, "accent_colour": {"#004488"}}
	with := func(extra url.Values) url.Values {
		v := url.Values{}
		for k, vs := range base {
			v[k] = vs
		}
		for k, vs := range extra {
			v[k] = vs
		}
		return v
	}

	t.Run("saving round-trips", func(t *testing.T) {
		r := th.postForm(c, "/admin/settings", with(url.Values{"handle": {"@Hulme_Hub"}, "indexable": {"1"}, "manually_approves_followers": {"1"}}))
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.StatusCode, r.body)
		}
		st, _ := th.svc.Settings(context.Background())
		if st.Handle != "hulme_hub" || st.Discoverable || !st.Indexable || !st.ManuallyApprovesFollowers {
			t.Fatalf("stored %q discoverable=%v indexable=%v manual=%v", st.Handle, st.Discoverable, st.Indexable, st.ManuallyApprovesFollowers)
		}
		form := th.get(c, "/admin/settings")
		for _, want := range []string{`value="hulme_hub"`, `name="discoverable" type="checkbox" value="1" aria-describedby`, `name="manually_approves_followers" type="checkbox" value="1" checked`} {
			if !strings.Contains(form.body, want) {
				t.Errorf("form after saving lacks %q", want)
			}
		}
		if page := th.get(c, "/admin/federation"); !strings.Contains(page.body, "@hulme_hub@"+th.base.Host) {
			t.Error("the fediverse page does not show the new handle")
		}
		wf := th.get(th.client(), "/.well-known/webfinger?resource="+url.QueryEscape("acct:hulme_hub@"+th.base.Host))
		if wf.StatusCode != 200 {
			t.Errorf("WebFinger for the new handle: %d", wf.StatusCode)
		}
	})

	t.Run("an invalid handle is shown beside the field, with what was typed", func(t *testing.T) {
		r := th.postForm(c, "/admin/settings", with(url.Values{"handle": {"hulme hub!"}, "name": {"Typed name"}, "discoverable": {"1"}}))
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", r.StatusCode)
		}
		for _, want := range []string{`id="f-handle-error"`, "Use 1 to 30 letters, digits or underscores", `value="hulme hub!"`, `value="Typed name"`,
			`href="#f-handle"`, `name="discoverable" type="checkbox" value="1" checked`, `name="indexable" type="checkbox" value="1" aria-describedby`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("422 page lacks %q", want)
			}
		}
		if st, _ := th.svc.Settings(context.Background()); st.Handle != "hulme_hub" || st.Name != "Hulme Hub" {
			t.Errorf("an invalid form changed the settings: %q %q", st.Handle, st.Name)
		}
	})

	t.Run("a form from before the fediverse fields keeps them", func(t *testing.T) {
		if r := th.postForm(c, "/admin/settings", with(url.Values{"name": {"Older form"}})); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d", r.StatusCode)
		}
		st, _ := th.svc.Settings(context.Background())
		if st.Name != "Older form" || st.Handle != "hulme_hub" || !st.Indexable || !st.ManuallyApprovesFollowers {
			t.Errorf("settings after an older form: %+v", st)
		}
	})
}

func TestFediverseSettingsAPI(t *testing.T) {
	th := newTestHub(t)
	a := th.apiClient(adminEmail)
	status, body := a.call("GET", "/settings", nil)
	if status != 200 || body["handle"] != "hub" || body["discoverable"] != true || body["indexable"] != true || body["manually_approves_followers"] != false {
		t.Fatalf("GET /settings: %d %v", status, body)
	}
	old := map[string]any{"name": "Hulme Hub", "description": "", "time_zone": "Europe/London", "language": "en-GB", "accent_colour": "#004488"}
	status, body = a.call("PUT", "/settings", map[string]any{"name": "Hulme Hub", "description": "", "time_zone": "Europe/London", "language": "en-GB",
		"accent_colour": "#004488", "handle": "@Hulme", "discoverable": false, "manually_approves_followers": true})
	if status != 200 || body["handle"] != "hulme" || body["discoverable"] != false || body["indexable"] != true || body["manually_approves_followers"] != true {
		t.Fatalf("PUT with fediverse fields: %d %v", status, body)
	}
	// A client written before the fediverse fields leaves them alone.
	status, body = a.call("PUT", "/settings", old)
	if status != 200 || body["handle"] != "hulme" || body["discoverable"] != false || body["manually_approves_followers"] != true {
		t.Fatalf("PUT without fediverse fields: %d %v", status, body)
	}
	// What a client read can be sent back as it is.
	_, got := a.call("GET", "/settings", nil)
	if status, body = a.call("PUT", "/settings", got); status != 200 {
		t.Errorf("PUT of what GET answered: %d %v", status, body)
	}
	bad := map[string]any{}
	for k, v := range old {
		bad[k] = v
	}
	bad["handle"] = "not a handle"
	status, body = a.call("PUT", "/settings", bad)
	if status != 422 || errFields(body)["handle"] == nil {
		t.Errorf("invalid handle: %d %v", status, body)
	}
	bad["handle"] = 42
	if status, body = a.call("PUT", "/settings", bad); status != 400 {
		t.Errorf("handle of the wrong type: %d %v", status, body)
	}
	if st, _ := th.svc.Settings(context.Background()); st.Handle != "hulme" {
		t.Errorf("rejected requests changed the handle to %q", st.Handle)
	}
	if status, _ := th.apiClient(editorEmail).call("PUT", "/settings", map[string]any{"name": "x", "handle": "taken"}); status != 403 {
		t.Errorf("editor PUT /settings: %d, want 403", status)
	}
}

// The hub's area: typed on the settings page, kept with what was typed
// when a coordinate is not a number, round-tripped by the API, and kept
// by clients and forms that predate it.
func TestAreaSettings(t *testing.T) {
	th := newTestHub(t)
	c, tok := th.signIn(adminEmail)
	if r := th.get(c, "/admin/settings"); !strings.Contains(r.body, "<legend>Area</legend>") || !strings.Contains(r.body, `name="area_latitude"`) {
		t.Fatalf("the settings form has no area fieldset")
	}
	base := url.Values{"csrf": {tok}, "name": {"Hulme Hub"}, "timezone": {"Europe/London"}, "language": {"en-GB"}, "accent_colour": {"#004488"}, "handle": {"hub"}}
	form := func(area, lat, lon string) url.Values {
		v := url.Values{"area_name": {area}, "area_latitude": {lat}, "area_longitude": {lon}, "answers_network_search": {"1"}}
		for k, vs := range base {
			v[k] = vs
		}
		return v
	}
	if r := th.postForm(c, "/admin/settings", form(" Hulme, Manchester ", "53.4668", "-2.2489")); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.StatusCode, r.body)
	}
	st, _ := th.svc.Settings(context.Background())
	if st.Area.Name != "Hulme, Manchester" || !st.Area.HasPosition() || *st.Area.Latitude != 53.4668 || *st.Area.Longitude != -2.2489 {
		t.Fatalf("stored area %+v", st.Area)
	}
	for _, bad := range []struct{ lat, lon, field, msg string }{
		{"north", "-2.2", "f-area-latitude-error", "Enter the latitude as a number"},
		{"91", "-2.2", "f-area-latitude-error", "Latitude must be between -90 and 90."},
		{"NaN", "-2.2", "f-area-latitude-error", "Latitude must be between -90 and 90."},
		{"53", "", "f-area-latitude-error", "Give both latitude and longitude"},
		{"53", "<script>", "f-area-longitude-error", "Enter the longitude as a number"},
	} {
		r := th.postForm(c, "/admin/settings", form("Typed area", bad.lat, bad.lon))
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, bad.field) || !strings.Contains(r.body, bad.msg) ||
			!strings.Contains(r.body, `value="Typed area"`) || strings.Contains(r.body, "<script>") {
			t.Errorf("%s,%s: %d, want 422 with %q beside the field and the text kept", bad.lat, bad.lon, r.StatusCode, bad.msg)
		}
	}
	if st, _ := th.svc.Settings(context.Background()); st.Area.Name != "Hulme, Manchester" {
		t.Errorf("refused forms changed the area: %+v", st.Area)
	}
	// A form from before the area fieldset keeps the area.
	if r := th.postForm(c, "/admin/settings", base); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("older form: %d", r.StatusCode)
	}
	if st, _ := th.svc.Settings(context.Background()); st.Area.Name != "Hulme, Manchester" || !st.Area.HasPosition() {
		t.Errorf("an older form lost the area: %+v", st.Area)
	}

	a := th.apiClient(adminEmail)
	_, got := a.call("GET", "/settings", nil)
	area, _ := got["area"].(map[string]any)
	if area["name"] != "Hulme, Manchester" || area["latitude"] != 53.4668 || area["longitude"] != -2.2489 {
		t.Fatalf("GET /settings area %v", got["area"])
	}
	delete(got, "area") // a client from before the area leaves it alone
	if status, body := a.call("PUT", "/settings", got); status != 200 || body["area"].(map[string]any)["name"] != "Hulme, Manchester" {
		t.Errorf("PUT without area: %d %v", status, body)
	}
	got["area"] = map[string]any{"name": "Moss Side", "latitude": nil, "longitude": nil}
	if status, body := a.call("PUT", "/settings", got); status != 200 || body["area"].(map[string]any)["name"] != "Moss Side" || body["area"].(map[string]any)["latitude"] != nil {
		t.Errorf("PUT with a text-only area: %d %v", status, body)
	}
	if got["answers_network_search"] != true {
		t.Errorf("answers_network_search %v, want true by default", got["answers_network_search"])
	}
	got["answers_network_search"] = false
	if status, body := a.call("PUT", "/settings", got); status != 200 || body["answers_network_search"] != false {
		t.Errorf("PUT answers_network_search false: %d %v", status, body)
	}
	if r := th.get(c, "/admin/settings"); !strings.Contains(r.body, `name="answers_network_search" type="checkbox" value="1" aria-describedby`) {
		t.Error("the settings form does not show answering off")
	}
	got["area"] = map[string]any{"name": "x", "latitude": 200, "longitude": 0}
	if status, body := a.call("PUT", "/settings", got); status != 422 || errFields(body)["area_latitude"] == nil {
		t.Errorf("PUT with latitude 200: %d %v", status, body)
	}
}
