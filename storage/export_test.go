package storage

import "context"

// SimulateUnindexedForTest drops the local search rows and asks for a
// reindex, as a database migrated to 0006 with existing content is.
func (db *DB) SimulateUnindexedForTest(ctx context.Context) error {
	if _, err := db.db.ExecContext(ctx, `DELETE FROM search_docs WHERE local = 1`); err != nil {
		return err
	}
	_, err := db.db.ExecContext(ctx, `INSERT INTO search_reindex (id) VALUES (1)`)
	return err
}
