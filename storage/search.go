package storage

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode"

	"github.com/commonplace-hub/commonplace/hub"
)

// SearchStore implements hub.SearchStore with SQLite FTS5 over
// search_docs (see migrations/0006_search.sql).
type SearchStore struct{ db *DB }

var _ hub.SearchStore = (*SearchStore)(nil)

// maxCounted caps the count of results.
const maxCounted = 1000

// Snippet markers: the domain's (see hub.SearchHit.Snippet).
const (
	markOpen  = hub.SnippetMatchStart
	markClose = hub.SnippetMatchEnd
)

// ftsQuery turns what a reader typed into a safe FTS5 query: every word
// and "quoted phrase" becomes a quoted string (so AND, OR, NOT, NEAR, *,
// ^, :, ( and - are just text), all must match, and the last word matches
// as a prefix while it is being typed. "" means nothing searchable.
func ftsQuery(text string) string {
	var terms []string
	add := func(term string, prefix bool) {
		hasWord := strings.IndexFunc(term, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
		if !hasWord {
			return
		}
		q := `"` + strings.ReplaceAll(term, `"`, `""`) + `"`
		if prefix {
			q += "*"
		}
		terms = append(terms, q)
	}
	rest := text
	for {
		rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
		if rest == "" {
			break
		}
		if rest[0] == '"' {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 { // an unclosed quote: the rest is a phrase
				add(rest[1:], false)
				break
			}
			add(rest[1:1+end], false)
			rest = rest[2+end:]
			continue
		}
		end := strings.IndexFunc(rest, func(r rune) bool { return unicode.IsSpace(r) || r == '"' })
		if end < 0 {
			add(rest, !strings.HasSuffix(text, " "))
			break
		}
		add(rest[:end], false)
		rest = rest[end:]
	}
	return strings.Join(terms, " ")
}

// Search finds local and commons items, best match first.
func (s *SearchStore) Search(ctx context.Context, q hub.SearchQuery) (*hub.SearchResults, error) {
	var where []string
	var args []any
	match := ftsQuery(q.Text)
	if q.Text != "" && match == "" {
		return &hub.SearchResults{}, nil // only punctuation: nothing can match
	}
	if match != "" {
		where, args = append(where, "search_fts MATCH ?"), append(args, match)
	}
	if q.Kind != "" {
		where, args = append(where, "d.kind = ?"), append(args, q.Kind)
	}
	switch q.Origin {
	case "":
	case hub.OriginLocal:
		where = append(where, "d.local = 1")
	case hub.OriginCommons:
		where = append(where, "d.local = 0")
	default:
		where, args = append(where, "d.origin = ?"), append(args, q.Origin)
	}
	if q.Tag != "" {
		where, args = append(where, "d.tag_slugs LIKE ?"), append(args, "% "+hub.Slugify(q.Tag)+" %")
	}
	if q.Place != "" {
		where, args = append(where, "d.place_slug = ?"), append(args, hub.Slugify(q.Place))
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		// A date range selects events that overlap it; a series without
		// an end overlaps every range after its start.
		where = append(where, "d.kind = 'event'")
		if !q.From.IsZero() {
			where, args = append(where, "(d.ends_at IS NULL OR d.ends_at >= ?)"), append(args, unix(q.From))
		}
		if !q.To.IsZero() {
			where, args = append(where, "d.starts_at < ?"), append(args, unix(q.To))
		}
	}
	from := " FROM search_docs d"
	order := " ORDER BY d.sort_at DESC, d.id DESC"
	snippet := "substr(d.body, 1, 240)"
	if match != "" {
		from = " FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid"
		// rank is bm25 with the title weighted (see the migration); FTS5
		// sorts by it itself.
		order = " ORDER BY search_fts.rank"
		snippet = "snippet(search_fts, 1, '" + markOpen + "', '" + markClose + "', '…', 24)"
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	// Counting every match of a common word costs more than finding the
	// best 20; past maxCounted the total is "more than".
	res := &hub.SearchResults{}
	if err := s.db.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1"+from+cond+" LIMIT ?)", append(args, maxCounted+1)...).Scan(&res.Total); err != nil {
		return nil, s.queryError(err)
	}
	if res.Total > maxCounted {
		res.Total, res.More = maxCounted, true
	}
	if res.Total == 0 {
		return res, nil
	}
	rows, err := s.db.db.QueryContext(ctx, `SELECT d.kind, d.local, d.item_id, d.slug, d.origin, d.origin_name, d.title, d.starts_at, d.sort_at, `+snippet+
		from+cond+order+` LIMIT ? OFFSET ?`, append(args, q.Limit, q.Offset)...)
	if err != nil {
		return nil, s.queryError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var h hub.SearchHit
		var starts sql.NullInt64
		var sortAt int64
		var snip string
		if err := rows.Scan(&h.Kind, &h.Local, &h.ID, &h.Slug, &h.Origin.Host, &h.Origin.Name, &h.Title, &starts, &sortAt, &snip); err != nil {
			return nil, wrap(err, "read search hit")
		}
		h.StartsAt = timePtr(starts)
		h.Updated = time.Unix(sortAt, 0).UTC()
		h.Snippet = snippetText(snip, match == "")
		res.Hits = append(res.Hits, h)
	}
	return res, wrap(rows.Err(), "search")
}

// snippetText collapses a snippet's spacing and, when cut (no match to
// centre on), shortens it to 200 characters. The text is already plain
// (Markdown is indexed as the text pages show); the page escapes it.
func snippetText(s string, cut bool) string {
	s = strings.Join(strings.Fields(s), " ")
	if cut && len([]rune(s)) > 200 {
		s = string([]rune(s)[:199]) + "…"
	}
	return s
}

// queryError turns an FTS5 syntax error, which ftsQuery should prevent,
// into a message a reader can act on.
func (s *SearchStore) queryError(err error) error {
	if strings.Contains(err.Error(), "fts5") {
		return hub.Errorf(hub.EINVALID, "The search could not be understood. Try plain words.")
	}
	return wrap(err, "search")
}

// Hosts lists the servers the commons holds items from.
func (s *CommonsStore) Hosts(ctx context.Context) ([]string, error) {
	return queryAll(ctx, s.db.db, scanValue[string], "list commons hosts", `SELECT DISTINCT origin_host FROM remote_items ORDER BY origin_host`)
}

// CheckSearchIndex runs FTS5's integrity check: the index must agree with
// the rows it indexes.
func (db *DB) CheckSearchIndex(ctx context.Context) error {
	_, err := db.db.ExecContext(ctx, `INSERT INTO search_fts (search_fts, rank) VALUES ('integrity-check', 1)`)
	return wrap(err, "check the search index")
}
