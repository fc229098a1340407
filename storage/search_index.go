package storage

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/commonplace-hub/commonplace/hub"
)

// Local items are indexed for search from Go, inside the transaction that
// writes them: one upsert of the item's search_docs row (the FTS5 index
// follows by trigger). Deleting an item deletes its row by trigger.
// Markdown is indexed as the text a page shows (markdown_text, in
// search_text.go): no markup, no link targets.

// localDocSQL selects the search_docs row of each kind of local item;
// %s is the WHERE clause. Every hub.Kind needs one: the database does not
// open without it (prepareIndex).
var localDocSQL = map[hub.Kind]string{
	hub.KindEvent: `SELECT 'event:' || e.id, 'event', 1, e.id, e.slug, e.title,
		trim(markdown_text(e.description) || ' ' || e.organiser || ' ' || e.accessibility),
		COALESCE((SELECT group_concat(t.name, ' ') FROM event_tags et JOIN tags t ON t.id = et.tag_id WHERE et.event_id = e.id), ''),
		COALESCE((SELECT ' ' || group_concat(t.slug, ' ') || ' ' FROM event_tags et JOIN tags t ON t.id = et.tag_id WHERE et.event_id = e.id), ''),
		COALESCE(p.name, ''), COALESCE(p.slug, ''),
		e.start_at, CASE WHEN e.recurrence = '' THEN e.end_at ELSE e.series_end END, e.start_at
		FROM events e LEFT JOIN places p ON p.id = e.place_id %s`,
	hub.KindGuide: `SELECT 'guide:' || g.id, 'guide', 1, g.id, g.slug, g.title, trim(g.summary || ' ' || markdown_text(g.body)),
		COALESCE((SELECT group_concat(t.name, ' ') FROM guide_tags gt JOIN tags t ON t.id = gt.tag_id WHERE gt.guide_id = g.id), ''),
		COALESCE((SELECT ' ' || group_concat(t.slug, ' ') || ' ' FROM guide_tags gt JOIN tags t ON t.id = gt.tag_id WHERE gt.guide_id = g.id), ''),
		'', '', NULL, NULL, g.updated_at
		FROM guides g %s`,
	hub.KindCaseStudy: `SELECT 'case-study:' || c.id, 'case-study', 1, c.id, c.slug, c.title,
		trim(c.summary || ' ' || markdown_text(c.problem) || ' ' || markdown_text(c.approach) || ' ' || markdown_text(c.tools) || ' ' ||
		markdown_text(c.outcome) || ' ' || markdown_text(c.lessons) || ' ' || c.organisation),
		COALESCE((SELECT group_concat(t.name, ' ') FROM case_study_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.case_study_id = c.id), ''),
		COALESCE((SELECT ' ' || group_concat(t.slug, ' ') || ' ' FROM case_study_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.case_study_id = c.id), ''),
		COALESCE(p.name, ''), COALESCE(p.slug, ''), NULL, NULL, c.updated_at
		FROM case_studies c LEFT JOIN places p ON p.id = c.place_id %s`,
}

// idColumn is each kind's id column in localDocSQL.
var idColumn = map[hub.Kind]string{hub.KindEvent: "e.id", hub.KindGuide: "g.id", hub.KindCaseStudy: "c.id"}

// upsertDoc writes rows from a localDocSQL select into search_docs. An
// upsert, not REPLACE, which would skip the delete trigger and leave the
// FTS index stale.
func upsertDoc(selectSQL string) string {
	return `INSERT INTO search_docs (ref, kind, local, item_id, slug, title, body, tags, tag_slugs, place, place_slug, starts_at, ends_at, sort_at) ` +
		selectSQL + ` ON CONFLICT(ref) DO UPDATE SET slug = excluded.slug, title = excluded.title, body = excluded.body, tags = excluded.tags,
		tag_slugs = excluded.tag_slugs, place = excluded.place, place_slug = excluded.place_slug, starts_at = excluded.starts_at,
		ends_at = excluded.ends_at, sort_at = excluded.sort_at`
}

// prepareIndex prepares the per-kind upserts once, when the database
// opens: preparing later, inside a transaction, would need a second
// connection while the transaction holds one.
func (db *DB) prepareIndex(ctx context.Context) error {
	db.index = map[hub.Kind]*sql.Stmt{}
	for _, k := range hub.Kinds() {
		sel, ok := localDocSQL[k]
		if !ok || idColumn[k] == "" {
			return fmt.Errorf("index: kind %q has no search row (localDocSQL, idColumn)", k)
		}
		st, err := db.db.PrepareContext(ctx, upsertDoc(fmt.Sprintf(sel, "WHERE "+idColumn[k]+" = ?")))
		if err != nil {
			return err
		}
		db.index[k] = st
	}
	return nil
}

// indexLocal brings the search rows of local items up to date, inside tx.
func (db *DB) indexLocal(ctx context.Context, tx *sql.Tx, kind hub.Kind, ids ...int64) error {
	st, ok := db.index[kind]
	if !ok {
		return fmt.Errorf("index: unknown kind %q", kind)
	}
	st = tx.StmtContext(ctx, st)
	for _, id := range ids {
		if _, err := st.ExecContext(ctx, id); err != nil {
			return fmt.Errorf("index %s %d for search: %w", kind, id, err)
		}
	}
	return nil
}

// indexWhere reindexes the local items of a kind that a query (returning
// ids, with args) selects: the users of a renamed place or tag.
func (db *DB) indexWhere(ctx context.Context, tx *sql.Tx, kind hub.Kind, query string, args ...any) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return db.indexLocal(ctx, tx, kind, ids...)
}

// reindexIfPending indexes every local item when a migration asked for it
// (the search_reindex row), once.
func (db *DB) reindexIfPending(ctx context.Context) error {
	var n int
	if err := db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM search_reindex`).Scan(&n); err != nil || n == 0 {
		return err // the usual case, found without the write lock
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM search_reindex`).Scan(&n); err != nil || n == 0 {
			return err
		}
		for kind, sel := range localDocSQL {
			if _, err := tx.ExecContext(ctx, upsertDoc(fmt.Sprintf(sel, "WHERE true"))); err != nil {
				return fmt.Errorf("index every %s for search: %w", kind, err)
			}
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM search_reindex`)
		return err
	})
}
