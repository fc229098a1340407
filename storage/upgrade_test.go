package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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

// upgradeWith makes a database of schema version holding what statements
// write into it, and opens it as this version does (migrating it).
func upgradeWith(t *testing.T, version int, statements ...string) *DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "commonplace.db")
	openOld(t, path, version)
	raw, err := sql.Open("sqlite3", dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range statements {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	raw.Close()
	return openAt(t, path)
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

// Only the newest few pre-upgrade copies are kept.
func TestUpgradeBackupsArePruned(t *testing.T) {
	dir := t.TempDir()
	base := time.Now().Add(-time.Hour)
	var names []string
	for i := range 7 {
		p := filepath.Join(dir, fmt.Sprintf("commonplace-schema-%d-before-upgrade-2027010%dT000000.000Z.db", 7-i, i))
		os.WriteFile(p, nil, 0o600)
		os.Chtimes(p, base.Add(time.Duration(i)*time.Minute), base.Add(time.Duration(i)*time.Minute))
		names = append(names, p)
	}
	other := filepath.Join(dir, "nightly.db")
	os.WriteFile(other, nil, 0o600)
	pruneUpgradeBackups(dir, 5)
	for i, p := range names {
		_, err := os.Stat(p)
		if kept := err == nil; kept != (i >= 2) {
			t.Errorf("%s kept=%v", filepath.Base(p), kept)
		}
	}
	if _, err := os.Stat(other); err != nil {
		t.Error("pruning removed a file that is not a pre-upgrade copy")
	}
}

// BackupFile copies an older database as it is: neither it nor the copy
// is migrated, and no pre-upgrade copy is made. Describe counts its rows.
func TestBackupFileLeavesTheDatabaseAlone(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "commonplace.db")
	openOld(t, path, 4)
	dest := filepath.Join(t.TempDir(), "copy.db")
	if err := BackupFile(ctx, path, dest); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, dest} {
		s, err := Describe(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if s.SchemaVersion != 4 || s.Rows["guides"] != 1 {
			t.Errorf("%s: schema %d, %d guides", p, s.SchemaVersion, s.Rows["guides"])
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "backups")); err == nil {
		t.Error("BackupFile made a pre-upgrade copy")
	}
	if err := BackupFile(ctx, path, dest); err == nil {
		t.Error("BackupFile overwrote an existing file")
	}
	if err := BackupFile(ctx, filepath.Join(dir, "missing.db"), filepath.Join(dir, "x.db")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("BackupFile of a missing database: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.db")); err == nil {
		t.Error("BackupFile created the missing database")
	}
}

// Describe leaves out the search index's virtual and shadow tables and
// counts every other table, whatever migrations added it.
func TestDescribeCountsEveryTable(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "commonplace.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	svc := hub.NewService(db.Stores(), nil)
	if err := svc.CreateGuide(hub.HostContext(ctx), &hub.Guide{Title: "Composting", Body: "Start with a bin."}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := Describe(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if s.SchemaVersion != KnownSchemaVersion() || s.Rows["guides"] != 1 || s.Rows["guide_revisions"] != 1 {
		t.Errorf("summary: %+v", s)
	}
	for name := range s.Rows {
		if strings.HasPrefix(name, "search_fts") {
			t.Errorf("counted the search index's table %s", name)
		}
	}
	for _, want := range []string{"schema_migrations", "events", "followers", "actor_keys", "calendar_subscriptions", "search_docs"} {
		if _, ok := s.Rows[want]; !ok {
			t.Errorf("no count for %s", want)
		}
	}
}

// A hub whose search index holds organisers' Markdown as it was typed
// (schema 6) has it indexed again as page text when it upgrades: link
// targets stop matching and snippets lose the markup.
func TestUpgradeReindexesMarkdownAsText(t *testing.T) {
	ctx := context.Background()
	// What schema 6 left: the guide's row with its Markdown, indexing done.
	db := upgradeWith(t, 6,
		`UPDATE guides SET body = 'Read **the zine** [on folding](https://folds.example/howto) first.'`,
		`DELETE FROM search_reindex`,
		`INSERT INTO search_docs (ref, kind, local, item_id, slug, title, body, sort_at)
			SELECT 'guide:' || id, 'guide', 1, id, slug, title, body, updated_at FROM guides`)
	svc := hub.NewService(db.Stores(), nil)
	if res, err := svc.Search(ctx, hub.SearchQuery{Text: "howto"}); err != nil || res.Total != 0 {
		t.Errorf("a link target still matches after the upgrade: %+v %v", res, err)
	}
	res, err := svc.Search(ctx, hub.SearchQuery{Text: "folding"})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	if s := res.Hits[0].Snippet; strings.Contains(s, "**") || strings.Contains(s, "](") {
		t.Errorf("snippet still shows Markdown: %q", s)
	}
}

// Two processes (a server and a CLI command, say) starting a new binary
// at once on an older database: both open it, one backs it up and
// migrates, the other waits and finds nothing left to do.
func TestUpgradeConcurrently(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "commonplace.db")
	openOld(t, path, 4)
	const n = 4
	type result struct {
		backup string
		err    error
	}
	results := make(chan result, n)
	for range n {
		go func() {
			db, err := Open(ctx, path)
			if err != nil {
				results <- result{err: err}
				return
			}
			results <- result{backup: db.UpgradeBackup}
			db.Close()
		}()
	}
	var backups []string
	for range n {
		r := <-results
		if r.err != nil {
			t.Error(r.err)
		}
		if r.backup != "" {
			backups = append(backups, r.backup)
		}
	}
	if len(backups) != 1 {
		t.Errorf("%d backups taken: %v", len(backups), backups)
	}
	files, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "backups", "*"))
	if len(files) != 1 {
		t.Errorf("backups folder holds %v", files)
	}
}
