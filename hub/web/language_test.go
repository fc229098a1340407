package web_test

import (
	"context"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/web"
	"github.com/commonplace-hub/commonplace/locales"
)

// testWelsh is a small Welsh catalog: enough to tell a Welsh page from an
// English one. The real catalogs are checked by package locales.
const testWelsh = `
[_language]
name = "Cymraeg"
dir = "ltr"
reviewed = false

[messages]
"Events" = "Digwyddiadau"
"Guides" = "Canllawiau"
"[weekday] Tuesday" = "Dydd Mawrth"
"[month] October" = "Hydref"
"[time on the hour: 24-hour hour, minute, 12-hour hour, am or pm] %[3]d%[4]s" = "%02[1]d:00"
"%s is required." = "Mae angen %s."
"Hub name" = "Enw yr hwb"
`

// welshCatalog is the real English catalog with testWelsh beside it.
func welshCatalog(t *testing.T) *locales.Catalog {
	t.Helper()
	en, err := fs.ReadFile(locales.Embedded(), "en.toml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := locales.New(fstest.MapFS{"en.toml": {Data: en}, "cy.toml": {Data: []byte(testWelsh)}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (th *testHub) getWith(path string, header ...string) response {
	th.t.Helper()
	req, err := http.NewRequest("GET", th.srv.URL+path, nil)
	if err != nil {
		th.t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return th.do(th.client(), req)
}

// TestReadersLanguage: ?lang= first, then Accept-Language, then the hub's
// setting; pages say which (<html lang>, hreflang, the switcher), vary on
// Accept-Language, keep a chosen language on their links without a
// cookie, and are cached per language.
func TestReadersLanguage(t *testing.T) {
	th := newTestHub(t, func(c *web.Config) { c.Catalog = welshCatalog(t); c.PageCache = time.Minute })
	th.seed()

	english := th.getWith("/events")
	if !strings.Contains(english.body, `<html lang="en-GB" dir="ltr">`) || !strings.Contains(english.body, ">Events</h1>") {
		t.Errorf("no preference on an en-GB hub: not English:\n%s", english.body[:400])
	}
	welsh := th.getWith("/events", "Accept-Language", "cy-GB,cy;q=0.9,en;q=0.5")
	if !strings.Contains(welsh.body, `<html lang="cy" dir="ltr">`) || !strings.Contains(welsh.body, "Digwyddiadau") || !strings.Contains(welsh.body, "Dydd Mawrth 6 Hydref 2026") {
		t.Errorf("Accept-Language cy: not Welsh")
	}
	if !strings.Contains(welsh.Header.Get("Vary"), "Accept-Language") {
		t.Errorf("Vary = %q", welsh.Header.Get("Vary"))
	}
	for _, want := range []string{
		`<link rel="alternate" hreflang="cy" href="` + th.srv.URL + `/events?lang=cy">`,
		`<link rel="alternate" hreflang="en" href="` + th.srv.URL + `/events?lang=en">`,
		`<link rel="alternate" hreflang="x-default"`,
		`<a href="/events?lang=cy" lang="cy" hreflang="cy" aria-current="true">Cymraeg</a>`,
		`<a href="/events?lang=en" lang="en" hreflang="en">English</a>`,
		`class="unreviewed"`, `docs/translating.md`,
		`<h4 lang="en-GB"><a href="/events/digital-drop-in?date=`, // the hub's items keep their own language
	} {
		if !strings.Contains(welsh.body, want) {
			t.Errorf("Welsh page lacks %q", want)
		}
	}
	if strings.Contains(english.body, `<h4 lang=`) {
		t.Error("items on a page in their own language are marked with it again")
	}
	if strings.Contains(english.body, `class="unreviewed"`) {
		t.Error("the English page calls itself unreviewed")
	}
	if len(welsh.Header.Values("Set-Cookie")) > 0 {
		t.Error("choosing a language set a cookie")
	}
	// The cache kept the English page and the Welsh one apart.
	if again := th.getWith("/events"); strings.Contains(again.body, "Digwyddiadau") {
		t.Error("an English reader got the cached Welsh page")
	}

	chosen := th.getWith("/events?lang=cy", "Accept-Language", "en")
	if !strings.Contains(chosen.body, `<html lang="cy"`) {
		t.Error("?lang=cy does not beat Accept-Language")
	}
	for _, want := range []string{`href="/guides?lang=cy"`, `<input type="hidden" name="lang" value="cy">`, `href="/static/style.css"`, `href="/feed.atom"`} {
		if !strings.Contains(chosen.body, want) {
			t.Errorf("a page in a chosen language lacks %q", want)
		}
	}
	if strings.Contains(chosen.body, `href="/guides"`) {
		t.Error("a link lost the chosen language")
	}
	for _, q := range []string{"xx", "en-XA-bogus", "../../etc"} {
		if r := th.getWith("/events?lang=" + url.QueryEscape(q)); r.StatusCode != 200 || !strings.Contains(r.body, `<html lang="en-GB"`) {
			t.Errorf("?lang=%s: %d, want the hub's language", q, r.StatusCode)
		}
	}

	// The hub's own language is the default.
	if st, body := th.apiClient(adminEmail).call("PUT", "/settings", map[string]any{"name": "Hulme Hub", "time_zone": "Europe/London", "language": "cy", "accent_colour": "#000000"}); st != 200 {
		t.Fatalf("setting the hub's language: %d %v", st, body)
	}
	if r := th.getWith("/guides"); !strings.Contains(r.body, `<html lang="cy"`) || !strings.Contains(r.body, "Canllawiau") {
		t.Error("a Welsh hub's page without a preference is not Welsh")
	}
	if r := th.getWith("/guides", "Accept-Language", "en-US"); !strings.Contains(r.body, `<html lang="en"`) {
		t.Error("an English reader of a Welsh hub does not get English")
	}
	feed := th.getWith("/feed.atom", "Accept-Language", "en")
	if !strings.Contains(feed.body, `xml:lang="cy"`) || !strings.Contains(feed.body, "Dydd Mawrth") {
		t.Errorf("the feed of a Welsh hub is not in Welsh:\n%s", feed.body)
	}
}

// TestSettingsRefuseUnshippedLanguages: the settings form and the API
// refuse a language the hub is not translated into, saying which it is;
// nothing is saved.
func TestSettingsRefuseUnshippedLanguages(t *testing.T) {
	th := newTestHub(t, func(c *web.Config) { c.Catalog = welshCatalog(t) })
	c, tok := th.signIn(adminEmail)
	for _, lang := range []string{"xx-bogus-!!", "zh", "en-XA"} {
		r := th.postForm(c, "/admin/settings", url.Values{"csrf": {tok}, "name": {"Hulme Hub"}, "timezone": {"Europe/London"}, "language": {lang}, "accent_colour": {"#004488"}})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, "cannot be shown in") {
			t.Errorf("form with %q: %d", lang, r.StatusCode)
		}
		if !strings.Contains(r.body, `value="`+strings.ReplaceAll(lang, "!", "!")) {
			t.Errorf("form with %q lost what was typed", lang)
		}
	}
	st, body := th.apiClient(adminEmail).call("PUT", "/settings", map[string]any{"name": "x", "time_zone": "UTC", "language": "xx-bogus-!!", "accent_colour": "#000000"})
	fields, _ := body["error"].(map[string]any)["fields"].(map[string]any)
	if st != 422 || errCode(body) != hub.EINVALID || !strings.Contains(fields["language"].(string), "en, cy") {
		t.Errorf("API: %d %v", st, body)
	}
	if saved, _ := th.svc.Settings(context.Background()); saved.Language != "en-GB" || saved.Name == "x" {
		t.Errorf("a refused change was saved: %+v", saved)
	}
	for _, lang := range []string{"cy", "en-GB", "cy-GB"} {
		r := th.postForm(c, "/admin/settings", url.Values{"csrf": {tok}, "name": {"Hulme Hub"}, "timezone": {"Europe/London"}, "language": {lang}, "accent_colour": {"#004488"}})
		if r.StatusCode != http.StatusSeeOther {
			t.Errorf("form with %q: %d", lang, r.StatusCode)
		}
	}
	// Welsh validation messages, their arguments translated too.
	c2, tok2 := th.signIn(adminEmail)
	req, _ := http.NewRequest("POST", th.srv.URL+"/admin/settings", strings.NewReader(url.Values{"csrf": {tok2}, "name": {""}, "timezone": {"Europe/London"}, "language": {"cy"}, "accent_colour": {"#004488"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", "cy")
	r := th.do(c2, req)
	if r.StatusCode != 422 || !strings.Contains(r.body, "Mae angen Enw yr hwb.") {
		t.Errorf("the field message is not in Welsh: %d", r.StatusCode)
	}
}

// seedRemoteItem mirrors a guide from a followed peer, in English with a
// Welsh translation.
func (th *testHub) seedRemoteItem() *hub.RemoteItem {
	th.t.Helper()
	ctx := context.Background()
	store := th.db.Commons()
	peer := &hub.Followed{ActorID: "https://a.example/actor", FollowID: th.srv.URL + "/follows/1", Inbox: "https://a.example/inbox", Outbox: "https://a.example/outbox",
		Username: "a", Name: "Hub A", Host: "a.example", State: hub.PeerAccepted, CreatedAt: time.Unix(1000, 0)}
	if err := store.SaveFollowed(ctx, peer); err != nil {
		th.t.Fatal(err)
	}
	at := time.Date(2026, 9, 1, 10, 0, 0, 0, time.UTC)
	it := &hub.RemoteItem{ObjectID: "https://a.example/guides/1", Kind: hub.KindGuide, URL: "https://a.example/guides/1", Title: "Running a repair cafe",
		Summary: "How we do it", ContentHTML: "<p>Bring tools.</p>", Language: "en",
		Translations: []hub.ItemText{{Language: "cy", Title: "Cynnal caffi trwsio", ContentHTML: "<p>Dewch ag offer.</p>"}},
		Origin:       hub.Origin{ActorID: peer.ActorID, Host: "a.example", Name: "Hub A"}, Published: at, Updated: at, Received: at}
	if _, err := store.SaveRemoteItem(ctx, it, hub.ItemSource{PeerActor: peer.ActorID}); err != nil {
		th.t.Fatal(err)
	}
	return it
}

// TestCommonsInTheReadersLanguage: an item from a peer that sent several
// languages shows the reader's where there is one, its text marked with
// the language it is in.
func TestCommonsInTheReadersLanguage(t *testing.T) {
	th := newTestHub(t, func(c *web.Config) { c.Catalog = welshCatalog(t) })
	it := th.seedRemoteItem()
	path := "/commons/" + strconv.FormatInt(it.ID, 10)
	welsh := th.getWith(path, "Accept-Language", "cy")
	for _, want := range []string{`<h1 lang="cy">Cynnal caffi trwsio</h1>`, `<div class="prose" lang="cy"><p>Dewch ag offer.</p></div>`, `<title>Cynnal caffi trwsio`} {
		if !strings.Contains(welsh.body, want) {
			t.Errorf("Welsh reader: page lacks %q", want)
		}
	}
	english := th.getWith(path)
	if !strings.Contains(english.body, `<h1 lang="en">Running a repair cafe</h1>`) || strings.Contains(english.body, "Cynnal") {
		t.Error("English reader: not the English text")
	}
	list := th.getWith("/commons", "Accept-Language", "cy")
	if !strings.Contains(list.body, `<h3 lang="cy"><a href="`+path+`">Cynnal caffi trwsio</a></h3>`) {
		t.Errorf("Welsh reader: the commons list lacks the Welsh title")
	}
}

// TestChosenLanguageSurvivesForms: a reader who chose Welsh with ?lang=
// keeps it through a form that posts: the form's action names it, the
// answer to a refused form is in it, and where a saved form sends them on
// names it (no cookie holds the choice).
func TestChosenLanguageSurvivesForms(t *testing.T) {
	th := newTestHub(t, func(c *web.Config) { c.Catalog = welshCatalog(t) })
	c := th.client()

	login := th.get(c, "/admin/login?lang=cy")
	if !strings.Contains(login.body, `action="/admin/login?lang=cy"`) {
		t.Fatalf("the login form does not post in Welsh:\n%s", login.body)
	}
	r := th.postForm(c, "/admin/login?lang=cy", url.Values{"email": {adminEmail}, "password": {adminPassword}, "next": {"/admin/settings"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/admin/settings?lang=cy" {
		t.Fatalf("after logging in: %d to %q, want /admin/settings?lang=cy", r.StatusCode, r.Header.Get("Location"))
	}
	tok := th.csrf(c)

	settings := th.get(c, "/admin/settings?lang=cy")
	if !strings.Contains(settings.body, `action="/admin/settings?lang=cy"`) {
		t.Fatalf("the settings form does not post in Welsh")
	}
	// A refused form answers in the chosen language, what was typed kept.
	bad := th.postForm(c, "/admin/settings?lang=cy", url.Values{"csrf": {tok}, "name": {""}, "language": {"en-GB"}, "time_zone": {"Europe/London"}})
	if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.body, "Mae angen") {
		t.Errorf("a refused form in Welsh: %d, Welsh message: %v", bad.StatusCode, strings.Contains(bad.body, "Mae angen"))
	}
	// Without the choice, the same request is answered in English.
	if en := th.postForm(c, "/admin/settings", url.Values{"csrf": {tok}, "name": {""}, "language": {"en-GB"}, "time_zone": {"Europe/London"}}); strings.Contains(en.body, "Mae angen") {
		t.Error("a form posted without ?lang= answered in Welsh")
	}
}
