package web_test

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/commonplace-hub/commonplace/locales"
)

// contentPatterns are text that is content or data, not interface:
// addresses, handles, zones, dates in ISO form, hosts.
var contentPatterns = regexp.MustCompile(`https?://\S+|[\w.+-]+@[\w.-]+|@\w+@[\w.:-]+|\b[A-Z][a-z]+/[A-Za-z_]+\b|\b\d{4}-\d{2}-\d{2}\b|127\.0\.0\.1(:\d+)?|\bRRULE\b|\bFREQ=[A-Z;=0-9,]+|\bcp_\w+|\b(?:en|cy|fr|es|de)\b`) // the last: language tags

// untranslated returns the text of a page rendered in a pseudo-locale
// that escaped the catalog: text nodes and the attributes people read
// (title, placeholder, aria-label, alt, button values) that still hold
// an ASCII letter once the content (strings of the hub's own items, in
// their own language, which elements with a lang attribute also mark)
// is taken out.
func untranslated(page string, content []string) ([]string, error) {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return nil, err
	}
	sort.Slice(content, func(i, j int) bool { return len(content[i]) > len(content[j]) })
	var out []string
	check := func(where, s string) {
		for _, c := range content {
			s = strings.ReplaceAll(s, c, " ")
		}
		s = contentPatterns.ReplaceAllString(s, " ")
		if strings.IndexFunc(s, func(r rune) bool { return r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') }) >= 0 {
			out = append(out, where+": "+strings.Join(strings.Fields(s), " "))
		}
	}
	var walk func(n *html.Node, top bool)
	walk = func(n *html.Node, top bool) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "style", "textarea", "pre", "code":
				return
			}
			for _, a := range n.Attr {
				if (a.Key == "lang" && !top) || (a.Key == "translate" && a.Val == "no") {
					return
				}
			}
			for _, a := range n.Attr {
				switch a.Key {
				case "title", "placeholder", "aria-label", "alt":
					check(n.Data+"@"+a.Key, a.Val)
				case "value":
					if t := attr(n, "type"); n.Data == "input" && (t == "submit" || t == "button") {
						check(n.Data+"@value", a.Val)
					}
				}
			}
		}
		if n.Type == html.TextNode {
			check("text", n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, n.Type == html.DocumentNode)
		}
	}
	walk(doc, true)
	return out, nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// TestPseudoLocalesTranslateEveryPage renders every public page type and
// the main organiser pages in both pseudo-locales (en-XA: every message
// accented and bracketed; ar-XB: the same, right to left): any text a
// reader sees that was not transformed, other than content, names and
// numbers, escaped the catalogs and fails the test.
func TestPseudoLocalesTranslateEveryPage(t *testing.T) {
	th := newFederatedHub(t)
	e, g, cs := th.seed()
	remote := th.seedRemoteItem()
	content := []string{
		remote.Title, remote.Summary, "Bring tools.", "Hub A", "a.example", "@a@", // the peer's item, in its own language, and its handle
		"Commonplace hub", "Events, guides and case studies from our community.",
		e.Title, e.Organiser, e.Accessibility, "phone", "Bring your", "or laptop.", e.Place.Name, e.Place.StreetAddress, e.Place.Locality, e.Place.PostalCode,
		g.Title, g.Summary, "Before", "Book the room", cs.Title, cs.Summary, cs.Problem, cs.Approach, cs.Outcome, cs.Organisation,
		"Digital skills", "Ada Admin", "Eddie Editor", "Europe/London", "digital-skills", e.Slug, g.Slug, cs.Slug,
		"Host (command line)",          // the author of what the command line saves, a name
		"drop", "nothing-matches-this", // what the reader searched for
	}
	public := []string{
		"/", "/events", "/events/" + e.Slug, "/events/" + e.Slug + "?date=2026-10-27", "/guides", "/guides/" + g.Slug,
		"/case-studies", "/case-studies/" + cs.Slug, "/topics", "/topics/digital-skills", "/places", "/places/" + e.Place.Slug,
		"/commons", "/search?q=drop", "/search?q=nothing-matches-this", "/no-such-page", "/events/no-such-event",
		"/events?from=not-a-date", "/admin/login", fmt.Sprintf("/commons/%d", remote.ID), "/network",
	}
	organiser := []string{
		"/admin", "/admin/events", "/admin/events/new", fmt.Sprintf("/admin/events/%d/edit", e.ID), fmt.Sprintf("/admin/events/%d/delete", e.ID),
		"/admin/guides", "/admin/guides/new", fmt.Sprintf("/admin/guides/%d/edit", g.ID), fmt.Sprintf("/admin/guides/%d/revisions", g.ID),
		"/admin/case-studies", "/admin/case-studies/new", fmt.Sprintf("/admin/case-studies/%d/edit", cs.ID),
		"/admin/places", "/admin/places/new", "/admin/topics", "/admin/settings", "/admin/organisers", "/admin/organisers/new",
		"/admin/account", "/admin/tokens", "/admin/federation", "/admin/commons", "/admin/network", "/admin/calendars",
		"/admin/topics/digital-skills/edit", fmt.Sprintf("/admin/places/%d/edit", e.PlaceID), fmt.Sprintf("/admin/guides/%d/revisions/1", g.ID),
		fmt.Sprintf("/admin/guides/%d/delete", g.ID), fmt.Sprintf("/admin/organisers/%d/edit", 1),
	}
	for _, lang := range []string{locales.PseudoAccented, locales.PseudoRTL} {
		t.Run(lang, func(t *testing.T) {
			reader := th.client()
			admin := th.client()
			th.login(admin, adminEmail)
			for _, group := range []struct {
				client interface{}
				paths  []string
			}{{reader, public}, {admin, organiser}} {
				for _, p := range group.paths {
					c := reader
					if group.client == admin {
						c = admin
					}
					sep := "?"
					if strings.Contains(p, "?") {
						sep = "&"
					}
					r := th.get(c, p+sep+"lang="+lang)
					if r.StatusCode >= 500 {
						t.Errorf("%s: status %d", p, r.StatusCode)
						continue
					}
					if !strings.Contains(r.body, `<html lang="`+lang+`"`) {
						t.Errorf("%s: not in %s", p, lang)
					}
					bad, err := untranslated(r.body, content)
					if err != nil {
						t.Fatal(err)
					}
					for _, b := range bad {
						t.Errorf("%s: not translated: %s", p, b)
					}
				}
			}
			// A form sent back with the domain's validation messages (a
			// hub.Errorf summary, per-field messages with arguments).
			form := url.Values{"csrf": {th.csrf(admin)}, "title": {""}, "start_date": {"2026-13-45"}, "start_time": {"19:00"},
				"end_date": {"2026-12-01"}, "end_time": {"21:00"}, "timezone": {"Europe/London"}, "booking_url": {"not a url"}, "action": {"save"}}
			r := th.postForm(admin, "/admin/events/new?lang="+lang, form)
			if r.StatusCode != 422 {
				t.Fatalf("invalid event: status %d", r.StatusCode)
			}
			bad, err := untranslated(r.body, content)
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range bad {
				t.Errorf("the event form with errors: not translated: %s", b)
			}
			// "%s is required." with its argument "Title" translated too.
			if !strings.Contains(r.body, "Ţîţļé") || !strings.Contains(r.body, "îš ŕéǫûîŕéð") {
				t.Errorf("the event form lacks the translated field messages")
			}
		})
	}
}
