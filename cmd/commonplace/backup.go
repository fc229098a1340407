package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/storage"
)

// Backups: `commonplace backup FILE` copies the database consistently
// while the hub serves (SQLite's VACUUM INTO, in one read transaction);
// `commonplace restore FILE` puts a copy back while the hub is stopped,
// keeping the database it replaces.

func backupCommand() *command {
	return &command{name: "backup", args: "FILE", nargs: 1, summary: "Copy the hub's database to FILE, safely, even while the hub runs", setup: backupRun,
		help: "The copy holds everything: content, settings, organisers, the fediverse key, followers and the commons.\nIt is readable by its owner only: it holds the hub's private key. Nothing in the data folder changes.\nRestore it with 'commonplace restore FILE' while the hub is stopped."}
}

func restoreCommand() *command {
	return &command{name: "restore", args: "FILE", nargs: 1, summary: "Replace the hub's database with a backup (the hub must be stopped)", setup: restoreRun,
		help: "The database it replaces is kept beside it as commonplace.db.before-restore-TIME."}
}

func backupRun(_ *flag.FlagSet, e *env) runFunc {
	return func(ctx context.Context, args []string) error {
		dest, err := newFileArg(args[0])
		if err != nil {
			return err
		}
		src := e.dbPath()
		start := time.Now()
		// The running hub's database is copied as it is: no migrations, no
		// other change, whatever version of commonplace serves it.
		if err := storage.BackupFile(ctx, src, dest); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return noDatabase(e)
			}
			return hub.Internal(err, "writing the backup "+dest)
		}
		st, _ := os.Stat(dest)
		e.printf("Backed up to %s (%d KB, checked) in %v.\n", dest, st.Size()/1024, time.Since(start).Round(time.Millisecond))
		return nil
	}
}

// newFileArg is the absolute path of FILE, which must not exist yet.
func newFileArg(arg string) (string, error) {
	dest, err := filepath.Abs(arg)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(dest); err == nil {
		return "", hub.Errorf(hub.ECONFLICT, "%s already exists; choose a new file name.", dest)
	}
	return dest, nil
}

// lockDataFolder makes the data folder if need be and takes its lock:
// ECONFLICT while a hub serves from it.
func (e *env) lockDataFolder() (*storage.DataLock, error) {
	if err := os.MkdirAll(e.data, 0o750); err != nil {
		return nil, hub.Internal(err, "creating the data folder "+e.data)
	}
	return storage.LockDataDir(e.data)
}

// noDatabase says that the data folder holds no hub.
func noDatabase(e *env) error {
	return hub.Errorf(hub.ENOTFOUND, "There is no hub database at %s. Point --data (or %s) at your data folder.", e.dbPath(), envData)
}

// openHubDB opens a hub's database, applying new migrations after a
// backup, and says so in the log at level; a database from a newer
// Commonplace gets a message that says what to do.
func openHubDB(ctx context.Context, path string, logger *slog.Logger, level slog.Level) (*storage.DB, error) {
	db, err := storage.Open(ctx, path)
	var newer *storage.NewerSchemaError
	if errors.As(err, &newer) {
		return nil, &hub.Error{Code: hub.EINVALID, Err: newer, Message: fmt.Sprintf(
			"The database %s was made by a newer Commonplace (schema %d; this commonplace, version %s, knows up to schema %d). Nothing was changed. Run the newer commonplace, or restore a backup taken before the upgrade (see docs/backups.md).",
			path, newer.Have, version, newer.Known)}
	}
	if err != nil {
		return nil, hub.Internal(err, "opening the database "+path)
	}
	if db.UpgradeBackup != "" {
		v, _ := db.SchemaVersion(ctx)
		logger.Log(ctx, level, "database upgraded; a copy of it as it was is kept", "schema", v, "backup", db.UpgradeBackup)
	}
	return db, nil
}

func restoreRun(_ *flag.FlagSet, e *env) runFunc {
	return func(ctx context.Context, args []string) error {
		src, err := filepath.Abs(args[0])
		if err != nil {
			return err
		}
		if _, err := os.Stat(src); err != nil {
			return hub.Errorf(hub.ENOTFOUND, "There is no backup at %s.", src)
		}
		if err := storage.CheckFile(ctx, src); err != nil {
			return hub.Errorf(hub.EINVALID, "%s is not a usable Commonplace backup: %s. Nothing was changed.", src, describeCheck(err))
		}
		lock, err := e.lockDataFolder()
		if err != nil {
			return err
		}
		defer lock.Release()
		dest := e.dbPath()
		kept, err := storage.RestoreCopy(src, dest)
		if err != nil {
			return err
		}
		// Opening applies any newer migrations, as a start would.
		db, err := openHubDB(ctx, dest, e.logger, slog.LevelWarn)
		if err != nil {
			return err
		}
		db.Close()
		e.printf("Restored %s into %s.\n", src, dest)
		if kept != "" {
			e.printf("The database it replaced is kept as %s.\n", kept)
		}
		return nil
	}
}

// describeCheck words a storage.CheckFile error for people.
func describeCheck(err error) string {
	var newer *storage.NewerSchemaError
	if errors.As(err, &newer) {
		return fmt.Sprintf("it was made by a newer Commonplace (schema %d; this commonplace, version %s, knows up to schema %d): use that version or newer", newer.Have, version, newer.Known)
	}
	return err.Error()
}
