package storage_test

import (
	"database/sql"
	"testing"
)

// mustOpenRaw opens the database file directly, bypassing migrations, to
// set up states only another version could make.
func mustOpenRaw(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	return db
}
