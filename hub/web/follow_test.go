package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// Every public page shows the hub's handle and the follow box; the home
// page and item pages link their ActivityStreams document; the box sends a
// reader to their server's follow page (303), and a name that cannot be a
// server gets a message, not a redirect.
func TestFollowFromTheFediverse(t *testing.T) {
	th := newFederatedHub(t)
	e, g, _ := th.seed()
	host := strings.TrimPrefix(th.srv.URL, "http://")
	for path, alternate := range map[string]string{
		"/":                 th.srv.URL + "/actor",
		"/events/" + e.Slug: th.srv.URL + "/events/" + e.Slug,
		"/guides/" + g.Slug: th.srv.URL + "/guides/" + g.Slug,
		"/events":           "",
	} {
		r := th.get(th.client(), path)
		if !strings.Contains(r.body, `id="follow-handle"`) || !strings.Contains(r.body, "@hub@"+host) || !strings.Contains(r.body, `action="/follow"`) {
			t.Errorf("%s: no follow box with the handle @hub@%s", path, host)
		}
		link := `<link rel="alternate" type="application/activity+json" href="` + alternate + `">`
		if has := strings.Contains(r.body, `type="application/activity+json"`); has != (alternate != "") || alternate != "" && !strings.Contains(r.body, link) {
			t.Errorf("%s: rel=alternate wrong, want %q", path, link)
		}
	}
	if r := th.get(th.client(), "/admin/login"); strings.Contains(r.body, `id="follow-handle"`) {
		t.Error("the login page shows the follow box")
	}

	their := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"links":[{"rel":"http://ostatus.org/schema/1.0/subscribe","template":"https://their.server/authorize_interaction?uri={uri}"}]}`))
	}))
	t.Cleanup(their.Close)
	r := th.postForm(th.client(), "/follow", url.Values{"server": {their.URL}})
	want := "https://their.server/authorize_interaction?uri=" + url.QueryEscape("hub@"+host)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != want {
		t.Errorf("follow box: %d to %q, want 303 to %s", r.StatusCode, r.Header.Get("Location"), want)
	}
	// A GoToSocial server has no follow page: the reader is told, in their
	// language, to search for the hub in their app.
	var gts *httptest.Server
	gts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/.well-known/nodeinfo":
			w.Write([]byte(`{"links":[{"rel":"http://nodeinfo.diaspora.software/ns/schema/2.1","href":"` + gts.URL + `/nodeinfo/2.1"}]}`))
		case "/nodeinfo/2.1":
			w.Write([]byte(`{"version":"2.1","software":{"name":"gotosocial","version":"0.19.1"},"protocols":["activitypub"],"services":{"inbound":[],"outbound":[]},"openRegistrations":false,"usage":{"users":{}},"metadata":{}}`))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(gts.Close)
	for lang, want := range map[string]string{
		"":   "In your app, search for @hub@" + host + " and follow it there.",
		"fr": "@hub@" + host,
	} {
		path := "/follow"
		if lang != "" {
			path += "?lang=" + lang
		}
		r := th.postForm(th.client(), path, url.Values{"server": {gts.URL}})
		if r.StatusCode != http.StatusNotFound || r.Header.Get("Location") != "" || !strings.Contains(r.body, want) {
			t.Errorf("GoToSocial (%q): %d %q, want 404 saying %q", lang, r.StatusCode, r.Header.Get("Location"), want)
		}
		if lang == "fr" && strings.Contains(r.body, "In your app") {
			t.Error("GoToSocial: the message is not in French")
		}
	}
	for _, bad := range []string{"", "not a server"} {
		r := th.postForm(th.client(), "/follow", url.Values{"server": {bad}})
		if r.StatusCode != http.StatusUnprocessableEntity || r.Header.Get("Location") != "" || !strings.Contains(r.body, "server") {
			t.Errorf("typed %q: %d %q", bad, r.StatusCode, r.Header.Get("Location"))
		}
	}
}
