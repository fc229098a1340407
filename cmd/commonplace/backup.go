package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/storage"
)

// Backups: `commonplace backup FILE` copies the database consistently
// while the hub serves (SQLite's VACUUM INTO, in one read transaction);
// `commonplace restore FILE` puts a copy back while the hub is stopped,
// keeping the database it replaces.

// lockFileName is the file a serving hub holds an exclusive lock on, so
// restore can tell that the hub is running.
const lockFileName = "commonplace.lock"

// dataLock is a held lock on a data folder.
type dataLock struct{ f *os.File }

// lockData takes the data folder's lock without waiting; ECONFLICT if a
// running hub holds it.
func lockData(dir string) (*dataLock, error) {
	f, err := os.OpenFile(filepath.Join(dir, lockFileName), os.O_CREATE|os.O_RDWR, 0o640)
	if err != nil {
		return nil, hub.Internal(err, "opening the lock file in "+dir)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, hub.Errorf(hub.ECONFLICT, "A hub is running on the data folder %s. Stop it first (for example: systemctl stop commonplace).", dir)
		}
		return nil, hub.Internal(err, "locking "+dir)
	}
	return &dataLock{f}, nil
}

func (l *dataLock) release() {
	if l != nil && l.f != nil {
		syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
		l.f.Close()
		l.f = nil
	}
}

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
		dest, err := filepath.Abs(args[0])
		if err != nil {
			return err
		}
		if _, err := os.Stat(dest); err == nil {
			return hub.Errorf(hub.ECONFLICT, "%s already exists; choose a new file name.", dest)
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
		if err := os.MkdirAll(e.data, 0o750); err != nil {
			return hub.Internal(err, "creating the data folder "+e.data)
		}
		lock, err := lockData(e.data)
		if err != nil {
			return err
		}
		defer lock.release()
		dest := e.dbPath()
		tmp := dest + ".restoring"
		if err := copyFile(src, tmp); err != nil {
			os.Remove(tmp)
			return hub.Internal(err, "copying the backup into the data folder")
		}
		kept, err := setAside(dest, "before-restore")
		if err != nil {
			os.Remove(tmp)
			return err
		}
		if err := os.Rename(tmp, dest); err != nil {
			return hub.Internal(err, "putting the backup in place")
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

// setAside renames the database at path, with its WAL files, to
// path.WHY-TIME and returns the new name; "" if there is none. A WAL file
// without its database is set aside too, so that SQLite never applies it
// to the database put in its place.
func setAside(path, why string) (string, error) {
	kept := path + "." + why + "-" + time.Now().UTC().Format("20060102T150405Z")
	moved := false
	for _, suffix := range []string{"", "-wal", "-shm"} {
		err := os.Rename(path+suffix, kept+suffix)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", hub.Internal(err, "keeping the current database aside")
		}
		moved = moved || (suffix == "" && err == nil)
	}
	if !moved {
		return "", nil
	}
	return kept, nil
}

// copyFile copies src to dest (which it replaces), synced to disk and
// readable by its owner only.
func copyFile(src, dest string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dest, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
