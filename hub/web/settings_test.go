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
	c := th.client()
	tok := th.login(c, adminEmail)
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
