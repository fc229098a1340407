package storage

import (
	"context"

	"github.com/commonplace-hub/commonplace/hub"
)

// rowScanner is what the scan functions read one row from: a *sql.Row or
// the current row of a *sql.Rows.
type rowScanner = interface{ Scan(...any) error }

// queryAll runs query on q and returns every row, in order, as scan reads
// it. what names the work in an error, as wrap does.
func queryAll[T any](ctx context.Context, q queryer, scan func(rowScanner) (T, error), what, query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrap(err, what)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, wrap(err, what)
		}
		out = append(out, v)
	}
	return out, wrap(rows.Err(), what)
}

// execOne runs a statement that changes one row. When it changes none, the
// answer is missing (an ENOTFOUND); what names the work in other errors.
func (db *DB) execOne(ctx context.Context, missing *hub.Error, what, query string, args ...any) error {
	res, err := db.exec(ctx, query, args...)
	if err != nil {
		return wrap(err, what)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return missing
	}
	return nil
}
