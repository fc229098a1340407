package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/storage"
)

// crashFeed serves an iCalendar feed of n events, or of only the first
// while small is set.
type crashFeed struct {
	srv   *httptest.Server
	small atomic.Bool
}

func newCrashFeed(t *testing.T, n int) *crashFeed {
	event := func(b *strings.Builder, i int) {
		day := time.Date(2027, 1, 1, 10, 0, 0, 0, time.UTC).Add(time.Duration(i%300) * 24 * time.Hour)
		fmt.Fprintf(b, "BEGIN:VEVENT\r\nUID:crash-%d@test\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:%s\r\nDTEND:%s\r\nSUMMARY:Session %d\r\nEND:VEVENT\r\n",
			i, day.Format("20060102T150405Z"), day.Add(time.Hour).Format("20060102T150405Z"), i)
	}
	feed := func(n int) string {
		var b strings.Builder
		b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//crash test//EN\r\n")
		for i := range n {
			event(&b, i)
		}
		b.WriteString("END:VCALENDAR\r\n")
		return b.String()
	}
	big, one := feed(n), feed(1)
	f := &crashFeed{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/calendar")
		if f.small.Load() {
			w.Write([]byte(one))
			return
		}
		w.Write([]byte(big))
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// countEvents is the number of events in the hub at path, -1 if it cannot
// be read at the moment.
func countEvents(path string) int {
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

// killDuringImport waits until the import under way in cmd has saved some
// events, then kills cmd with SIGKILL, waits for it to end (wait) and
// returns how many it had saved.
func killDuringImport(t *testing.T, cmd *exec.Cmd, wait func(), path string, events int) int {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for countEvents(path) < 200 {
		if time.Now().After(deadline) {
			t.Fatal("the import did not get going")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	wait()
	atKill := countEvents(path)
	if atKill >= events {
		t.Fatalf("the import finished (%d events) before the kill; the test proves nothing", atKill)
	}
	t.Logf("killed with %d of %d events imported", atKill, events)
	return atKill
}

// checkImported: every event exactly once, the database and its search
// index sound.
func checkImported(t *testing.T, path string, events int) {
	t.Helper()
	if n := countEvents(path); n != events {
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

// TestCrashDuringImport: 'commonplace calendar add' imports a 3,000-event
// feed and is killed with SIGKILL part-way; a refresh then completes the
// import, every event is there exactly once and the database is sound.
func TestCrashDuringImport(t *testing.T) {
	const events = 3000
	feed := newCrashFeed(t, events)
	h := newHubDir(t)
	h.env = []string{envAllowPrivate + "=1"}
	h.ok("settings", "set", "--name", "Crash hub")
	cmd := exec.Command(binary, "calendar", "add", feed.srv.URL+"/feed.ics", "--data", h.data)
	cmd.Env = cliEnv(h.env...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(h.data, dbFileName)
	killDuringImport(t, cmd, func() { cmd.Wait() }, path, events)

	// The subscription survived the kill? If the kill came before it was
	// saved, subscribing again is what a person would do.
	out := h.ok("calendar", "list")
	if !strings.Contains(out, feed.srv.URL) {
		h.ok("calendar", "add", feed.srv.URL+"/feed.ics")
	} else {
		h.ok("calendar", "refresh", "1")
	}
	checkImported(t, path, events)
}

// TestCrashDuringServeImport: a running hub ('commonplace serve') picks up
// a subscribed feed that has grown to 3,000 events and is killed with
// SIGKILL part-way through importing it; started again, it refreshes the
// feed itself and ends with every event exactly once, the database sound.
func TestCrashDuringServeImport(t *testing.T) {
	const events = 3000
	feed := newCrashFeed(t, events)
	feed.small.Store(true)
	h := newHubDir(t)
	h.env = []string{envAllowPrivate + "=1"}
	h.ok("calendar", "add", feed.srv.URL+"/feed.ics")
	path := filepath.Join(h.data, dbFileName)
	if n := countEvents(path); n != 1 {
		t.Fatalf("%d events from the one-event feed", n)
	}
	feed.small.Store(false)
	// The feed is due again once the (short) interval has passed since
	// the command's import; the hub refreshes due feeds when it starts.
	time.Sleep(1100 * time.Millisecond)
	args := []string{"--data", h.data, "--addr", "127.0.0.1:0", "--allow-private-addresses", "--calendar-interval", "1s"}
	s := tryServer(t, nil, args...)
	if s.addr == "" {
		t.Fatalf("serve exited with %d\n%s", s.code, s.stderr)
	}
	killDuringImport(t, s.cmd, func() { <-s.done }, path, events)

	s = startServer(t, nil, args...)
	deadline := time.Now().Add(60 * time.Second)
	for countEvents(path) != events {
		if time.Now().After(deadline) {
			t.Fatalf("after restart the hub has %d of %d events\n%s", countEvents(path), events, s.stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if code := s.stop(15 * time.Second); code != 0 {
		t.Fatalf("stop: exit %d\n%s", code, s.stderr)
	}
	checkImported(t, path, events)
}
