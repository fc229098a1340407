package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/storage"
)

// TestCrashDuringImport: 'commonplace calendar add' imports a 3,000-event
// feed and is killed with SIGKILL part-way; a refresh then completes the
// import, every event is there exactly once and the database is sound.
func TestCrashDuringImport(t *testing.T) {
	const events = 3000
	var feed strings.Builder
	feed.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//crash test//EN\r\n")
	for i := range events {
		day := time.Date(2027, 1, 1, 10, 0, 0, 0, time.UTC).Add(time.Duration(i%300) * 24 * time.Hour)
		fmt.Fprintf(&feed, "BEGIN:VEVENT\r\nUID:crash-%d@test\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:%s\r\nDTEND:%s\r\nSUMMARY:Session %d\r\nEND:VEVENT\r\n",
			i, day.Format("20060102T150405Z"), day.Add(time.Hour).Format("20060102T150405Z"), i)
	}
	feed.WriteString("END:VCALENDAR\r\n")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/calendar")
		w.Write([]byte(feed.String()))
	}))
	t.Cleanup(srv.Close)

	h := newHubDir(t)
	h.env = []string{envAllowPrivate + "=1"}
	h.ok("settings", "set", "--name", "Crash hub")
	cmd := exec.Command(binary, "calendar", "add", srv.URL+"/feed.ics", "--data", h.data)
	cmd.Env = cliEnv(h.env...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(h.data, dbFileName)
	count := func() int {
		db, err := storage.Open(context.Background(), path)
		if err != nil {
			return -1
		}
		defer db.Close()
		_, n, err := hub.NewService(db.Stores(), nil).ListEvents(context.Background(), hub.EventFilter{Limit: 1})
		if err != nil {
			return -1
		}
		return n
	}
	deadline := time.Now().Add(60 * time.Second)
	for count() < 200 {
		if time.Now().After(deadline) {
			t.Fatal("the import did not get going")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	atKill := count()
	if atKill >= events {
		t.Fatalf("the import finished (%d events) before the kill; the test proves nothing", atKill)
	}
	t.Logf("killed with %d of %d events imported", atKill, events)

	// The subscription survived the kill? If the kill came before it was
	// saved, subscribing again is what a person would do.
	out := h.ok("calendar", "list")
	if !strings.Contains(out, srv.URL) {
		h.ok("calendar", "add", srv.URL+"/feed.ics")
	} else {
		h.ok("calendar", "refresh", "1")
	}
	if n := count(); n != events {
		t.Fatalf("%d events after the refresh, want %d, each once", n, events)
	}
	if err := storage.CheckFile(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.CheckSearchIndex(context.Background()); err != nil {
		t.Error(err)
	}
	res, err := hub.NewService(db.Stores(), nil).Search(context.Background(), hub.SearchQuery{Text: "\"Session 2999\""})
	if err != nil || res.Total != 1 {
		t.Errorf("search after the crash and refresh: %+v %v", res, err)
	}
}
