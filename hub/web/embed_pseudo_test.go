package web_test

import (
	"strings"
	"testing"

	"github.com/commonplace-hub/commonplace/locales"
)

// TestPseudoLocalesTranslateEmbedsPostersAndMonth: the embeds, posters,
// month grid and embed builder have every word from the catalog (as
// TestPseudoLocalesTranslateEveryPage checks the other pages).
func TestPseudoLocalesTranslateEmbedsPostersAndMonth(t *testing.T) {
	th := newTestHub(t)
	e, g, cs := th.seed()
	content := []string{
		"Commonplace hub", e.Title, e.Organiser, e.Accessibility, "Bring your phone or laptop.", e.Place.Name, e.Place.StreetAddress,
		e.Place.Locality, e.Place.PostalCode, g.Title, g.Summary, cs.Title, cs.Summary, "Digital skills", "Ada Admin", "digital-skills",
		th.srv.URL + "/events/" + e.Slug, "*", "nobody", // the poster's address; the partner websites setting; a typed filter
	}
	for _, lang := range []string{locales.PseudoAccented, locales.PseudoRTL} {
		t.Run(lang, func(t *testing.T) {
			reader, admin := th.client(), th.client()
			th.login(admin, adminEmail)
			for _, p := range []struct {
				admin bool
				path  string
			}{
				{false, "/embed/events?show=descriptions"}, {false, "/embed/events?organiser=nobody"}, {false, "/embed/events/" + e.Slug + "?show=descriptions"},
				{false, "/embed/guides/" + g.Slug}, {false, "/embed/case-studies/" + cs.Slug},
				{false, "/events/" + e.Slug + "/poster"}, {false, "/events/" + e.Slug + "/poster?size=a5"},
				{false, "/events/calendar?month=2026-10"}, {false, "/events/calendar?month=2027-10"},
				{true, "/admin/embed"}, {true, "/admin/embed?event=" + e.Slug + "&limit=0"},
			} {
				c := reader
				if p.admin {
					c = admin
				}
				sep := "?"
				if strings.Contains(p.path, "?") {
					sep = "&"
				}
				r := th.get(c, p.path+sep+"lang="+lang)
				if !strings.Contains(r.body, `<html lang="`+lang+`"`) {
					t.Errorf("%s: not in %s (status %d)", p.path, lang, r.StatusCode)
				}
				bad, err := untranslated(r.body, content)
				if err != nil {
					t.Fatal(err)
				}
				for _, b := range bad {
					t.Errorf("%s: not translated: %s", p.path, b)
				}
			}
		})
	}
}
