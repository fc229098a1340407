package storage_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/storage"
)

var ctx = context.Background()

func mustOpen(t *testing.T, path string) *storage.DB {
	t.Helper()
	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func mustOpenDB(t *testing.T) hub.Stores {
	return mustOpen(t, filepath.Join(t.TempDir(), "hub.db")).Stores()
}

func zone(t *testing.T, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestOpenMigratesOnceAndKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "hub.db") // the folder does not exist yet
	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := db.SchemaVersion(ctx)
	if v != storage.KnownSchemaVersion() || v < 2 {
		t.Fatalf("schema version %d, binary knows %d", v, storage.KnownSchemaVersion())
	}
	p := &hub.Place{Name: "Zion Centre", Slug: "zion-centre"}
	if err := db.Stores().Places.CreatePlace(ctx, p); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before := appliedMigrations(t, path)
	files, _ := filepath.Glob("migrations/*.sql")
	if len(before) != len(files) {
		t.Fatalf("schema_migrations has %d rows for version %d: %v", len(before), v, before)
	}

	db = mustOpen(t, path)
	if got, err := db.Stores().Places.FindPlaceBySlug(ctx, "zion-centre"); err != nil || got.Name != "Zion Centre" {
		t.Fatalf("after reopening: %v %v", got, err)
	}
	if after := appliedMigrations(t, path); strings.Join(after, " ") != strings.Join(before, " ") {
		t.Errorf("reopening changed the migration record:\n before %v\n after  %v", before, after)
	}
}

// appliedMigrations lists "version:name@applied_at" rows of schema_migrations.
func appliedMigrations(t *testing.T, path string) []string {
	t.Helper()
	raw := mustOpenRaw(t, path)
	defer raw.Close()
	rows, err := raw.Query(`SELECT version, name, applied_at FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v, at int64
		var name string
		if err := rows.Scan(&v, &name, &at); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d:%s@%d", v, name, at))
	}
	return out
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hub.db")
	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Stores().Settings.UpdateSettings(ctx, hub.DefaultSettings()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	// Pretend a future commonplace migrated this file.
	raw := mustOpenRaw(t, path)
	if _, err := raw.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	_, err = storage.Open(ctx, path)
	want := fmt.Sprintf("database schema version 9999 is newer than this commonplace (knows up to %d)", storage.KnownSchemaVersion())
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "restore a backup") {
		t.Fatalf("opening a newer database: %v", err)
	}
}

func TestOpenSetsUpConnections(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hub.db")
	s := mustOpen(t, path).Stores()
	raw := mustOpenRaw(t, path)
	defer raw.Close()
	var mode string
	if err := raw.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal mode %q, %v; want wal", mode, err)
	}
	// Foreign keys are enforced on the store's connections: an event cannot
	// point at a place that does not exist.
	london := zone(t, "Europe/London")
	e := &hub.Event{Title: "E", TimeZone: "Europe/London", Start: time.Date(2026, 10, 6, 10, 0, 0, 0, london), End: time.Date(2026, 10, 6, 11, 0, 0, 0, london), PlaceID: 12345}
	if err := s.Events.CreateEvent(ctx, e); hub.ErrorCode(err) != hub.ECONFLICT {
		t.Errorf("event at a missing place: %v", err)
	}
}

func TestOpenPathNeedingEscapes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "Hub 50% #1?", "hub.db")
	s := mustOpen(t, path).Stores()
	if err := s.Places.CreatePlace(ctx, &hub.Place{Name: "Hall", Slug: "hall"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the database is not where it was asked to be: %v", err)
	}
}

// TestOpenConcurrently is two commonplace processes (a server and a CLI
// command, say) starting at once on a new data folder.
func TestOpenConcurrently(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hub.db")
	const n = 4
	errs := make(chan error, n)
	for range n {
		go func() {
			db, err := storage.Open(ctx, path)
			if err == nil {
				db.Close()
			}
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	// Each migration once: as many records as distinct versions, the
	// newest being the newest the binary knows. (Versions may have gaps
	// while branches that add migrations are merged.)
	got := appliedMigrations(t, path)
	seen := map[string]bool{}
	for _, m := range got {
		seen[strings.SplitN(m, ":", 2)[0]] = true
	}
	if len(seen) != len(got) || len(got) == 0 || !strings.HasPrefix(got[len(got)-1], fmt.Sprint(storage.KnownSchemaVersion())+":") {
		t.Errorf("migrations recorded: %v", got)
	}
}

func TestBackup(t *testing.T) {
	dir := t.TempDir()
	db := mustOpen(t, filepath.Join(dir, "hub.db"))
	if err := db.Stores().Places.CreatePlace(ctx, &hub.Place{Name: "Hall", Slug: "hall"}); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(dir, "backup.db")
	if err := db.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, dest); err == nil {
		t.Error("a backup overwrote an existing file")
	}
	copy := mustOpen(t, dest)
	if p, err := copy.Stores().Places.FindPlaceBySlug(ctx, "hall"); err != nil || p.Name != "Hall" {
		t.Errorf("backup lacks the data: %v %v", p, err)
	}
	if err := copy.Ping(ctx); err != nil {
		t.Error(err)
	}
}
