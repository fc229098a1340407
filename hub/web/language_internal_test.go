package web

import "testing"

// TestKeepLanguage: a page in a language the reader chose keeps it on its
// internal links and GET forms, and leaves files, other sites and links
// that already name a language alone.
func TestKeepLanguage(t *testing.T) {
	page := `<a href="/events">x</a><a href="/events?tag=a&amp;place=b#list">x</a><a href="/static/style.css">x</a>` +
		`<a href="/feed.atom">x</a><a href="/logo">x</a><a href="https://example.org/">x</a><a href="//cdn.example/x">x</a>` +
		`<a href="/events?lang=en">x</a><form method="get" action="/search"><input name="q"></form><form method="post" action="/admin/x"></form>`
	want := `<a href="/events?lang=cy">x</a><a href="/events?tag=a&amp;place=b&amp;lang=cy#list">x</a><a href="/static/style.css">x</a>` +
		`<a href="/feed.atom">x</a><a href="/logo">x</a><a href="https://example.org/">x</a><a href="//cdn.example/x">x</a>` +
		`<a href="/events?lang=en">x</a><form method="get" action="/search"><input type="hidden" name="lang" value="cy"><input name="q"></form><form method="post" action="/admin/x?lang=cy"></form>`
	if got := string(keepLanguage([]byte(page), "cy")); got != want {
		t.Errorf("keepLanguage:\n got %s\nwant %s", got, want)
	}
}
