package storage

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// A full disk or a read-only database gives a clear error, saves nothing
// half-way, and leaves reads working and the database sound.
//
// The full disk is SQLite's own: PRAGMA max_page_count capped at the
// pages in use, so the next page needed fails with SQLITE_FULL, the error
// a full file system gives. Read-only is PRAGMA query_only, which fails
// writes with SQLITE_READONLY, the error a read-only file or mount gives
// (file permissions cannot show it: tests may run as root).
func TestFullDiskAndReadOnly(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	db.db.SetMaxOpenConns(1) // the pragmas below are per connection
	svc := hub.NewService(db.Stores(), nil)
	host := hub.HostContext(ctx)
	event := func(title string, size int) *hub.Event {
		return &hub.Event{Title: title, Description: strings.Repeat("Lots of words. ", size), TimeZone: "UTC",
			Start: time.Date(2027, 1, 1, 10, 0, 0, 0, time.UTC), End: time.Date(2027, 1, 1, 11, 0, 0, 0, time.UTC), Tags: []string{"fault"}}
	}
	if err := svc.CreateEvent(host, event("Before the disk filled", 10)); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		_, n, err := svc.ListEvents(ctx, hub.EventFilter{Limit: 1})
		if err != nil {
			t.Fatalf("reads must keep working: %v", err)
		}
		return n
	}
	for _, tt := range []struct {
		name, pragma, undo, want string
	}{
		{"full disk", `PRAGMA max_page_count = ` + pageCount(t, db), `PRAGMA max_page_count = 1073741823`, "disk is full"},
		{"read-only", `PRAGMA query_only = 1`, `PRAGMA query_only = 0`, "cannot be written to"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := db.db.ExecContext(ctx, tt.pragma); err != nil {
				t.Fatal(err)
			}
			before := count()
			err := svc.CreateEvent(host, event("During the fault", 2000))
			if hub.ErrorCode(err) != hub.EUNAVAILABLE || !strings.Contains(hub.ErrorMessage(err), tt.want) {
				t.Errorf("error %q (code %s), want EUNAVAILABLE saying %q", hub.ErrorMessage(err), hub.ErrorCode(err), tt.want)
			}
			if n := count(); n != before {
				t.Errorf("%d events after the failed save, want %d: something was saved half-way", n, before)
			}
			if res, _ := svc.Search(ctx, hub.SearchQuery{Text: "During the fault"}); res != nil && res.Total != 0 {
				t.Error("the failed event is in the search index")
			}
			if _, err := db.db.ExecContext(ctx, tt.undo); err != nil {
				t.Fatal(err)
			}
			if err := svc.CreateEvent(host, event("After the fault", 10)); err != nil {
				t.Errorf("saving once the fault is gone: %v", err)
			}
			var ok string
			if err := db.db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
				t.Errorf("integrity check: %q %v", ok, err)
			}
			if err := db.CheckSearchIndex(ctx); err != nil {
				t.Error(err)
			}
		})
	}
}

func pageCount(t *testing.T, db *DB) string {
	var n string
	if err := db.db.QueryRow(`PRAGMA page_count`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
