package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Copies of the database: Backup and BackupFile (backups and exports),
// CheckFile (before a restore or an import), Describe (an export's
// manifest), and the copy taken before migrations change an existing hub.

// NewerSchemaError is returned by Open and CheckFile for a database made
// by a newer Commonplace, which this one must not change or read.
type NewerSchemaError struct {
	Have  int // the database's schema version
	Known int // the newest this binary knows
}

func (e *NewerSchemaError) Error() string {
	return fmt.Sprintf("database schema version %d is newer than this commonplace (knows up to %d); use a newer commonplace or restore a backup", e.Have, e.Known)
}

// Backup writes a consistent copy of the database to dest while it stays
// in use, and checks the copy. dest must not exist; a failed backup leaves
// nothing there. The copy is readable by its owner only: it holds the
// hub's private key and password hashes.
func (db *DB) Backup(ctx context.Context, dest string) error {
	return vacuumInto(ctx, db.db, dest)
}

// BackupFile copies the database file at src to dest as Backup does,
// without applying migrations or otherwise changing src: safe beside a
// running hub, which keeps writing meanwhile. ENOTFOUND-like os errors
// come back when src does not exist.
func BackupFile(ctx context.Context, src, dest string) error {
	if _, err := os.Stat(src); err != nil {
		return err
	}
	// Not dsn(src): that would set WAL mode, a change to the file.
	escaped := strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(src)
	sqldb, err := sql.Open("sqlite3", "file:"+escaped+"?_busy_timeout=5000")
	if err != nil {
		return err
	}
	defer sqldb.Close()
	if err := ping(ctx, sqldb); err != nil {
		return fmt.Errorf("open database %s: %w", src, err)
	}
	return vacuumInto(ctx, sqldb, dest)
}

// vacuumInto copies the database q reads to dest with VACUUM INTO, which
// reads in one transaction, so the copy is one consistent moment even
// while other connections and processes write. It is written under a
// temporary name, synced, checked and then renamed into place.
func vacuumInto(ctx context.Context, q queryer, dest string) error {
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("backup: %s already exists", dest)
	}
	tmp := dest + ".partial"
	os.Remove(tmp) // left by an earlier, interrupted attempt
	fail := func(err error) error {
		os.Remove(tmp)
		return err
	}
	if _, err := q.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		return fail(fmt.Errorf("backup to %s: %w", dest, err))
	}
	if err := syncFile(tmp, 0o600); err != nil {
		return fail(fmt.Errorf("backup to %s: %w", dest, err))
	}
	// A copy of a database from a newer Commonplace is sound, if of no use
	// to this one: it is still a backup.
	var newer *NewerSchemaError
	if err := CheckFile(ctx, tmp); err != nil && !errors.As(err, &newer) {
		return fail(fmt.Errorf("checking the backup %s: %w", dest, err))
	}
	if err := os.Rename(tmp, dest); err != nil {
		return fail(err)
	}
	return nil
}

// syncFile sets the file's mode and flushes it to disk.
func syncFile(path string, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Chmod(mode); err != nil {
		return err
	}
	return f.Sync()
}

// openReadOnly opens the SQLite file at path without changing it.
func openReadOnly(path string) (*sql.DB, error) {
	u := url.URL{Scheme: "file", Opaque: path, RawQuery: "mode=ro&_query_only=1"}
	return sql.Open("sqlite3", u.String())
}

// CheckFile checks that the SQLite file at path is a sound Commonplace
// database that this Commonplace can open: integrity and schema version
// (a *NewerSchemaError for a newer one). It changes nothing.
func CheckFile(ctx context.Context, path string) error {
	sqldb, err := openReadOnly(path)
	if err != nil {
		return err
	}
	defer sqldb.Close()
	var result string
	if err := sqldb.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&result); err != nil {
		return fmt.Errorf("not a readable SQLite database: %w", err)
	}
	if result != "ok" {
		return fmt.Errorf("integrity check: %s", result)
	}
	var v sql.NullInt64
	if err := sqldb.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		return errors.New("not a Commonplace database (no schema_migrations)")
	}
	if known := KnownSchemaVersion(); int(v.Int64) > known {
		return &NewerSchemaError{Have: int(v.Int64), Known: known}
	}
	return nil
}

// Summary describes a hub database for an export's manifest.
type Summary struct {
	SchemaVersion int
	PublicURL     string // "" if the hub never served
	Name, Handle  string // "" if never set
	// Rows counts the rows of every table, by name; virtual tables (the
	// search index) and their shadow tables are left out.
	Rows map[string]int64
}

// Describe reads a summary of the hub database at path, read-only. It
// works on every schema version: what an older schema lacks stays empty.
func Describe(ctx context.Context, path string) (Summary, error) {
	var s Summary
	sqldb, err := openReadOnly(path)
	if err != nil {
		return s, err
	}
	defer sqldb.Close()
	var v sql.NullInt64
	if err := sqldb.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		return s, errors.New("not a Commonplace database (no schema_migrations)")
	}
	s.SchemaVersion = int(v.Int64)
	// Each may be missing in an older schema or a hub that never served.
	sqldb.QueryRowContext(ctx, `SELECT public_url FROM actor_keys WHERE id = 1`).Scan(&s.PublicURL)
	sqldb.QueryRowContext(ctx, `SELECT name FROM settings WHERE id = 1`).Scan(&s.Name)
	sqldb.QueryRowContext(ctx, `SELECT handle FROM settings WHERE id = 1`).Scan(&s.Handle)

	rows, err := sqldb.QueryContext(ctx, `SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		return s, err
	}
	var tables, virtual []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return s, err
		}
		if strings.HasPrefix(strings.ToUpper(def), "CREATE VIRTUAL TABLE") {
			virtual = append(virtual, name)
			continue
		}
		tables = append(tables, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return s, err
	}
	s.Rows = map[string]int64{}
next:
	for _, name := range tables {
		for _, vt := range virtual {
			if strings.HasPrefix(name, vt+"_") {
				continue next
			}
		}
		var n int64
		if err := sqldb.QueryRowContext(ctx, `SELECT COUNT(*) FROM "`+strings.ReplaceAll(name, `"`, `""`)+`"`).Scan(&n); err != nil {
			return s, fmt.Errorf("count %s: %w", name, err)
		}
		s.Rows[name] = n
	}
	return s, nil
}

// upgradeBackupsKept is how many pre-upgrade copies stay in backups/.
const upgradeBackupsKept = 5

// UpgradeBackupPattern matches the copies taken before upgrades, in the
// backups folder beside the database.
const UpgradeBackupPattern = "commonplace-schema-*-before-upgrade-*.db"

// backupBeforeUpgrade copies an existing hub's database into the backups
// folder beside it before new migrations change it, keeping the newest
// few copies. A new, empty database needs none.
func (db *DB) backupBeforeUpgrade(ctx context.Context, current int) error {
	if current == 0 || db.path == "" {
		return nil
	}
	dir := filepath.Join(filepath.Dir(db.path), "backups")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("create the backups folder: %w", err)
	}
	dest := filepath.Join(dir, fmt.Sprintf("commonplace-schema-%d-before-upgrade-%s.db", current, db.now().UTC().Format("20060102T150405.000Z")))
	if err := db.Backup(ctx, dest); err != nil {
		return fmt.Errorf("back up before upgrading the database (nothing was changed): %w", err)
	}
	db.UpgradeBackup = dest
	pruneUpgradeBackups(dir, upgradeBackupsKept)
	return nil
}

// pruneUpgradeBackups removes all but the newest keep pre-upgrade copies.
func pruneUpgradeBackups(dir string, keep int) {
	old, _ := filepath.Glob(filepath.Join(dir, UpgradeBackupPattern))
	type file struct {
		path string
		mod  int64
	}
	var files []file
	for _, p := range old {
		if fi, err := os.Stat(p); err == nil {
			files = append(files, file{p, fi.ModTime().UnixNano()})
		}
	}
	sort.Slice(files, func(i, j int) bool { // oldest first
		if files[i].mod != files[j].mod {
			return files[i].mod < files[j].mod
		}
		return files[i].path < files[j].path
	})
	for len(files) > keep {
		os.Remove(files[0].path)
		files = files[1:]
	}
}
