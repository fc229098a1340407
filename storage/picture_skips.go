package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// Pictures from elsewhere skipped for lack of space (migration 0023,
// table picture_skips): hub.PictureSkipStore on the PictureStore.

var _ hub.PictureSkipStore = (*PictureStore)(nil)

// NotePictureSkipped records a skipped picture, once per address.
func (s *PictureStore) NotePictureSkipped(ctx context.Context, source, url string, at time.Time) error {
	_, err := s.db.exec(ctx, `INSERT INTO picture_skips (url, source, skipped_at) VALUES (?, ?, ?)
		ON CONFLICT (url) DO UPDATE SET source = excluded.source, skipped_at = excluded.skipped_at`, url, source, unix(at))
	return wrap(err, "record a skipped picture")
}

// PictureSkips counts the skipped pictures and says when the last was.
func (s *PictureStore) PictureSkips(ctx context.Context) (int, time.Time, error) {
	var n int
	var last sql.NullInt64
	if err := s.db.db.QueryRowContext(ctx, `SELECT COUNT(*), MAX(skipped_at) FROM picture_skips`).Scan(&n, &last); err != nil {
		return 0, time.Time{}, wrap(err, "count skipped pictures")
	}
	if !last.Valid {
		return n, time.Time{}, nil
	}
	return n, fromUnix(last.Int64), nil
}
