package web

import (
	"html/template"

	"github.com/commonplace-hub/commonplace/internal/markdown"
)

// markdownRenderer renders organisers' Markdown to safe HTML for the
// pages and feeds: internal/markdown's SafeHTML (goldmark leaves raw HTML
// out and refuses dangerous link schemes; bluemonday then keeps only
// user-content markup, so nothing an organiser types can run in a
// reader's browser).
type markdownRenderer struct{}

func newMarkdown() *markdownRenderer { return &markdownRenderer{} }

func (m *markdownRenderer) render(src string) template.HTML { return markdown.SafeHTML(src) }
