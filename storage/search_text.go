package storage

import (
	"database/sql"

	"github.com/commonplace-hub/commonplace/internal/markdown"
	"github.com/mattn/go-sqlite3"
)

// driverName is the SQLite driver the hub's database is opened with: the
// usual one, plus markdown_text(), which the search index uses to index
// what readers see of organisers' Markdown rather than its markup.
const driverName = "sqlite3_commonplace"

func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		if err := registerPictureFuncs(c); err != nil {
			return err
		}
		return c.RegisterFunc("markdown_text", markdownText, true)
	}})
}

// markdownText is the text of Markdown as a page shows it (see
// internal/markdown's Text).
func markdownText(src string) string { return markdown.Text(src) }
