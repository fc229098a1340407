package storage

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/commonplace-hub/commonplace/hub"
)

// rowScanner is what the scan functions read one row from: a *sql.Row or
// the current row of a *sql.Rows.
type rowScanner = interface{ Scan(...any) error }

// queryAll runs query on q and returns every row, in order, as scan reads
// it. what names the work in an error, as wrap does.
func queryAll[T any](ctx context.Context, q queryer, scan func(rowScanner) (T, error), what, query string, args ...any) ([]T, error) {
	var out []T
	err := queryEach(ctx, q, query, args, func(r rowScanner) error {
		v, err := scan(r)
		if err == nil {
			out = append(out, v)
		}
		return err
	})
	if err != nil {
		return nil, wrap(err, what)
	}
	return out, nil
}

// scanValue reads a row of one column.
func scanValue[T any](r rowScanner) (T, error) {
	var v T
	err := r.Scan(&v)
	return v, err
}

// queryEach runs query on q and calls each with every row, in order. It
// stops at the first error and returns it as it is; the rows are closed
// when it returns.
func queryEach(ctx context.Context, q queryer, query string, args []any, each func(rowScanner) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// queryFilled is queryOne for a row that fill then completes (its tags,
// place and so on).
func queryFilled[T any](ctx context.Context, q queryer, scan func(rowScanner) (T, error), fill func(context.Context, []T) error,
	missing *hub.Error, what, query string, args ...any) (T, error) {
	v, err := queryOne(ctx, q, scan, missing, what, query, args...)
	if err != nil {
		return v, err
	}
	return v, wrap(fill(ctx, []T{v}), what)
}

// queryIn runs queryEach with the query head + "(?,?,…)" + tail once per
// chunk of ids (forChunks), the chunk's ids following args.
func queryIn(ctx context.Context, q queryer, head string, ids []int64, tail string, args []any, each func(rowScanner) error) error {
	return forChunks(ids, func(chunk []int64) error {
		return queryEach(ctx, q, head+"("+placeholders(len(chunk))+")"+tail, append(slices.Clip(args), int64Args(chunk)...), each)
	})
}

// queryOne runs query on q and reads its one row with scan. When there is
// no row the answer is missing (an ENOTFOUND); what names the work in
// other errors, as wrap does.
func queryOne[T any](ctx context.Context, q queryer, scan func(rowScanner) (T, error), missing *hub.Error, what, query string, args ...any) (T, error) {
	v, err := scan(q.QueryRowContext(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		var zero T
		return zero, missing
	}
	return v, wrap(err, what)
}

// listing is a filtered, ordered page of rows: columns FROM from, WHERE
// every condition of where holds (with args), ORDER BY order, at most
// limit rows (0: all of them) after offset.
type listing struct {
	from, columns, order string
	where                []string
	args                 []any
	limit, offset        int
}

// filter adds a condition, with its arguments, when on.
func (l *listing) filter(on bool, cond string, args ...any) {
	if on {
		l.where, l.args = append(l.where, cond), append(l.args, args...)
	}
}

// cond is the WHERE clause of l's conditions, "" when there are none.
func (l listing) cond() string {
	if len(l.where) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(l.where, " AND ")
}

// query selects l's rows, in order, without a limit.
func (l listing) query() string {
	return `SELECT ` + l.columns + ` FROM ` + l.from + l.cond() + ` ORDER BY ` + l.order
}

// count counts l's rows, ignoring its limit.
func (l listing) count(ctx context.Context, q queryer, what string) (int, error) {
	var total int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+l.from+l.cond(), l.args...).Scan(&total)
	return total, wrap(err, what)
}

// findPage returns the rows of l's page, as scan reads them, and how many
// rows there are in all. what names the work in an error, as wrap does.
func findPage[T any](ctx context.Context, q queryer, l listing, scan func(rowScanner) (T, error), what string) ([]T, int, error) {
	total, err := l.count(ctx, q, what)
	if err != nil {
		return nil, 0, err
	}
	query, args := l.query(), l.args
	if l.limit > 0 {
		query += ` LIMIT ? OFFSET ?`
		args = append(args, l.limit, l.offset)
	}
	out, err := queryAll(ctx, q, scan, what, query, args...)
	return out, total, err
}

// changeOne runs, in tx, a statement that changes one row. When it
// changes none, the answer is missing (an ENOTFOUND); other errors are
// returned as they are.
func changeOne(ctx context.Context, tx *sql.Tx, missing *hub.Error, query string, args ...any) error {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return missing
	}
	return nil
}

// execAny runs a statement and says whether it changed any row; what
// names the work in an error.
func (db *DB) execAny(ctx context.Context, what, query string, args ...any) (bool, error) {
	res, err := db.exec(ctx, query, args...)
	if err != nil {
		return false, wrap(err, what)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// findFilledPage is findPage for rows that fill then completes (their
// tags, places and so on).
func findFilledPage[T any](ctx context.Context, q queryer, l listing, scan func(rowScanner) (T, error), fill func(context.Context, []T) error, what string) ([]T, int, error) {
	out, total, err := findPage(ctx, q, l, scan, what)
	if err != nil {
		return nil, 0, err
	}
	return out, total, wrap(fill(ctx, out), what)
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

// insertSlugged inserts a row of table in tx under a unique slug made from
// base (uniqueSlug, with fallback): query is the INSERT, its first argument
// the slug and the others args. It returns the new row's id and its slug.
func insertSlugged(ctx context.Context, tx *sql.Tx, table, base, fallback, query string, args ...any) (int64, string, error) {
	slug, err := uniqueSlug(ctx, tx, table, base, fallback)
	if err != nil {
		return 0, "", err
	}
	res, err := tx.ExecContext(ctx, query, append([]any{slug}, args...)...)
	if err != nil {
		return 0, "", err
	}
	id, _ := res.LastInsertId()
	return id, slug, nil
}
