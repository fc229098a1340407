package main

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/storage"
)

// Moving a hub: `commonplace export FILE` writes the whole hub as one file
// while it serves; `commonplace import FILE` sets it up in an empty data
// folder on another server (docs/moving.md).
//
// The file is a gzipped tar of two entries, in this order:
//
//	manifest.json   what it is: exportManifest
//	commonplace.db  a consistent copy of the database (VACUUM INTO)
//
// Everything a hub holds is in its database (content, settings, the logo,
// organisers, the actor key pair, followers, calendar subscriptions, the
// delivery queue, the commons), so every table travels, also those that
// later migrations add, without code per table.

const (
	exportFormat        = "commonplace-export"
	exportFormatVersion = 1
	manifestName        = "manifest.json"
	exportDBName        = "commonplace.db"
	maxManifestSize     = 1 << 20
)

// exportManifest describes an export file; it is checked before anything
// is written on import.
type exportManifest struct {
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
	Database exportEntry `json:"database"`
	// Rows counts the rows of every table, by table name.
	Rows map[string]int64 `json:"rows"`
}

type exportEntry struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

func exportCommand() *command {
	return &command{name: "export", args: "FILE", nargs: 1, summary: "Write the whole hub to one file, to move it to another server (safe while it runs)", setup: exportRun,
		help: "FILE (a .tar.gz) holds a manifest and a consistent copy of the database: content, settings, the logo,\n" +
			"organisers, the fediverse key pair, followers, calendar subscriptions and the commons. It is readable\n" +
			"by its owner only: it holds the hub's private key. Set it up on the new server with 'commonplace import FILE'.\n" +
			"See docs/moving.md."}
}

func importCommand() *command {
	return &command{name: "import", args: "FILE", nargs: 1, summary: "Set up a hub from an export file in an empty data folder", setup: importRun,
		help: "The file's checksum and versions are checked before anything is written; a file from an older\n" +
			"Commonplace is upgraded after import. Stop any hub on the data folder first. Serve the imported hub\n" +
			"at the same public address (--url) it had: its followers know it by that address. See docs/moving.md."}
}

func exportRun(_ *flag.FlagSet, e *env) runFunc {
	return func(ctx context.Context, args []string) error {
		dest, err := filepath.Abs(args[0])
		if err != nil {
			return err
		}
		if _, err := os.Stat(dest); err == nil {
			return hub.Errorf(hub.ECONFLICT, "%s already exists; choose a new file name.", dest)
		}
		tmpDir, err := os.MkdirTemp(filepath.Dir(dest), ".commonplace-export-")
		if err != nil {
			return hub.Internal(err, "making a working folder beside "+dest)
		}
		defer os.RemoveAll(tmpDir)
		dbCopy := filepath.Join(tmpDir, exportDBName)
		if err := storage.BackupFile(ctx, e.dbPath(), dbCopy); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return noDatabase(e)
			}
			return hub.Internal(err, "copying the database")
		}
		sum, err := storage.Describe(ctx, dbCopy)
		if err != nil {
			return hub.Internal(err, "reading the copy of the database")
		}
		size, digest, err := fileDigest(dbCopy)
		if err != nil {
			return hub.Internal(err, "reading the copy of the database")
		}
		m := exportManifest{
			Format: exportFormat, FormatVersion: exportFormatVersion, Commonplace: version,
			SchemaVersion: sum.SchemaVersion, ExportedAt: time.Now().UTC().Truncate(time.Second),
			PublicURL: sum.PublicURL, HubName: sum.Name, Handle: sum.Handle,
			Database: exportEntry{Name: exportDBName, Size: size, SHA256: digest}, Rows: sum.Rows,
		}
		partial := dest + ".partial"
		if err := writeExportFile(partial, m, dbCopy); err != nil {
			os.Remove(partial)
			return hub.Internal(err, "writing "+dest)
		}
		if err := os.Rename(partial, dest); err != nil {
			os.Remove(partial)
			return hub.Internal(err, "writing "+dest)
		}
		st, _ := os.Stat(dest)
		e.printf("Exported %s to %s (%d KB): %s.\n", hubLabel(m), dest, st.Size()/1024, rowSummary(m.Rows))
		e.printf("It holds the hub's private key: keep it safe. On the new server: commonplace import %s\n", filepath.Base(dest))
		return nil
	}
}

func importRun(fs *flag.FlagSet, e *env) runFunc {
	force := fs.Bool("force", false, "replace the hub already in the data folder (its database is kept beside it)")
	return func(ctx context.Context, args []string) error {
		src, err := filepath.Abs(args[0])
		if err != nil {
			return err
		}
		f, err := os.Open(src)
		if err != nil {
			return hub.Errorf(hub.ENOTFOUND, "Could not open the export %s: %v", src, err)
		}
		defer f.Close()
		if err := os.MkdirAll(e.data, 0o750); err != nil {
			return hub.Internal(err, "creating the data folder "+e.data)
		}
		lock, err := lockData(e.data)
		if err != nil {
			return err
		}
		defer lock.release()
		dest := e.dbPath()
		if _, err := os.Stat(dest); err == nil && !*force {
			return hub.Errorf(hub.ECONFLICT, "The data folder %s already holds a hub (%s). Import into an empty data folder, or add --force to replace that hub (its database is kept beside it).", e.data, dbFileName)
		}

		tmp := dest + ".importing"
		defer os.Remove(tmp)
		m, err := readExport(f, tmp)
		if err == nil {
			if cerr := storage.CheckFile(ctx, tmp); cerr != nil {
				err = errors.New(describeCheck(cerr))
			}
		}
		if err != nil {
			return hub.Errorf(hub.EINVALID, "%s is not a usable Commonplace export: %v. Nothing was changed.", src, err)
		}
		kept, err := setAside(dest, "before-import")
		if err != nil {
			return err
		}
		if err := os.Rename(tmp, dest); err != nil {
			return hub.Internal(err, "putting the imported database in place")
		}
		// An export from an older Commonplace is upgraded here, as a start
		// would, with a copy of it kept in backups/ first.
		db, err := openHubDB(ctx, dest, e.logger, slog.LevelWarn)
		if err != nil {
			return err
		}
		db.Close()
		e.printf("Imported %s, exported %s by commonplace %s: %s.\n", hubLabel(m), m.ExportedAt.Format(time.RFC3339), m.Commonplace, rowSummary(m.Rows))
		if kept != "" {
			e.printf("The database it replaced is kept as %s.\n", kept)
		}
		if m.PublicURL != "" {
			e.printf("Serve it at the same public address, %s: its followers know the hub by it.\n", m.PublicURL)
			configured := e.io.getenv(envURL)
			if configured == "" {
				configured = e.cfg.URL
			}
			if configured != "" && strings.TrimRight(configured, "/") != strings.TrimRight(m.PublicURL, "/") {
				fmt.Fprintf(e.io.stderr, "Warning: this server is set up for the public address %s, not %s. Changing a hub's address changes its fediverse identity; see docs/moving.md.\n", configured, m.PublicURL)
			}
		}
		return nil
	}
}

// writeExportFile writes the export archive to path: the manifest, then
// the database file.
func writeExportFile(path string, m exportManifest, dbPath string) error {
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

// readExport reads an export archive from r, checks its manifest and
// writes its database to dbDest, checking size and checksum. It refuses a
// newer format or schema before writing anything.
func readExport(r io.Reader, dbDest string) (exportManifest, error) {
	var m exportManifest
	gz, err := gzip.NewReader(r)
	if err != nil {
		return m, errors.New("not a gzip file (an export is a .tar.gz written by 'commonplace export')")
	}
	tr := tar.NewReader(gz)
	hdr, err := tr.Next()
	if err != nil {
		return m, fmt.Errorf("reading the archive: %w", err)
	}
	if hdr.Name != manifestName || hdr.Size > maxManifestSize {
		return m, fmt.Errorf("the archive starts with %q, not %s", hdr.Name, manifestName)
	}
	if err := json.NewDecoder(io.LimitReader(tr, maxManifestSize)).Decode(&m); err != nil {
		return m, fmt.Errorf("reading %s: %w", manifestName, err)
	}
	switch {
	case m.Format != exportFormat:
		return m, fmt.Errorf("%s is not a Commonplace export manifest (format %q)", manifestName, m.Format)
	case m.FormatVersion > exportFormatVersion:
		return m, fmt.Errorf("made by a newer Commonplace (%s, export format %d; this one reads format %d): import it with that version or newer", m.Commonplace, m.FormatVersion, exportFormatVersion)
	case m.FormatVersion < 1:
		return m, fmt.Errorf("unknown export format version %d", m.FormatVersion)
	case m.SchemaVersion > storage.KnownSchemaVersion():
		return m, fmt.Errorf("made by a newer Commonplace (%s, schema %d; this one knows up to schema %d): import it with that version or newer", m.Commonplace, m.SchemaVersion, storage.KnownSchemaVersion())
	}
	hdr, err = tr.Next()
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

// hubLabel names the hub of a manifest for people.
func hubLabel(m exportManifest) string {
	label := "the hub"
	if m.HubName != "" {
		label = fmt.Sprintf("the hub %q", m.HubName)
	}
	if m.PublicURL != "" {
		label += " (" + m.PublicURL + ")"
	}
	return label
}

// rowSummary counts what people care about, then how many tables in all.
func rowSummary(rows map[string]int64) string {
	var parts []string
	for _, t := range []struct{ table, what string }{
		{"events", "events"}, {"guides", "guides"}, {"case_studies", "case studies"}, {"places", "places"},
		{"organisers", "organisers"}, {"followers", "followers"}, {"calendar_subscriptions", "calendar subscriptions"},
	} {
		if n, ok := rows[t.table]; ok {
			parts = append(parts, fmt.Sprintf("%d %s", n, t.what))
		}
	}
	return strings.Join(parts, ", ") + fmt.Sprintf(" (%d tables in all)", len(rows))
}
