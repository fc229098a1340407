package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// QueueStore implements hub.QueueStore (migration 0015).
type QueueStore struct{ db *DB }

var _ hub.QueueStore = (*QueueStore)(nil)

var (
	noSuggestion = hub.Errorf(hub.ENOTFOUND, "There is no such suggestion.")
	noReport     = hub.Errorf(hub.ENOTFOUND, "There is no such report.")
)

// FormSecret returns the key migration 0015 made.
func (s *QueueStore) FormSecret(ctx context.Context) ([]byte, error) {
	var key []byte
	err := s.db.db.QueryRowContext(ctx, `SELECT secret FROM queue_secret WHERE id = 1`).Scan(&key)
	return key, wrap(err, "reading the form key")
}

func (s *QueueStore) createdAt(t time.Time) time.Time {
	if t.IsZero() {
		return s.db.now().UTC().Truncate(time.Second)
	}
	return t.UTC().Truncate(time.Second)
}

// CreateSuggestion stores sg and uses the token in one transaction.
func (s *QueueStore) CreateSuggestion(ctx context.Context, sg *hub.Suggestion, tokenID string, expires time.Time) error {
	sg.CreatedAt = s.createdAt(sg.CreatedAt)
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO used_form_tokens (id, expires_at) VALUES (?, ?)`, tokenID, unix(expires)); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO suggestions (title, description, start_at, end_at, time_zone, place, online_url, name, email, client, state, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, sg.Title, sg.Description, unix(sg.Start), unix(sg.End), sg.TimeZone,
			sg.Place, sg.OnlineURL, sg.Name, sg.Email, sg.Client, sg.State, unix(sg.CreatedAt))
		if err != nil {
			return err
		}
		sg.ID, err = res.LastInsertId()
		return err
	})
	return wrap(err, "saving the suggestion")
}

// CountSuggestionsFrom counts a client's suggestions since since.
func (s *QueueStore) CountSuggestionsFrom(ctx context.Context, client string, since time.Time) (int, error) {
	var n int
	err := s.db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM suggestions WHERE client = ? AND created_at >= ?`, client, unix(since)).Scan(&n)
	return n, wrap(err, "counting suggestions")
}

const suggestionColumns = `id, title, description, start_at, end_at, time_zone, place, online_url, name, email, client, state,
	COALESCE(event_id, 0), decided_by, decided_at, created_at`

func scanSuggestion(r rowScanner) (*hub.Suggestion, error) {
	var sg hub.Suggestion
	var start, end, created int64
	var decided sql.NullInt64
	err := r.Scan(&sg.ID, &sg.Title, &sg.Description, &start, &end, &sg.TimeZone, &sg.Place, &sg.OnlineURL, &sg.Name,
		&sg.Email, &sg.Client, &sg.State, &sg.EventID, &sg.DecidedBy, &decided, &created)
	if err != nil {
		return nil, err
	}
	loc := location(sg.TimeZone)
	sg.Start, sg.End = time.Unix(start, 0).In(loc), time.Unix(end, 0).In(loc)
	sg.DecidedAt, sg.CreatedAt = timePtr(decided), fromUnix(created)
	return &sg, nil
}

// FindSuggestion returns one suggestion.
func (s *QueueStore) FindSuggestion(ctx context.Context, id int64) (*hub.Suggestion, error) {
	return queryOne(ctx, s.db.db, scanSuggestion, noSuggestion, "reading a suggestion",
		`SELECT `+suggestionColumns+` FROM suggestions WHERE id = ?`, id)
}

// ListSuggestions lists suggestions in state, oldest first.
func (s *QueueStore) ListSuggestions(ctx context.Context, state string) ([]*hub.Suggestion, error) {
	return queryAll(ctx, s.db.db, scanSuggestion, "listing suggestions",
		`SELECT `+suggestionColumns+` FROM suggestions WHERE ? = '' OR state = ? ORDER BY created_at, id`, state, state)
}

// DecideSuggestion records the decision and empties the email.
func (s *QueueStore) DecideSuggestion(ctx context.Context, id int64, state string, eventID int64, by string, at time.Time) error {
	return decidePending(ctx, s.db, s.FindSuggestion, id, hub.Errorf(hub.ECONFLICT, "This suggestion was already decided."), "deciding a suggestion",
		`UPDATE suggestions SET state = ?, event_id = ?, decided_by = ?, decided_at = ?, email = '' WHERE id = ? AND state = 'pending'`,
		state, nullID(eventID), by, unix(at), id)
}

// decidePending runs update, which decides the row id only while it is
// pending. When it changes no row, the answer is find's error for a row
// that does not exist (ENOTFOUND), else already (ECONFLICT).
func decidePending[T any](ctx context.Context, db *DB, find func(context.Context, int64) (T, error), id int64,
	already *hub.Error, what, update string, args ...any) error {
	err := db.execOne(ctx, already, what, update, args...)
	if hub.ErrorCode(err) == hub.ECONFLICT {
		if _, ferr := find(ctx, id); ferr != nil {
			return ferr
		}
	}
	return err
}

// PurgeQueue empties old emails and forgets expired tokens.
func (s *QueueStore) PurgeQueue(ctx context.Context, before, now time.Time) (int, error) {
	res, err := s.db.exec(ctx, `UPDATE suggestions SET email = '' WHERE email != '' AND created_at < ?`, unix(before))
	if err != nil {
		return 0, wrap(err, "removing old emails")
	}
	n, _ := res.RowsAffected()
	if _, err := s.db.exec(ctx, `DELETE FROM used_form_tokens WHERE expires_at < ?`, unix(now)); err != nil {
		return 0, wrap(err, "forgetting used form tokens")
	}
	return int(n), nil
}

// CreateReport stores a report.
func (s *QueueStore) CreateReport(ctx context.Context, r *hub.Report) error {
	r.CreatedAt = s.createdAt(r.CreatedAt)
	objects, err := json.Marshal(r.Objects)
	if err != nil {
		return hub.Internal(err, "saving a report")
	}
	if r.Objects == nil {
		objects = []byte("[]")
	}
	res, err := s.db.exec(ctx, `INSERT INTO reports (direction, activity_iri, server, actor, comment, objects, state, decided_by, decided_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.Direction, r.ActivityIRI, r.Server, r.Actor, r.Comment, string(objects), r.State,
		r.DecidedBy, nullUnix(r.DecidedAt), unix(r.CreatedAt))
	if err != nil {
		return wrap(err, "saving a report")
	}
	r.ID, err = res.LastInsertId()
	return wrap(err, "saving a report")
}

const reportColumns = `id, direction, activity_iri, server, actor, comment, objects, state, decided_by, decided_at, created_at`

func scanReport(row rowScanner) (*hub.Report, error) {
	var r hub.Report
	var objects string
	var created int64
	var decided sql.NullInt64
	if err := row.Scan(&r.ID, &r.Direction, &r.ActivityIRI, &r.Server, &r.Actor, &r.Comment, &objects, &r.State, &r.DecidedBy, &decided, &created); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(objects), &r.Objects); err != nil {
		return nil, err
	}
	r.DecidedAt, r.CreatedAt = timePtr(decided), fromUnix(created)
	return &r, nil
}

// FindReport returns one report.
func (s *QueueStore) FindReport(ctx context.Context, id int64) (*hub.Report, error) {
	return queryOne(ctx, s.db.db, scanReport, noReport, "reading a report",
		`SELECT `+reportColumns+` FROM reports WHERE id = ?`, id)
}

// ListReports lists reports in state, oldest first.
func (s *QueueStore) ListReports(ctx context.Context, state string) ([]*hub.Report, error) {
	return queryAll(ctx, s.db.db, scanReport, "listing reports",
		`SELECT `+reportColumns+` FROM reports WHERE ? = '' OR state = ? ORDER BY created_at, id`, state, state)
}

// DecideReport records the decision on a pending report.
func (s *QueueStore) DecideReport(ctx context.Context, id int64, state, by string, at time.Time) error {
	return decidePending(ctx, s.db, s.FindReport, id, hub.Errorf(hub.ECONFLICT, "This report was already decided."), "deciding a report",
		`UPDATE reports SET state = ?, decided_by = ?, decided_at = ? WHERE id = ? AND state = 'pending'`, state, by, unix(at), id)
}

// QueueCounts counts what is pending.
func (s *QueueStore) QueueCounts(ctx context.Context) (hub.QueueCounts, error) {
	var c hub.QueueCounts
	err := s.db.db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM suggestions WHERE state = 'pending'),
		(SELECT COUNT(*) FROM reports WHERE state = 'pending')`).Scan(&c.Suggestions, &c.Reports)
	return c, wrap(err, "counting the queue")
}
