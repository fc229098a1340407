package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
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
// folder on another server (docs/moving.md). The archive is storage's
// (storage/archive.go); this file parses, calls and reports.

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
		dest, err := newFileArg(args[0])
		if err != nil {
			return err
		}
		m, err := storage.WriteExport(ctx, e.dbPath(), dest, version)
		if errors.Is(err, storage.ErrNoDatabase) {
			return noDatabase(e)
		} else if err != nil {
			return err
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
		lock, err := e.lockDataFolder()
		if err != nil {
			return err
		}
		defer lock.Release()
		dest := e.dbPath()
		if _, err := os.Stat(dest); err == nil && !*force {
			return hub.Errorf(hub.ECONFLICT, "The data folder %s already holds a hub (%s). Import into an empty data folder, or add --force to replace that hub (its database is kept beside it).", e.data, dbFileName)
		}

		tmp := dest + ".importing"
		defer os.Remove(tmp)
		m, err := storage.ReadExport(f, tmp)
		if err == nil {
			if cerr := storage.CheckFile(ctx, tmp); cerr != nil {
				err = errors.New(describeCheck(cerr))
			}
		}
		if err != nil {
			return hub.Errorf(hub.EINVALID, "%s is not a usable Commonplace export: %v. Nothing was changed.", src, err)
		}
		kept, err := storage.SwapIn(tmp, dest, "before-import")
		if err != nil {
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

// hubLabel names the hub of a manifest for people.
func hubLabel(m storage.ExportManifest) string {
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
