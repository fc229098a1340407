package main

import (
	"context"
	"errors"
	"flag"
	"io/fs"
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
		help: "The copy holds everything: content, settings, organisers, the fediverse key, followers and the commons.\nRestore it with 'commonplace restore FILE' while the hub is stopped."}
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
		db, err := e.openDB(ctx)
		if err != nil {
			return err
		}
		start := time.Now()
		if err := db.Backup(ctx, dest); err != nil {
			return hub.Internal(err, "writing the backup "+dest)
		}
		if err := storage.CheckFile(ctx, dest); err != nil {
			os.Remove(dest)
			return hub.Internal(err, "checking the backup "+dest)
		}
		st, _ := os.Stat(dest)
		e.printf("Backed up to %s (%d KB, checked) in %v.\n", dest, st.Size()/1024, time.Since(start).Round(time.Millisecond))
		return nil
	}
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
			return hub.Errorf(hub.EINVALID, "%s is not a usable Commonplace backup: %v", src, err)
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
		kept := ""
		if _, err := os.Stat(dest); err == nil {
			kept = dest + ".before-restore-" + time.Now().UTC().Format("20060102T150405Z")
			if err := os.Rename(dest, kept); err != nil {
				return hub.Internal(err, "keeping the current database aside")
			}
			for _, suffix := range []string{"-wal", "-shm"} {
				if err := os.Rename(dest+suffix, kept+suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return hub.Internal(err, "keeping the current database aside")
				}
			}
		}
		if err := copyFile(src, dest); err != nil {
			return hub.Internal(err, "copying the backup into place")
		}
		// Opening applies any newer migrations, as a start would.
		db, err := storage.Open(ctx, dest)
		if err != nil {
			return hub.Internal(err, "opening the restored database")
		}
		db.Close()
		e.printf("Restored %s into %s.\n", src, dest)
		if kept != "" {
			e.printf("The database it replaced is kept as %s.\n", kept)
		}
		return nil
	}
}

func copyFile(src, dest string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	tmp := dest + ".tmp"
	if err := os.WriteFile(tmp, b, 0o640); err != nil {
		return err
	}
	f, err := os.Open(tmp)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	f.Close()
	return os.Rename(tmp, dest)
}
