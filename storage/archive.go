package storage

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// Moving a hub: WriteExport writes the whole hub as one file while it
// serves; ReadExport reads one back for an import on another server
// (docs/moving.md).
//
// The file is a gzipped tar of two entries, in this order:
//
//	manifest.json   what it is: ExportManifest
//	commonplace.db  a consistent copy of the database (VACUUM INTO)
//
// Everything a hub holds is in its database (content, settings, the logo,
// organisers, the actor key pair, followers, calendar subscriptions, the
// delivery queue, the commons), so every table travels, also those that
// later migrations add, without code per table.

// The export format: ExportFormat names it in the manifest, and
// ExportFormatVersion is the newest version this binary writes and reads.
const (
	ExportFormat        = "commonplace-export"
	ExportFormatVersion = 1
	manifestName        = "manifest.json"
	exportDBName        = "commonplace.db"
	maxManifestSize     = 1 << 20
)

// ErrNoDatabase is returned by WriteExport when there is no database to
// export.
var ErrNoDatabase = errors.New("storage: no database file")

// ExportManifest describes an export file; it is checked before anything
// is written on import.
type ExportManifest struct {
	Format        string    `json:"format"`
	FormatVersion int       `json:"format_version"`
	Commonplace   string    `json:"commonplace_version"`
	SchemaVersion int       `json:"schema_version"`
	ExportedAt    time.Time `json:"exported_at"`
	// PublicURL is the address the hub served at, its fediverse identity;
	// "" if it never served.
	PublicURL string `json:"public_url"`
	HubName   string `json:"hub_name"`
	Handle    string `json:"handle"`
	// Database names the database entry, its size and SHA-256.
	Database ExportEntry `json:"database"`
	// Rows counts the rows of every table, by table name.
	Rows map[string]int64 `json:"rows"`
}

// ExportEntry is a file in an export archive.
type ExportEntry struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// WriteExport writes the hub database at src as an export archive at
// dest, recording version as the Commonplace that made it. It is safe
// beside a running hub: the database is copied with BackupFile. The
// archive is written under a temporary name and renamed into place, so a
// failed export leaves nothing at dest. ErrNoDatabase (wrapping the os
// error) if src does not exist; other failures are EINTERNAL naming the
// step.
func WriteExport(ctx context.Context, src, dest, version string) (ExportManifest, error) {
	var m ExportManifest
	tmpDir, err := os.MkdirTemp(filepath.Dir(dest), ".commonplace-export-")
	if err != nil {
		return m, hub.Internal(err, "making a working folder beside "+dest)
	}
	defer os.RemoveAll(tmpDir)
	dbCopy := filepath.Join(tmpDir, exportDBName)
	if err := BackupFile(ctx, src, dbCopy); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return m, fmt.Errorf("%w: %w", ErrNoDatabase, err)
		}
		return m, hub.Internal(err, "copying the database")
	}
	sum, err := Describe(ctx, dbCopy)
	if err != nil {
		return m, hub.Internal(err, "reading the copy of the database")
	}
	size, digest, err := fileDigest(dbCopy)
	if err != nil {
		return m, hub.Internal(err, "reading the copy of the database")
	}
	m = ExportManifest{
		Format: ExportFormat, FormatVersion: ExportFormatVersion, Commonplace: version,
		SchemaVersion: sum.SchemaVersion, ExportedAt: time.Now().UTC().Truncate(time.Second),
		PublicURL: sum.PublicURL, HubName: sum.Name, Handle: sum.Handle,
		Database: ExportEntry{Name: exportDBName, Size: size, SHA256: digest}, Rows: sum.Rows,
	}
	partial := dest + ".partial"
	if err := WriteExportArchive(partial, m, dbCopy); err != nil {
		os.Remove(partial)
		return m, hub.Internal(err, "writing "+dest)
	}
	if err := os.Rename(partial, dest); err != nil {
		os.Remove(partial)
		return m, hub.Internal(err, "writing "+dest)
	}
	return m, nil
}

// WriteExportArchive writes an export archive to path, which must not
// exist: the manifest m, then the database file at dbPath, whose size m
// gives.
func WriteExportArchive(path string, m ExportManifest, dbPath string) error {
	out, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer out.Close()
	gz := gzip.NewWriter(out)
	tw := tar.NewWriter(gz)
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: manifestName, Mode: 0o600, Size: int64(len(manifest)), ModTime: m.ExportedAt, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	if _, err := tw.Write(manifest); err != nil {
		return err
	}
	db, err := os.Open(dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := tw.WriteHeader(&tar.Header{Name: m.Database.Name, Mode: 0o600, Size: m.Database.Size, ModTime: m.ExportedAt, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	if _, err := io.Copy(tw, db); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := gz.Close(); err != nil {
		return err
	}
	if err := out.Sync(); err != nil {
		return err
	}
	return out.Close()
}

// ReadExport reads an export archive from r, checks its manifest and
// writes its database to dbDest, checking size and checksum. It refuses a
// newer format or schema before writing anything. Its errors say what is
// wrong with the file, for people.
func ReadExport(r io.Reader, dbDest string) (ExportManifest, error) {
	var m ExportManifest
	gz, err := gzip.NewReader(r)
	if err != nil {
		return m, errors.New("not a gzip file (an export is a .tar.gz written by 'commonplace export')")
	}
	tr := tar.NewReader(gz)
	if err := readManifest(tr, &m); err != nil {
		return m, err
	}
	hdr, err := tr.Next()
	if err != nil {
		return m, fmt.Errorf("reading the archive after the manifest: %w", err)
	}
	if hdr.Name != m.Database.Name || hdr.Typeflag != tar.TypeReg {
		return m, fmt.Errorf("the archive holds %q where the manifest names the database %q", hdr.Name, m.Database.Name)
	}
	out, err := os.OpenFile(dbDest, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return m, err
	}
	defer out.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), tr)
	if err != nil {
		return m, fmt.Errorf("reading the database from the archive: %w", err)
	}
	if n != m.Database.Size {
		return m, fmt.Errorf("the database is %d bytes where the manifest says %d: the file is damaged or incomplete", n, m.Database.Size)
	}
	if hex.EncodeToString(h.Sum(nil)) != m.Database.SHA256 {
		return m, errors.New("the database does not match the manifest's checksum: the file is damaged")
	}
	if hdr, err := tr.Next(); err != io.EOF {
		if err == nil {
			return m, fmt.Errorf("the archive holds an unexpected %q", hdr.Name)
		}
		return m, fmt.Errorf("reading the end of the archive: %w", err)
	}
	// Reading to the end checks the gzip checksum too.
	if _, err := io.Copy(io.Discard, gz); err != nil {
		return m, fmt.Errorf("reading the end of the archive: %w", err)
	}
	if err := out.Sync(); err != nil {
		return m, err
	}
	return m, out.Close()
}

// readManifest reads the archive's first entry, the manifest, into m and
// checks that this binary can import it.
func readManifest(tr *tar.Reader, m *ExportManifest) error {
	hdr, err := tr.Next()
	if err != nil {
		return fmt.Errorf("reading the archive: %w", err)
	}
	if hdr.Name != manifestName || hdr.Size > maxManifestSize {
		return fmt.Errorf("the archive starts with %q, not %s", hdr.Name, manifestName)
	}
	if err := json.NewDecoder(io.LimitReader(tr, maxManifestSize)).Decode(m); err != nil {
		return fmt.Errorf("reading %s: %w", manifestName, err)
	}
	switch {
	case m.Format != ExportFormat:
		return fmt.Errorf("%s is not a Commonplace export manifest (format %q)", manifestName, m.Format)
	case m.FormatVersion > ExportFormatVersion:
		return fmt.Errorf("made by a newer Commonplace (%s, export format %d; this one reads format %d): import it with that version or newer", m.Commonplace, m.FormatVersion, ExportFormatVersion)
	case m.FormatVersion < 1:
		return fmt.Errorf("unknown export format version %d", m.FormatVersion)
	case m.SchemaVersion > KnownSchemaVersion():
		return fmt.Errorf("made by a newer Commonplace (%s, schema %d; this one knows up to schema %d): import it with that version or newer", m.Commonplace, m.SchemaVersion, KnownSchemaVersion())
	}
	return nil
}

// fileDigest returns the size and hex SHA-256 of the file at path.
func fileDigest(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	return n, hex.EncodeToString(h.Sum(nil)), err
}
