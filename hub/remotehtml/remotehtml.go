// Package remotehtml makes HTML from other fediverse servers safe to
// show: federation cleans what arrives, and the web pages clean it again
// when they show it.
package remotehtml

import (
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	xhtml "golang.org/x/net/html"
)

// policy keeps the markup that fediverse servers send in content
// (paragraphs, links, lists, quotes, code, Mastodon's mention and hashtag
// classes) and drops everything else: scripts, styles, iframes, forms,
// images (which would load from other servers: no trackers), event
// handler attributes and any URL scheme but http, https and mailto.
var policy = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "span", "strong", "b", "em", "i", "u", "s", "del", "ins", "sub", "sup",
		"ul", "ol", "li", "blockquote", "code", "pre", "h2", "h3", "h4", "h5", "h6", "hr", "dl", "dt", "dd")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(false)
	// Mastodon's microformats: h-card, u-url mention, hashtag, and the
	// invisible/ellipsis spans of shortened links.
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^(?:(?:h-card|u-url|mention|hashtag|invisible|ellipsis|quote-inline)\s*)+$`)).OnElements("a", "span")
	p.AllowAttrs("lang").Globally()
	return p
}()

// Sanitize makes remote HTML safe to show on the hub's pages. An h1
// becomes h2: the page's own title is its only h1.
func Sanitize(s string) string {
	s = strings.ReplaceAll(s, "<h1", "<h2")
	s = strings.ReplaceAll(s, "</h1>", "</h2>")
	return strings.TrimSpace(policy.Sanitize(s))
}

// PlainText returns the text of an HTML fragment, with block elements
// separated by spaces and runs of space collapsed.
func PlainText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return strings.Join(strings.Fields(s), " ")
	}
	var b strings.Builder
	z := xhtml.NewTokenizer(strings.NewReader(s))
	skip := 0
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case xhtml.TextToken:
			if skip == 0 {
				b.Write(z.Text()) // already unescaped
			}
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style":
				skip++
			}
			b.WriteByte(' ')
		case xhtml.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style":
				if skip > 0 {
					skip--
				}
			}
			b.WriteByte(' ')
		}
	}
}
