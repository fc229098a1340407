package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/storage"
)

// loadOldHub writes the hub database in testdata/schema4-hub.sql, made by
// the binary of an older commit (schema 4, before the commons and search),
// into data's database file. It returns the actor's public key in it.
func loadOldHub(t *testing.T, data string) string {
	t.Helper()
	dump, err := os.ReadFile(filepath.Join("testdata", "schema4-hub.sql"))
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(data, 0o750)
	db, err := sql.Open("sqlite3", filepath.Join(data, dbFileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(string(dump)); err != nil {
		t.Fatal(err)
	}
	var key string
	if err := db.QueryRow(`SELECT public_pem FROM actor_keys`).Scan(&key); err != nil {
		t.Fatal(err)
	}
	return key
}

// schemaOf is the schema version of the database file at path.
func schemaOf(t *testing.T, path string) int {
	t.Helper()
	s, err := storage.Describe(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return s.SchemaVersion
}

// A hub made by an older Commonplace starts on this one: a copy of the
// database as it was is taken first and logged, then it is migrated; its
// content, key and followers are served and its content found by search;
// the next start takes no copy.
func TestOldHubUpgradesOnStart(t *testing.T) {
	h := newHubDir(t)
	key := loadOldHub(t, h.data)
	args := []string{"--data", h.data, "--addr", "127.0.0.1:0", "--url", "https://old-hub.example"}
	srv := startServer(t, nil, args...)
	backups, _ := filepath.Glob(filepath.Join(h.data, "backups", storage.UpgradeBackupPattern))
	if len(backups) != 1 {
		t.Fatalf("backups before the upgrade: %v", backups)
	}
	if !strings.Contains(srv.stderr.String(), "database upgraded") || !strings.Contains(srv.stderr.String(), "backup="+backups[0]) {
		t.Errorf("the log does not say where the copy is:\n%s", srv.stderr)
	}
	if err := storage.CheckFile(context.Background(), backups[0]); err != nil {
		t.Errorf("the copy: %v", err)
	}
	if v := schemaOf(t, backups[0]); v != 4 {
		t.Errorf("the copy is at schema %d, want 4 (as it was)", v)
	}
	if v := schemaOf(t, filepath.Join(h.data, dbFileName)); v != storage.KnownSchemaVersion() {
		t.Errorf("the database is at schema %d after the start, want %d", v, storage.KnownSchemaVersion())
	}
	for path, want := range map[string]string{
		"/events/repair-cafe":          "Repair café",
		"/guides/composting-at-home":   "Start with a bin and some cardboard.",
		"/case-studies/tablet-lending": "Forty people got online.",
		"/search?q=composting":         ">Composting at home</a>",
		"/":                            "Hulme Old Hub",
	} {
		code, body := srv.get(path)
		if code != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("GET %s: %d, lacks %q", path, code, want)
		}
	}
	_, actor := fetch(t, "http://"+srv.addr, "/actor", activityJSON)
	var doc struct {
		ID        string
		PublicKey struct{ PublicKeyPem string } `json:"publicKey"`
	}
	json.Unmarshal(actor, &doc)
	if doc.PublicKey.PublicKeyPem != key || doc.ID != "https://old-hub.example/actor" {
		t.Errorf("the actor after the upgrade: %s", actor)
	}
	if _, followers := fetch(t, "http://"+srv.addr, "/actor/followers?page=1", activityJSON); !strings.Contains(string(followers), "https://social.example/users/ana") {
		t.Errorf("the follower after the upgrade: %s", followers)
	}
	srv.stop(15 * time.Second)

	srv = startServer(t, nil, args...)
	if strings.Contains(srv.stderr.String(), "database upgraded") {
		t.Errorf("a second start upgraded again:\n%s", srv.stderr)
	}
	srv.stop(15 * time.Second)
	if again, _ := filepath.Glob(filepath.Join(h.data, "backups", "*")); len(again) != 1 {
		t.Errorf("backups after a second start: %v", again)
	}
}

// An export of an older hub (exported by this binary without changing
// it) imports and is upgraded after the import.
func TestOldExportImportsAndUpgrades(t *testing.T) {
	old := newHubDir(t)
	loadOldHub(t, old.data)
	file := filepath.Join(t.TempDir(), "old.tar.gz")
	old.ok("export", file)
	if v := schemaOf(t, filepath.Join(old.data, dbFileName)); v != 4 {
		t.Fatalf("export changed the old hub's schema to %d", v)
	}
	fresh := newHubDir(t)
	r := fresh.run("import", file, "--log-level", "info")
	if r.code != 0 || !strings.Contains(r.stdout, `Imported the hub "Hulme Old Hub" (https://old-hub.example)`) || !strings.Contains(r.stderr, "database upgraded") {
		t.Fatalf("import of an older export: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if v := schemaOf(t, filepath.Join(fresh.data, dbFileName)); v != storage.KnownSchemaVersion() {
		t.Errorf("schema %d after the import, want %d", v, storage.KnownSchemaVersion())
	}
	if out := fresh.ok("guide", "list"); !strings.Contains(out, "Composting at home") {
		t.Errorf("guides after the import: %s", out)
	}
}

// A database made by a newer Commonplace is refused with a message saying
// what to do, exit code 3 (systemd does not restart on it), and left as
// it was; a backup of it can still
// be taken, but neither restored nor imported.
func TestNewerDatabaseIsRefused(t *testing.T) {
	h := newHubDir(t)
	h.ok("guide", "add", "--title", "From the future", "--body", "Made by a newer version.")
	db, err := sql.Open("sqlite3", filepath.Join(h.data, dbFileName))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	const want = "was made by a newer Commonplace (schema 9999"

	srv := tryServer(t, nil, "--data", h.data, "--addr", "127.0.0.1:0")
	if srv.addr != "" {
		t.Fatal("serve started on a newer database")
	}
	if code := srv.wait(10 * time.Second); code != exitCannotRun || !strings.Contains(srv.stderr.String(), want) || !strings.Contains(srv.stderr.String(), "Nothing was changed") {
		t.Errorf("serve: exit %d\n%s", code, srv.stderr)
	}
	if msg := h.fail(exitCannotRun, "guide", "list"); !strings.Contains(msg, want) {
		t.Errorf("guide list: %s", msg)
	}

	backup := filepath.Join(t.TempDir(), "future.db")
	h.ok("backup", backup)
	if msg := newHubDir(t).fail(exitError, "restore", backup); !strings.Contains(msg, "made by a newer Commonplace") {
		t.Errorf("restore: %s", msg)
	}
	export := filepath.Join(t.TempDir(), "future.tar.gz")
	h.ok("export", export)
	if msg := newHubDir(t).fail(exitError, "import", export); !strings.Contains(msg, "made by a newer Commonplace") {
		t.Errorf("import: %s", msg)
	}
	if v := schemaOf(t, filepath.Join(h.data, dbFileName)); v != 9999 {
		t.Errorf("schema %d after the refusals", v)
	}
	if _, err := os.Stat(filepath.Join(h.data, "backups")); err == nil {
		t.Error("a refused start took an upgrade backup")
	}
}
