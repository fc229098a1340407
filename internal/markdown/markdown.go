// Package markdown owns the rendering of organisers' Markdown: to safe
// HTML for the hub's pages and feeds (SafeHTML), to HTML for federated
// objects (FederatedHTML), to plain text for the search index (Text), and
// to one-line descriptions (Summary for pages, Abstract for federated
// summaries). Every renderer parses GitHub-flavoured Markdown with
// goldmark, which leaves raw HTML out and refuses dangerous link schemes.
//
// The variants differ on purpose and each reproduces what its caller has
// always produced: pages add heading ids and pass bluemonday's UGC policy
// (links get rel="noreferrer"); federated HTML is goldmark's output as
// is, trimmed, for other servers to sanitise with their own policies;
// Summary reads the page's HTML, Abstract the Markdown source. It is a
// leaf: it imports nothing of the module, so storage may use it.
package markdown

import (
	"bytes"
	"html"
	"html/template"
	"strings"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// pages renders for the hub's own pages and feeds.
var pages = goldmark.New(
	goldmark.WithExtensions(extension.GFM),
	goldmark.WithParserOptions(parser.WithAutoHeadingID()),
)

// federated renders for ActivityStreams objects.
var federated = goldmark.New(goldmark.WithExtensions(extension.GFM))

// textParser parses for Text.
var textParser = goldmark.New(goldmark.WithExtensions(extension.GFM)).Parser()

// pagePolicy keeps only user-content markup, so nothing an organiser
// types can run in a reader's browser.
var pagePolicy = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(false)
	p.RequireNoReferrerOnLinks(true)
	p.AllowURLSchemes("http", "https", "mailto", "tel")
	return p
}()

var stripTags = bluemonday.StrictPolicy()

// SafeHTML renders Markdown to HTML for the hub's pages and feeds:
// headings get ids, and the result has passed bluemonday's UGC policy
// (links to http(s), mailto and tel only).
func SafeHTML(src string) template.HTML {
	var buf bytes.Buffer
	if err := pages.Convert([]byte(src), &buf); err != nil {
		// goldmark does not fail on any input; show the text escaped if it does.
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(pagePolicy.SanitizeBytes(buf.Bytes()))
}

// FederatedHTML renders Markdown to HTML for an ActivityStreams object's
// content: goldmark's output (raw HTML escaped), trimmed.
func FederatedHTML(src string) string {
	var b bytes.Buffer
	if err := federated.Convert([]byte(src), &b); err != nil {
		return "<p>" + html.EscapeString(src) + "</p>"
	}
	return strings.TrimSpace(b.String())
}

// Text is the text of Markdown as a page shows it: no markup, no link
// targets or raw HTML, one space between words and blocks. The search
// index holds it (storage's markdown_text() SQL function).
func Text(src string) string {
	if src == "" {
		return ""
	}
	source := []byte(src)
	var b strings.Builder
	ast.Walk(textParser.Parse(text.NewReader(source)), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			if n.Type() == ast.TypeBlock {
				b.WriteByte(' ')
			}
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			b.Write(n.Segment.Value(source))
			if n.SoftLineBreak() || n.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(n.Value)
		case *ast.AutoLink:
			b.Write(n.Label(source))
		case *ast.CodeBlock, *ast.FencedCodeBlock:
			lines := n.Lines()
			for i := range lines.Len() {
				seg := lines.At(i)
				b.Write(seg.Value(source))
				b.WriteByte(' ')
			}
		case *ast.RawHTML, *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.Join(strings.Fields(html.UnescapeString(b.String())), " ")
}

// Summary is Markdown as one line of plain text of at most n runes, for
// pages' descriptions and link previews: the text of SafeHTML, cut at a
// space past half of n, trailing punctuation dropped, then "…".
func Summary(src string, n int) string {
	text := html.UnescapeString(stripTags.Sanitize(string(SafeHTML(src))))
	text = strings.Join(strings.Fields(text), " ")
	cut, clipped := clip(text, n)
	if !clipped {
		return text
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}

// clip is text when it has at most n runes; otherwise its first n runes,
// cut back to their last space when that is past half of them, and true.
func clip(text string, n int) (string, bool) {
	if utf8.RuneCountInString(text) <= n {
		return text, false
	}
	cut := string([]rune(text)[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut, true
}

// Abstract is the first paragraph of Markdown, without emphasis, code or
// heading marks, on one line of at most max runes (cut at a space past
// half of max, then "…"), for federated objects' summaries and names.
func Abstract(md string, max int) string {
	para := strings.TrimSpace(md)
	if i := strings.Index(para, "\n\n"); i >= 0 {
		para = para[:i]
	}
	para = strings.NewReplacer("**", "", "__", "", "`", "", "#", "").Replace(para)
	para = strings.Join(strings.Fields(para), " ")
	if s, clipped := clip(para, max); clipped {
		return s + "…"
	}
	return para
}
