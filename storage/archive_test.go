package storage_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/storage"
)

// An export archive reads back as written: the manifest, and the database
// byte for byte; a damaged one is refused.
func TestExportArchiveRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "hub.db")
	mustOpen(t, src).Close()
	dest := filepath.Join(dir, "hub.tar.gz")
	m, err := storage.WriteExport(ctx, src, dest, "v9.9.9")
	if err != nil {
		t.Fatal(err)
	}
	if m.Format != storage.ExportFormat || m.FormatVersion != storage.ExportFormatVersion || m.Commonplace != "v9.9.9" ||
		m.SchemaVersion != storage.KnownSchemaVersion() || m.Database.Size == 0 || len(m.Rows) == 0 {
		t.Fatalf("manifest %+v", m)
	}
	if _, err := os.Stat(dest + ".partial"); !os.IsNotExist(err) {
		t.Errorf("the partial file is left: %v", err)
	}
	archive, err := os.ReadFile(dest)
	if err != nil {
		t.Fatal(err)
	}
	dbOut := filepath.Join(dir, "out.db")
	got, err := storage.ReadExport(bytes.NewReader(archive), dbOut)
	if err != nil {
		t.Fatal(err)
	}
	if got.Database != m.Database || !got.ExportedAt.Equal(m.ExportedAt) {
		t.Errorf("read %+v, wrote %+v", got, m)
	}
	if err := storage.CheckFile(ctx, dbOut); err != nil {
		t.Errorf("the database read back: %v", err)
	}
	_, err = storage.ReadExport(bytes.NewReader(archive[:len(archive)/2]), filepath.Join(dir, "half.db"))
	if err == nil {
		t.Error("half an archive was read")
	}
	_, err = storage.ReadExport(strings.NewReader("not gzip"), filepath.Join(dir, "junk.db"))
	if err == nil || !strings.Contains(err.Error(), "not a gzip file") {
		t.Errorf("junk: %v", err)
	}
	if _, err := storage.WriteExport(ctx, filepath.Join(dir, "none.db"), filepath.Join(dir, "none.tar.gz"), "v1"); !errors.Is(err, storage.ErrNoDatabase) {
		t.Errorf("no database: %v", err)
	}
}

// SwapIn keeps the database it replaces, with its WAL files, beside it.
func TestSwapInKeepsTheOldDatabase(t *testing.T) {
	dir := t.TempDir()
	dest := filepath.Join(dir, "commonplace.db")
	os.WriteFile(dest, []byte("old"), 0o600)
	os.WriteFile(dest+"-wal", []byte("old wal"), 0o600)
	next := filepath.Join(dir, "next")
	os.WriteFile(next, []byte("new"), 0o600)
	kept, err := storage.SwapIn(next, dest, "before-test")
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(dest); string(b) != "new" {
		t.Errorf("dest holds %q", b)
	}
	if b, _ := os.ReadFile(kept); string(b) != "old" || !strings.HasPrefix(kept, dest+".before-test-") {
		t.Errorf("kept %s holds %q", kept, b)
	}
	if b, _ := os.ReadFile(kept + "-wal"); string(b) != "old wal" {
		t.Errorf("kept WAL holds %q", b)
	}
	if _, err := os.Stat(dest + "-wal"); !os.IsNotExist(err) {
		t.Errorf("the old WAL is still beside the new database: %v", err)
	}
	os.WriteFile(next, []byte("newer"), 0o600)
	if kept, err := storage.SwapIn(next, filepath.Join(dir, "fresh.db"), "before-test"); err != nil || kept != "" {
		t.Errorf("into an empty place: kept %q, %v", kept, err)
	}
}

// The data folder's lock is held by one at a time.
func TestLockDataDir(t *testing.T) {
	dir := t.TempDir()
	l, err := storage.LockDataDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := storage.LockDataDir(dir); hub.ErrorCode(err) != hub.ECONFLICT {
		t.Fatalf("second lock: %v", err)
	}
	l.Release()
	l.Release()
	l2, err := storage.LockDataDir(dir)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	l2.Release()
}
