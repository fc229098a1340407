package federation

import (
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// TestItemLanguagesFromMaps: an object's nameMap, summaryMap and
// contentMap are kept: the text that matches content (or the first
// language) as the item's own, the others as translations, sanitised;
// In then shows a reader's language where the origin sent it.
func TestItemLanguagesFromMaps(t *testing.T) {
	body := `{"type":"Article","id":"https://x.example/guides/1","name":"Running a drop-in",
		"content":"<p>How we run it.</p>",
		"contentMap":{"en":"<p>How we run it.</p>","cy":"<p>Sut rydyn ni'n ei redeg.</p><script>x</script>","fr":""},
		"nameMap":{"en":"Running a drop-in","cy":"Cynnal sesiwn galw heibio"},
		"summaryMap":{"cy":"Crynodeb"}}`
	d, err := parseDoc([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	it, err := parseItem(d, hub.Origin{ActorID: "https://x.example/actor", Host: "x.example"}, time.Unix(1_800_000_000, 0))
	if err != nil {
		t.Fatal(err)
	}
	if it.Language != "en" || it.Title != "Running a drop-in" || len(it.Translations) != 1 {
		t.Fatalf("item %q %q, translations %+v", it.Language, it.Title, it.Translations)
	}
	cy := it.Translations[0]
	if cy.Language != "cy" || cy.Title != "Cynnal sesiwn galw heibio" || cy.Summary != "Crynodeb" || strings.Contains(cy.ContentHTML, "<script") {
		t.Errorf("Welsh = %+v", cy)
	}
	for _, tt := range []struct{ lang, title, language string }{
		{"cy", "Cynnal sesiwn galw heibio", "cy"},
		{"cy-GB", "Cynnal sesiwn galw heibio", "cy"},
		{"en-GB", "Running a drop-in", "en"},
		{"fr", "Running a drop-in", "en"}, // an empty French text is no translation
		{"", "Running a drop-in", "en"},
	} {
		got := it.In(tt.lang)
		if got.Title != tt.title || got.Language != tt.language {
			t.Errorf("In(%q) = %q in %q, want %q in %q", tt.lang, got.Title, got.Language, tt.title, tt.language)
		}
	}

	// Without content, the first language of contentMap is the item's own.
	d, _ = parseDoc([]byte(`{"type":"Article","id":"https://x.example/guides/2","contentMap":{"de":"<p>Hallo</p>","cy":"<p>Helo</p>"},"nameMap":{"de":"Hallo","cy":"Helo"}}`))
	it, err = parseItem(d, hub.Origin{ActorID: "https://x.example/actor", Host: "x.example"}, time.Unix(1_800_000_000, 0))
	if err != nil {
		t.Fatal(err)
	}
	if it.Language != "cy" || it.Title != "Helo" || len(it.Translations) != 1 || it.In("de").Title != "Hallo" {
		t.Errorf("item %q %q %+v", it.Language, it.Title, it.Translations)
	}
}
