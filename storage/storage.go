// Package storage implements the hub's store interfaces on SQLite.
package storage

import (
	"context"
	"database/sql"
	"errors"

	_ "github.com/mattn/go-sqlite3" // SQLite driver

	"github.com/commonplace-hub/commonplace/hub"
)

// DB is an open hub database.
type DB struct {
	db *sql.DB
}

// Open opens, creating it if needed, the SQLite database file at path and
// applies pending migrations. It refuses a database made by a newer version.
func Open(ctx context.Context, path string) (*DB, error) {
	return nil, errors.New("storage: not implemented yet")
}

// Close closes the database.
func (db *DB) Close() error { return db.db.Close() }

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.db.PingContext(ctx) }

// Stores returns the hub store adapters over this database.
func (db *DB) Stores() hub.Stores { return hub.Stores{} }
