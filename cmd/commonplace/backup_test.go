package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/storage"
)

// A backup taken while the hub serves and takes writes is consistent and
// restores into a working hub; restore refuses a running hub and a file
// that is not a Commonplace database, and keeps what it replaces.
func TestBackupWhileServingAndRestore(t *testing.T) {
	h := startCommonsHub(t, "backup")
	var created atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // an organiser's script adding events as fast as it can
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			h.api(http.MethodPost, "/events", map[string]any{"title": fmt.Sprintf("Event %d", i), "description": "Written during the backup.",
				"time_zone": "Europe/London", "start": "2027-06-05T10:00", "end": "2027-06-05T12:00", "tags": []string{"busy"}}, nil)
			created.Add(1)
		}
	}()
	for created.Load() < 20 {
		time.Sleep(10 * time.Millisecond)
	}
	file := filepath.Join(t.TempDir(), "hub-backup.db")
	before := created.Load()
	out := h.dir.ok("backup", file)
	after := created.Load()
	close(stop)
	wg.Wait()
	if !strings.Contains(out, "checked") {
		t.Errorf("backup output: %s", out)
	}
	if err := storage.CheckFile(context.Background(), file); err != nil {
		t.Fatal(err)
	}
	// The copy holds a consistent state between the two counts.
	db, err := storage.Open(context.Background(), file)
	if err != nil {
		t.Fatal(err)
	}
	events, total, err := hub.NewService(db.Stores(), nil).ListEvents(context.Background(), hub.EventFilter{Limit: 1})
	db.Close()
	_ = events
	if int64(total) < before || int64(total) > after+1 {
		t.Errorf("the backup holds %d events; %d existed when it started, %d when it ended", total, before, after)
	}
	if again := h.dir.fail(1, "backup", file); !strings.Contains(again, "already exists") {
		t.Errorf("backup over an existing file: %s", again)
	}

	// Restore refuses while the hub runs on that folder.
	if msg := h.dir.fail(1, "restore", file); !strings.Contains(msg, "A hub is running") {
		t.Errorf("restore while serving: %s", msg)
	}

	// Into a fresh folder on a "new server": the same events, and it serves.
	fresh := newHubDir(t)
	garbage := filepath.Join(t.TempDir(), "notes.db")
	os.WriteFile(garbage, []byte("not a database at all"), 0o600)
	if msg := fresh.fail(1, "restore", garbage); !strings.Contains(msg, "not a usable Commonplace backup") {
		t.Errorf("restoring garbage: %s", msg)
	}
	fresh.ok("restore", file)
	srv := startServer(t, nil, "--data", fresh.data, "--addr", "127.0.0.1:0")
	resp, err := http.Get("http://" + srv.addr + "/events/event-0")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("the restored hub's first event: %d", resp.StatusCode)
	}
	srv.stop(10 * time.Second)
	// Restoring again keeps the database it replaces.
	out = fresh.ok("restore", file)
	if !strings.Contains(out, "before-restore-") {
		t.Errorf("second restore: %s", out)
	}
	kept, _ := filepath.Glob(filepath.Join(fresh.data, "commonplace.db.before-restore-*"))
	if len(kept) == 0 {
		t.Error("the replaced database was not kept")
	}
}
