package storage

import (
	"database/sql"
	"html"
	"strings"

	"github.com/mattn/go-sqlite3"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

// driverName is the SQLite driver the hub's database is opened with: the
// usual one, plus markdown_text(), which the search index uses to index
// what readers see of organisers' Markdown rather than its markup.
const driverName = "sqlite3_commonplace"

func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		return c.RegisterFunc("markdown_text", markdownText, true)
	}})
}

var markdownParser = goldmark.New(goldmark.WithExtensions(extension.GFM)).Parser()

// markdownText is the text of Markdown as a page shows it: no markup, no
// link targets or raw HTML, one space between words and blocks.
func markdownText(src string) string {
	if src == "" {
		return ""
	}
	source := []byte(src)
	var b strings.Builder
	ast.Walk(markdownParser.Parse(text.NewReader(source)), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
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
