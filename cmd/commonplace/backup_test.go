package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/storage"
)

// A backup taken while the hub serves and takes writes is consistent and
// restores into a working hub; restore refuses a running hub and a file
// that is not a Commonplace database, and keeps what it replaces.
// allEvents lists every event through the API at base, by ID, without
// the URL, which names the server.
func allEvents(t *testing.T, base, token string) map[float64]map[string]any {
	t.Helper()
	out := map[float64]map[string]any{}
	for offset := 0; ; offset += 500 {
		req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/api/v1/events?limit=500&offset=%d", base, offset), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var page struct{ Items []map[string]any }
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s events: %d %v", base, resp.StatusCode, err)
		}
		for _, ev := range page.Items {
			delete(ev, "url")
			out[ev["id"].(float64)] = ev
		}
		if len(page.Items) < 500 {
			return out
		}
	}
}

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
	if st, _ := os.Stat(file); st.Mode().Perm() != 0o600 {
		t.Errorf("the backup's mode is %v; it holds the private key, so only its owner may read it", st.Mode().Perm())
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
	// The restored hub serves exactly what the hub held at one moment
	// during the backup: the first n events the script made, for n between
	// the two counts, each as the original hub has it (the script only
	// adds), through the API with the token made before the backup.
	restored, original := allEvents(t, "http://"+srv.addr, h.token), allEvents(t, h.base(), h.token)
	n := int64(len(restored))
	t.Logf("%d events when the backup started, %d when it ended; the backup holds %d", before, after, n)
	if n < before || n > after+1 {
		t.Errorf("the restored hub has %d events; %d existed when the backup started, %d when it ended", n, before, after)
	}
	for id, ev := range restored {
		if !reflect.DeepEqual(ev, original[id]) {
			t.Errorf("event %v restored as %v, the hub has %v", id, ev, original[id])
		}
		var i int64
		if _, err := fmt.Sscanf(ev["title"].(string), "Event %d", &i); err != nil || i >= n {
			t.Errorf("restored an event out of order: %v", ev["title"])
		}
	}
	if code, page := srv.get("/events/event-0"); code != 200 || !strings.Contains(page, "Written during the backup.") {
		t.Errorf("the restored hub's first event: %d", code)
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
