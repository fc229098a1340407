package storage

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// openOld makes a database at an older schema version, as an older
// Commonplace left it, with a guide in it.
func openOld(t *testing.T, path string, version int) {
	t.Helper()
	sqldb, err := sql.Open("sqlite3", dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	defer sqldb.Close()
	db := &DB{db: sqldb, now: time.Now, path: path, upTo: version}
	if err := db.migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v, _ := db.SchemaVersion(context.Background()); v != version {
		t.Fatalf("schema %d, want %d", v, version)
	}
	if _, err := sqldb.Exec(`INSERT INTO guides (slug, title, summary, body, revision, created_at, updated_at) VALUES ('composting', 'Composting at home', '', 'Start with a bin.', 1, 0, 0)`); err != nil {
		t.Fatal(err)
	}
}

// Opening a database from an older version backs it up first, then
// migrates it; the content survives and is searchable; a second open
// takes no further backup.
func TestUpgradeBacksUpFirst(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "commonplace.db")
	openOld(t, path, 4) // before the commons and search
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if db.UpgradeBackup == "" {
		t.Fatal("no backup taken before upgrading")
	}
	if err := CheckFile(ctx, db.UpgradeBackup); err != nil {
		t.Fatalf("the backup: %v", err)
	}
	if v, _ := db.SchemaVersion(ctx); v != KnownSchemaVersion() {
		t.Errorf("schema %d after the upgrade, want %d", v, KnownSchemaVersion())
	}
	res, err := hub.NewService(db.Stores(), nil).Search(ctx, hub.SearchQuery{Text: "composting"})
	if err != nil || res.Total != 1 {
		t.Errorf("the old guide after the upgrade: %+v %v", res, err)
	}
	db.Close()
	// The backup holds the old schema.
	raw, _ := sql.Open("sqlite3", "file:"+db.UpgradeBackup+"?mode=ro")
	var v int
	raw.QueryRow(`SELECT MAX(version) FROM schema_migrations`).Scan(&v)
	raw.Close()
	if v != 4 {
		t.Errorf("the backup is at schema %d, want 4", v)
	}
	again, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if again.UpgradeBackup != "" {
		t.Errorf("a second open took another backup: %s", again.UpgradeBackup)
	}
}
