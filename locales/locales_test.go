package locales_test

import (
	"bytes"
	"flag"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/commonplace-hub/commonplace/internal/i18n"
	"github.com/commonplace-hub/commonplace/locales"
)

var update = flag.Bool("update", false, "rewrite en.toml from the code")

// TestEnglishCatalog: en.toml holds exactly the messages of the code
// (templates and Go), as the extractor writes them. -args -update
// rewrites it.
func TestEnglishCatalog(t *testing.T) {
	msgs, err := i18n.Extract("..")
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := i18n.WriteEnglish(&want, msgs); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("en.toml", want.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("en.toml")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(got, want.Bytes()) {
		return
	}
	f, err := locales.ParseFile("en", got)
	if err != nil {
		t.Fatalf("en.toml does not parse (%v); run go run ./internal/i18n/extract", err)
	}
	var missing, extra []string
	for id := range msgs {
		if _, ok := f.Messages[id]; !ok {
			missing = append(missing, id)
		}
	}
	for id := range f.Messages {
		if _, ok := msgs[id]; !ok {
			extra = append(extra, id)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	t.Errorf("locales/en.toml is out of date with the code: run go run ./internal/i18n/extract (or this test with -args -update).\nnot in en.toml: %q\nno longer in the code: %q", missing, extra)
}

// TestCatalogsAreComplete: every shipped language (the Required list
// and any catalog file present) has every message of en, with the same
// fmt verbs, and its [_language] table.
func TestCatalogsAreComplete(t *testing.T) {
	files, err := locales.Files(locales.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	en := files[locales.Source]
	for _, tag := range locales.Shipped(locales.Embedded()) {
		if tag == locales.Source {
			continue
		}
		t.Run(tag, func(t *testing.T) {
			f := files[tag]
			if f == nil {
				t.Fatalf("locales/%s.toml is missing: %s is a required language (locales.Required)", tag, tag)
			}
			var missing, verbs []string
			for id, m := range en.Messages {
				tm, ok := f.Messages[id]
				if !ok || tm.Other == "" {
					missing = append(missing, id)
					continue
				}
				for _, form := range []string{tm.Zero, tm.One, tm.Two, tm.Few, tm.Many, tm.Other} {
					if form != "" && !sameVerbs(m.Other, form) {
						verbs = append(verbs, id+" → "+form)
						break
					}
				}
				if m.Plural() != tm.Plural() {
					verbs = append(verbs, id+": plural in one catalog and not the other")
				}
			}
			sort.Strings(missing)
			sort.Strings(verbs)
			if len(missing) > 0 {
				t.Errorf("%s.toml lacks %d of %d messages:\n%s", tag, len(missing), len(en.Messages), strings.Join(missing, "\n"))
			}
			if len(verbs) > 0 {
				t.Errorf("%s.toml: placeholders differ from English in %d messages:\n%s", tag, len(verbs), strings.Join(verbs, "\n"))
			}
			var extra []string
			for id := range f.Messages {
				if _, ok := en.Messages[id]; !ok {
					extra = append(extra, id)
				}
			}
			if len(extra) > 0 {
				// Harmless to readers (never looked up): said, not failed,
				// so that a message leaving the code does not break a
				// translation made before.
				sort.Strings(extra)
				t.Logf("%s.toml has %d messages the code no longer has (they can be deleted):\n%s", tag, len(extra), strings.Join(extra, "\n"))
			}
		})
	}
}

// sameVerbs reports whether a translation uses the fmt verbs of its
// English text. Without indexes, the same verbs in the same order. A
// translation may number them to reorder ("%[2]s: %[1]s"): each number
// must name an English argument of the same kind, and every argument
// must appear. When English itself numbers its arguments (%[2]d), a
// translation may leave some out (a 24-hour clock has no am/pm), but may
// name none past English's last.
func sameVerbs(en, tr string) bool {
	ev, tv := locales.Verbs(en), locales.Verbs(tr)
	enIndexed := strings.Contains(en, "%[")
	if !enIndexed && !strings.Contains(tr, "%[") {
		return slices.Equal(ev, tv)
	}
	kinds := map[string]byte{} // argument number -> verb letter
	for i, v := range ev {
		n := argIndex(v)
		if n == "" {
			n = "[" + strconv.Itoa(i+1) + "]"
		}
		kinds[n] = v[len(v)-1]
	}
	highest := 0
	for n := range kinds {
		if i, _ := strconv.Atoi(strings.Trim(n, "[]")); i > highest {
			highest = i
		}
	}
	used := map[string]bool{}
	for i, v := range tv {
		n := argIndex(v)
		if n == "" {
			n = "[" + strconv.Itoa(i+1) + "]"
		}
		k, ok := kinds[n]
		if !ok {
			// An argument English leaves out (a date pattern's 24-hour
			// hour): allowed within the arguments English is given.
			if at, _ := strconv.Atoi(strings.Trim(n, "[]")); !enIndexed || at < 1 || at > highest {
				return false
			}
			continue
		}
		if k != v[len(v)-1] {
			return false
		}
		used[n] = true
	}
	return enIndexed || len(used) == len(kinds)
}

func argIndex(v string) string {
	i, j := strings.Index(v, "["), strings.Index(v, "]")
	if i < 0 || j < i {
		return ""
	}
	return v[i : j+1]
}

func testCatalog(t *testing.T, files map[string]string) *locales.Catalog {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, body := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(body)}
	}
	c, err := locales.New(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const testEnglish = `
[_language]
name = "English"
reviewed = true

[messages]
"Save" = "Save"
"[month] May" = "May"
"%d event" = { one = "%d event", other = "%d events" }
"<strong>Note</strong> &amp; %s" = "<strong>Note</strong> &amp; %s"
`

const testWelsh = `
[_language]
name = "Cymraeg"
dir = "ltr"

[messages]
"Save" = "Cadw"
"%d event" = { zero = "%d digwyddiadau", one = "%d digwyddiad", two = "%d ddigwyddiad", few = "%d digwyddiad (few)", many = "%d digwyddiad (many)", other = "%d digwyddiad (other)" }
`

// TestPluralsFollowCLDR: Welsh has six plural forms, English two; the
// catalog picks them by the language's CLDR rules.
func TestPluralsFollowCLDR(t *testing.T) {
	c := testCatalog(t, map[string]string{"en.toml": testEnglish, "cy.toml": testWelsh})
	for _, tt := range []struct {
		lang string
		n    int
		want string
	}{
		{"en", 0, "%d events"}, {"en", 1, "%d event"}, {"en", 2, "%d events"},
		{"cy", 0, "%d digwyddiadau"}, {"cy", 1, "%d digwyddiad"}, {"cy", 2, "%d ddigwyddiad"},
		{"cy", 3, "%d digwyddiad (few)"}, {"cy", 6, "%d digwyddiad (many)"}, {"cy", 4, "%d digwyddiad (other)"},
		{"fr", 2, "%d events"}, // no French catalog: English
	} {
		if got := c.Plural(tt.lang, "%d event", "%d events", tt.n); got != tt.want {
			t.Errorf("Plural(%s, %d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
	}
	if got := c.In("cy").N("%d event", "%d events", 2); got != "2 ddigwyddiad" {
		t.Errorf("N = %q", got)
	}
}

// TestMessagesFallBackToEnglish: a message a catalog lacks is English,
// and a context is never shown.
func TestMessagesFallBackToEnglish(t *testing.T) {
	c := testCatalog(t, map[string]string{"en.toml": testEnglish, "cy.toml": testWelsh})
	for _, tt := range []struct{ lang, id, want string }{
		{"cy", "Save", "Cadw"},
		{"cy", "[month] May", "May"},
		{"en", "[month] May", "May"},
		{"cy", "[nowhere] Not in any catalog", "Not in any catalog"},
		{"xx", "Save", "Save"},
	} {
		if got := c.Message(tt.lang, tt.id); got != tt.want {
			t.Errorf("Message(%s, %q) = %q, want %q", tt.lang, tt.id, got, tt.want)
		}
	}
}

// TestChoosingALanguage: settings and Accept-Language are answered with a
// shipped language or refused; pseudo-locales only by name.
func TestChoosingALanguage(t *testing.T) {
	c := testCatalog(t, map[string]string{"en.toml": testEnglish, "cy.toml": testWelsh})
	for _, tt := range []struct {
		tag, want string
		ok        bool
	}{
		{"en-GB", "en", true}, {"en", "en", true}, {"cy", "cy", true}, {"cy-GB", "cy", true},
		{"xx-bogus-!!", "", false}, {"zh", "", false}, {"", "", false}, {"en-XA", "", false},
	} {
		got, ok := c.Supported(tt.tag)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Supported(%q) = %q, %v; want %q, %v", tt.tag, got, ok, tt.want, tt.ok)
		}
	}
	for _, tt := range []struct {
		header, want string
		ok           bool
	}{
		{"cy,en;q=0.5", "cy", true}, {"fr-FR,cy;q=0.8", "cy", true}, {"en-US", "en", true},
		{"de", "", false}, {"", "", false}, {"garbage;;;q=x", "", false},
	} {
		got, ok := c.Preferred(tt.header)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Preferred(%q) = %q, %v; want %q, %v", tt.header, got, ok, tt.want, tt.ok)
		}
	}
	if tag, ok := c.Chosen("ar-XB"); !ok || tag != "ar-XB" {
		t.Errorf("Chosen(ar-XB) = %q, %v", tag, ok)
	}
	for _, l := range c.Languages() {
		if l.Pseudo {
			t.Errorf("pseudo-locale %s offered to readers", l.Tag)
		}
	}
}

// TestPseudoLocales: every message of en-XA and ar-XB is transformed (no
// ASCII letter left outside fmt verbs and HTML), formats the same, and
// ar-XB is right to left.
func TestPseudoLocales(t *testing.T) {
	c := testCatalog(t, map[string]string{"en.toml": testEnglish})
	if got := c.Message(locales.PseudoAccented, "Save"); got != "[Šåṽé]" {
		t.Errorf("en-XA Save = %q", got)
	}
	if got := c.Message(locales.PseudoAccented, "<strong>Note</strong> &amp; %s"); got != "[<strong>Ñöţé</strong> &amp; %s]" {
		t.Errorf("en-XA HTML = %q", got)
	}
	if got := c.In(locales.PseudoRTL).N("%d event", "%d events", 3); got != "\u202e3 éṽéñţš\u202c" {
		t.Errorf("ar-XB plural = %q", got)
	}
	if l, _ := c.Language(locales.PseudoRTL); l.Dir != "rtl" || !l.Pseudo {
		t.Errorf("ar-XB = %+v", l)
	}
}

// TestDatesInTheLanguage: dates and times come from the catalog, not
// Go's English names.
func TestDatesInTheLanguage(t *testing.T) {
	fr := `
[_language]
name = "Français"

[messages]
"[weekday] Tuesday" = "mardi"
"[month] December" = "décembre"
"[long date: weekday, day, month, year] %[1]s %[2]d %[3]s %[4]d" = "%[1]s %[2]d %[3]s %[4]d"
"[time: 24-hour hour, minute, 12-hour hour, am or pm] %[3]d:%02[2]d%[4]s" = "%[1]d h %02[2]d"
"[time on the hour: 24-hour hour, minute, 12-hour hour, am or pm] %[3]d%[4]s" = "%[1]d h"
`
	c := testCatalog(t, map[string]string{"en.toml": testEnglish, "fr.toml": fr})
	at := time.Date(2026, 12, 8, 19, 30, 0, 0, time.UTC)
	if got := c.In("fr").LongDate(at); got != "mardi 8 décembre 2026" {
		t.Errorf("fr LongDate = %q", got)
	}
	if got := c.In("fr").Clock(at); got != "19 h 30" {
		t.Errorf("fr Clock = %q", got)
	}
	if got := c.In("fr").Clock(at.Add(30 * time.Minute)); got != "20 h" {
		t.Errorf("fr Clock on the hour = %q", got)
	}
	if got := c.In("en").Clock(at); got != "7:30pm" {
		t.Errorf("en Clock = %q", got)
	}
	if got := c.In("en").LongDate(at); got != "Tuesday 8 December 2026" {
		t.Errorf("en LongDate = %q", got)
	}
}

// TestBadCatalogFiles: a catalog a volunteer got wrong is refused with
// the file and the message named.
func TestBadCatalogFiles(t *testing.T) {
	for name, body := range map[string]string{
		"no name":     "[_language]\ndir = \"ltr\"\n[messages]\n",
		"bad dir":     "[_language]\nname = \"X\"\ndir = \"up\"\n[messages]\n",
		"bad form":    "[_language]\nname = \"X\"\n[messages]\n\"Save\" = { lots = \"x\", other = \"y\" }\n",
		"no other":    "[_language]\nname = \"X\"\n[messages]\n\"Save\" = { one = \"x\" }\n",
		"not text":    "[_language]\nname = \"X\"\n[messages]\n\"Save\" = 3\n",
		"stray table": "[_language]\nname = \"X\"\n[messges]\n\"Save\" = \"x\"\n",
		"not toml":    "[_language\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := locales.ParseFile("cy", []byte(body))
			if err == nil || !strings.Contains(err.Error(), "cy.toml") {
				t.Errorf("error %v, want one naming cy.toml", err)
			}
		})
	}
}

// TestSameVerbs: what the coverage test accepts of a translation's
// placeholders.
func TestSameVerbs(t *testing.T) {
	for _, tt := range []struct {
		en, tr string
		ok     bool
	}{
		{"%s from %s", "%s o %s", true},
		{"%s from %s", "%[2]s: %[1]s", true},
		{"%d events", "%d digwyddiad", true},
		{"%d events", "digwyddiadau", false},
		{"%s from %s", "%s", false},
		{"%s has %d", "%[2]s %[1]d", false}, // the kinds swapped
		{"%s has %d", "%d %s", false},
		{"%[3]d:%02[2]d%[4]s", "%02[1]d:%02[2]d", true},
		{"%[3]d:%02[2]d%[4]s", "%[5]d", false},
		{"100%% sure", "100%% sicr", true},
	} {
		if got := sameVerbs(tt.en, tt.tr); got != tt.ok {
			t.Errorf("sameVerbs(%q, %q) = %v, want %v", tt.en, tt.tr, got, tt.ok)
		}
	}
}

// TestCountsInTheLanguage: the number of a plural message is a count,
// written from 1,000 on with the language's digit grouping; smaller counts,
// and years and times (which are not plural messages), are plain digits.
func TestCountsInTheLanguage(t *testing.T) {
	c, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		lang string
		n    int
		want string
	}{
		{"en", 1, "1 item"},
		{"en", 999, "999 items"},
		{"en", 12345, "12,345 items"},
		{"fr", 12345, "12\u00a0345"},
		{"de", 1234, "1.234"},
		{"es", 1234, "1.234"},
		{"cy", 1234, "1,234"},
	} {
		if got := c.In(tt.lang).N("%d item", "%d items", tt.n); !strings.Contains(got, tt.want) {
			t.Errorf("%s, %d: %q, want it to hold %q", tt.lang, tt.n, got, tt.want)
		}
	}
	if got := c.In("de").LongDate(time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)); strings.Contains(got, "2.026") {
		t.Errorf("a year is not a count: %q", got)
	}
}
