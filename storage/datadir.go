package storage

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// The data folder: the lock a serving hub holds on it, and putting another
// database in place of the hub's (restore, import) while keeping the one
// it replaces.

// LockFileName is the file in the data folder a serving hub holds an
// exclusive lock on, so that restore and import can tell it is running.
const LockFileName = "commonplace.lock"

// DataLock is a held lock on a data folder.
type DataLock struct{ f *os.File }

// LockDataDir takes the data folder's lock without waiting; ECONFLICT if
// a running hub holds it.
func LockDataDir(dir string) (*DataLock, error) {
	f, err := os.OpenFile(filepath.Join(dir, LockFileName), os.O_CREATE|os.O_RDWR, 0o640)
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
	return &DataLock{f}, nil
}

// Release lets the lock go; releasing twice, or a nil lock, does nothing.
func (l *DataLock) Release() {
	if l != nil && l.f != nil {
		syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
		l.f.Close()
		l.f = nil
	}
}

// RestoreCopy puts a copy of the database file at src in place of the
// database at dest, whose files are kept aside as
// dest.before-restore-TIME; it returns that name, or "" if dest did not
// exist. src must have passed CheckFile, and no hub may use dest (hold
// its folder's lock). Failures are EINTERNAL naming the step.
func RestoreCopy(src, dest string) (kept string, err error) {
	tmp := dest + ".restoring"
	if err := copyFile(src, tmp); err != nil {
		os.Remove(tmp)
		return "", hub.Internal(err, "copying the backup into the data folder")
	}
	kept, err = SwapIn(tmp, dest, "before-restore")
	if err != nil {
		return "", hub.Internal(err, "putting the backup in place")
	}
	return kept, nil
}

// SwapIn renames the database file at newFile to dest, first keeping the
// database at dest (with its WAL files) aside as dest.WHY-TIME; it
// returns that name, or "" if dest did not exist. If keeping it aside
// fails (EINTERNAL), newFile is removed; if the final rename fails, the
// os error comes back and newFile stays.
func SwapIn(newFile, dest, why string) (kept string, err error) {
	kept, err = setAside(dest, why)
	if err != nil {
		os.Remove(newFile)
		return "", err
	}
	if err := os.Rename(newFile, dest); err != nil {
		return "", err
	}
	return kept, nil
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
