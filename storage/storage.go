// Package storage implements the hub's store interfaces on SQLite.
//
// Migrations are the ordered, embedded migrations/NNNN_name.sql files, each
// applied in its own transaction at Open and recorded in schema_migrations.
// Times are stored as unix seconds.
package storage

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/commonplace-hub/commonplace/hub"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is an open hub database.
type DB struct {
	db  *sql.DB
	now func() time.Time
	// writeMu queues this process's write transactions in Go. SQLite has
	// one writer at a time anyway; without this, writers that lose the
	// race sleep in SQLite's busy handler (1-25 ms) instead of being woken
	// when the lock frees, which leaves cores idle under concurrent writes
	// such as a delivery fan-out. Other processes still wait on the busy
	// timeout.
	writeMu sync.Mutex
	// index holds the prepared statements that index local items for
	// search, by kind (search_index.go).
	index map[hub.Kind]*sql.Stmt
	// path is the database file; UpgradeBackup, if set, is the copy taken
	// before this Open applied new migrations to an existing hub.
	path          string
	UpgradeBackup string
	// upTo, if set, stops migrations after that version (tests of upgrades).
	upTo int
}

// Open opens, creating it if needed, the SQLite database file at path and
// applies pending migrations. It refuses a database made by a newer version.
func Open(ctx context.Context, path string) (*DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create data folder: %w", err)
		}
	}
	sqldb, err := sql.Open(driverName, dsn(path))
	if err != nil {
		return nil, err
	}
	// Writers queue on SQLite's lock (busy timeout, BEGIN IMMEDIATE); a few
	// connections let readers proceed meanwhile, which WAL allows.
	sqldb.SetMaxOpenConns(4)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	db := &DB{db: sqldb, now: time.Now, path: path}
	if err := ping(ctx, sqldb); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := db.migrate(ctx); err != nil {
		sqldb.Close()
		return nil, err
	}
	if err := db.prepareIndex(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("prepare the search index statements: %w", err)
	}
	if err := db.reindexIfPending(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("build the search index: %w", err)
	}
	return db, nil
}

// ping opens the first connection. Setting WAL mode on a connection can
// fail at once with "database is locked", without waiting out the busy
// timeout, while another process is migrating a new database; it is
// retried for as long as the busy timeout would have waited.
func ping(ctx context.Context, sqldb *sql.DB) error {
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := sqldb.PingContext(ctx)
		var se sqlite3.Error
		if err == nil || !errors.As(err, &se) || se.Code != sqlite3.ErrBusy || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// dsn is the driver's name for the database file at path: a file: URI
// with the connection settings every connection needs. Foreign keys and the
// busy timeout are per connection, so they belong here rather than in a
// one-off PRAGMA. BEGIN IMMEDIATE takes the write lock at the start of a
// transaction, so read-then-write transactions (unique slugs, revision
// numbers) cannot interleave.
func dsn(path string) string {
	// In a URI, %, ? and # would be read as escapes, the query and a fragment.
	escaped := strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(path)
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", "5000")
	q.Set("_synchronous", "NORMAL")
	q.Set("_txlock", "immediate")
	// Each connection keeps its last 64 prepared statements: preparing
	// them anew (a query on the FTS5 index reads its configuration each
	// time) was a sixth of a network search's CPU (docs/BENCHMARKS.md).
	q.Set("_stmt_cache_size", "64")
	return "file:" + escaped + "?" + q.Encode()
}

// migrations returns the embedded migration files in order.
func migrations() ([]string, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	return names, nil
}

func migrationVersion(name string) (int, error) {
	base := filepath.Base(name)
	num, _, _ := strings.Cut(base, "_")
	return strconv.Atoi(num)
}

// KnownSchemaVersion is the newest schema this binary can use.
func KnownSchemaVersion() int {
	names, _ := migrations()
	if len(names) == 0 {
		return 0
	}
	v, _ := migrationVersion(names[len(names)-1])
	return v
}

func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	names, err := migrations()
	if err != nil {
		return err
	}
	// Nothing to do, the usual case, is found without the write lock, so
	// opening the database beside a busy hub does not wait for it.
	if _, pending, err := db.pendingMigrations(ctx, db.db, names); err != nil || len(pending) == 0 {
		return err
	}
	// One immediate transaction for the check, the backup and every
	// migration: another process opening the same database at once waits,
	// then finds nothing left to do, and never sees, or backs up, a
	// half-migrated database. A migration that fails undoes them all.
	return db.inTx(ctx, func(tx *sql.Tx) error {
		current, pending, err := db.pendingMigrations(ctx, tx, names)
		if err != nil || len(pending) == 0 {
			return err
		}
		if err := db.backupBeforeUpgrade(ctx, current); err != nil {
			return err
		}
		for _, name := range pending {
			v, _ := migrationVersion(name)
			body, err := migrationFS.ReadFile(name)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("apply migration %s: %w", filepath.Base(name), err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, v, filepath.Base(name), db.now().Unix()); err != nil {
				return fmt.Errorf("apply migration %s: %w", filepath.Base(name), err)
			}
		}
		return nil
	})
}

// pendingMigrations returns the schema version and the migrations among
// names not yet applied, in order: every one not recorded, even one
// numbered below the newest applied. It refuses a database from a newer
// version.
func (db *DB) pendingMigrations(ctx context.Context, q queryer, names []string) (current int, pending []string, err error) {
	current, err = schemaVersion(ctx, q)
	if err != nil {
		return 0, nil, err
	}
	if known := KnownSchemaVersion(); current > known {
		return 0, nil, &NewerSchemaError{Have: current, Known: known}
	}
	for _, name := range names {
		v, err := migrationVersion(name)
		if err != nil {
			return 0, nil, fmt.Errorf("migration %s: bad name", name)
		}
		if db.upTo > 0 && v > db.upTo {
			break
		}
		var done int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, v).Scan(&done); err != nil {
			return 0, nil, err
		}
		if done == 0 {
			pending = append(pending, name)
		}
	}
	return current, pending, nil
}

// SchemaVersion is the newest migration applied to the database.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	return schemaVersion(ctx, db.db)
}

func schemaVersion(ctx context.Context, q queryer) (int, error) {
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return int(v.Int64), nil
}

// Close closes the database.
func (db *DB) Close() error { return db.db.Close() }

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.db.PingContext(ctx) }

// Stores returns the hub store adapters over this database.
func (db *DB) Stores() hub.Stores {
	return hub.Stores{
		Events:        &EventStore{db},
		Places:        &PlaceStore{db},
		Tags:          &TagStore{db},
		Guides:        &GuideStore{db},
		CaseStudies:   &CaseStudyStore{db},
		Organisers:    &OrganiserStore{db},
		Sessions:      &SessionStore{db},
		Tokens:        &TokenStore{db},
		Settings:      &SettingsStore{db},
		Commons:       &CommonsStore{db},
		Searcher:      &SearchStore{db},
		Batcher:       db,
		Queue:         &QueueStore{db},
		NetworkCounts: &CommonsStore{db},
		Pictures:      &PictureStore{db},
		Adapted:       &CommonsStore{db},
	}
}

// batchTx is the transaction of a Batch, carried in its context.
type batchTx struct {
	db *DB
	tx *sql.Tx
}

type batchKey struct{}

// Batch implements hub.Batcher: every inTx and exec that fn's context
// reaches runs inside one transaction, each inTx in a savepoint of its own
// so that a failed change is undone alone. Other writers wait (writeMu) until the
// batch is saved, so batches should be kept to a fraction of a second.
func (db *DB) Batch(ctx context.Context, fn func(ctx context.Context) error) error {
	if b, ok := ctx.Value(batchKey{}).(*batchTx); ok && b.db == db {
		return fn(ctx)
	}
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return wrap(err, "begin a batch")
	}
	if err := fn(context.WithValue(ctx, batchKey{}, &batchTx{db: db, tx: tx})); err != nil {
		tx.Rollback()
		return err
	}
	return wrap(tx.Commit(), "save a batch")
}

// inTx runs fn in a transaction, committing when it returns nil. Inside a
// Batch, fn runs in a savepoint of the batch's transaction instead.
func (db *DB) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	if b, ok := ctx.Value(batchKey{}).(*batchTx); ok && b.db == db {
		return b.savepoint(ctx, fn)
	}
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// exec runs one statement: inside a Batch, in its transaction (a failed
// statement undoes only itself); otherwise by itself.
func (db *DB) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if b, ok := ctx.Value(batchKey{}).(*batchTx); ok && b.db == db {
		return b.tx.ExecContext(ctx, query, args...)
	}
	return db.db.ExecContext(ctx, query, args...)
}

// savepoint runs fn in a savepoint of the batch, undone if fn fails.
func (b *batchTx) savepoint(ctx context.Context, fn func(*sql.Tx) error) error {
	if _, err := b.tx.ExecContext(ctx, `SAVEPOINT change`); err != nil {
		return err
	}
	if err := fn(b.tx); err != nil {
		if _, rerr := b.tx.ExecContext(ctx, `ROLLBACK TO change`); rerr != nil {
			return errors.Join(err, rerr)
		}
		b.tx.ExecContext(ctx, `RELEASE change`)
		return err
	}
	_, err := b.tx.ExecContext(ctx, `RELEASE change`)
	return err
}

// queryer is what *sql.DB and *sql.Tx share.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// wrap turns a database error into a hub error: constraint violations
// become ECONFLICT, the rest EINTERNAL. Hub errors pass through.
func wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	var he *hub.Error
	if errors.As(err, &he) {
		return err
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrConstraint:
			return &hub.Error{Code: hub.ECONFLICT, Message: "That would clash with something already saved.", Err: err}
		case sqlite3.ErrFull:
			return &hub.Error{Code: hub.EUNAVAILABLE, Err: fmt.Errorf("%s: %w", what, err),
				Message: "The hub's disk is full, so nothing was saved. Everything saved before is safe. Tell whoever runs the hub to free some space, then try again."}
		case sqlite3.ErrReadonly:
			return &hub.Error{Code: hub.EUNAVAILABLE, Err: fmt.Errorf("%s: %w", what, err),
				Message: "The hub's database cannot be written to at the moment, so nothing was saved. Tell whoever runs the hub (the database file or folder may be read-only)."}
		}
	}
	return hub.Internal(err, what)
}

func isUniqueViolation(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique
}

func unix(t time.Time) int64 { return t.Unix() }

func fromUnix(s int64) time.Time { return time.Unix(s, 0).UTC() }

func nullUnix(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.Unix(), Valid: true}
}

func timePtr(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := fromUnix(n.Int64)
	return &t
}

func nullFloat(f *float64) sql.NullFloat64 {
	if f == nil {
		return sql.NullFloat64{}
	}
	return sql.NullFloat64{Float64: *f, Valid: true}
}

func floatPtr(n sql.NullFloat64) *float64 {
	if !n.Valid {
		return nil
	}
	v := n.Float64
	return &v
}

func nullID(id int64) sql.NullInt64 {
	if id == 0 {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: id, Valid: true}
}

// uniqueSlug returns base, or the first of base-2, base-3... that is free
// in table; an empty base becomes fallback. Call it inside the transaction
// that inserts the row, so no other writer can take the slug meanwhile.
func uniqueSlug(ctx context.Context, q queryer, table, base, fallback string) (string, error) {
	if base == "" {
		base = fallback
	}
	// One range query finds base and every base-<suffix>: "." sorts just
	// after "-", so the range holds exactly the slugs starting "base-".
	rows, err := q.QueryContext(ctx, `SELECT slug FROM `+table+` WHERE slug = ? OR (slug > ? AND slug < ?)`, base, base+"-", base+".")
	if err != nil {
		return "", err
	}
	defer rows.Close()
	taken := map[string]bool{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return "", err
		}
		taken[s] = true
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	slug := base
	for n := 2; taken[slug]; n++ {
		slug = base + "-" + strconv.Itoa(n)
	}
	return slug, nil
}

// locations caches loaded time zones: time.LoadLocation reads the zone
// database from disk on every call, and lists load many events.
var locations sync.Map // zone name -> *time.Location

// location returns the named IANA zone, UTC when it cannot be loaded.
func location(name string) *time.Location {
	if loc, ok := locations.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "" {
		return time.UTC // not cached: the zone database may be installed later
	}
	locations.Store(name, loc)
	return loc
}

// idChunk bounds the IDs bound in one IN (...) list, well under SQLite's
// limit on query parameters.
const idChunk = 500

// forChunks calls fn with successive slices of at most idChunk IDs.
func forChunks(ids []int64, fn func([]int64) error) error {
	for len(ids) > 0 {
		n := min(len(ids), idChunk)
		if err := fn(ids[:n]); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// placeholders returns "?,?,?" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func int64Args(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}
