package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/storage"
)

// inboxSink is a loopback server standing in for many remote inboxes: it
// records which activity reached which inbox, answering slowly so a
// fan-out takes a while.
type inboxSink struct {
	srv   *httptest.Server
	delay time.Duration

	mu  sync.Mutex
	got map[string]map[string]int // inbox path -> activity id -> times
	n   int
}

func newInboxSink(t *testing.T, delay time.Duration) *inboxSink {
	s := &inboxSink{delay: delay, got: map[string]map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.NotFound(w, r) // NodeInfo: the hub asks what the server runs
			return
		}
		var a struct{ ID string }
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &a)
		s.mu.Lock()
		if s.got[r.URL.Path] == nil {
			s.got[r.URL.Path] = map[string]int{}
		}
		s.got[r.URL.Path][a.ID]++
		s.n++
		s.mu.Unlock()
		time.Sleep(s.delay)
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// counts returns the number of POSTs, of inboxes reached, and of repeats.
func (s *inboxSink) counts() (posts, inboxes, repeats int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, acts := range s.got {
		inboxes++
		for _, n := range acts {
			repeats += n - 1
		}
	}
	return s.n, inboxes, repeats
}

// TestCrashDuringFanOut: a Create queued for 1,000 followers on 200
// inboxes; the hub is killed with SIGKILL part-way through the fan-out;
// after a restart every inbox gets the activity. Only deliveries in flight
// at the kill may be repeated (at most the number of delivery workers).
func TestCrashDuringFanOut(t *testing.T) {
	const followers, inboxes, workers = 1000, 200, 16
	data := t.TempDir()
	sink := newInboxSink(t, 80*time.Millisecond)

	// A first start makes the actor key and records the public URL.
	s := startServer(t, nil, "--data", data, "--addr", "127.0.0.1:0", "--allow-private-addresses")
	if code := s.stop(15 * time.Second); code != 0 {
		t.Fatalf("first stop: %d", code)
	}
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(data, dbFileName))
	if err != nil {
		t.Fatal(err)
	}
	for i := range followers {
		box := fmt.Sprintf("%s/inbox/%d", sink.srv.URL, i%inboxes)
		if err := db.Federation().SaveFollower(ctx, &hub.FollowerRecord{
			ActorID: fmt.Sprintf("%s/users/%d", sink.srv.URL, i), FollowID: fmt.Sprintf("%s/follows/%d", sink.srv.URL, i),
			Inbox: fmt.Sprintf("%s/users/%d/inbox", sink.srv.URL, i), SharedInbox: box, CreatedAt: time.Now(),
		}); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	s = startServer(t, nil, "--data", data, "--addr", "127.0.0.1:0", "--allow-private-addresses")
	// Published from the command line: queued in the database, delivered
	// by the running hub.
	h := &hubDir{t: t, data: data}
	h.ok("event", "add", "--title", "Community clean-up", "--start", "2026-12-05 10:00", "--end", "2026-12-05 13:00", "--tz", "Europe/London")

	deadline := time.Now().Add(30 * time.Second)
	for {
		if posts, _, _ := sink.counts(); posts >= 40 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the fan-out did not start\n%s", s.stderr)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	s.wait(10 * time.Second)
	atKill, reached, _ := sink.counts()
	if reached >= inboxes {
		t.Fatalf("the fan-out finished before the kill (%d inboxes); the test proves nothing", reached)
	}
	t.Logf("killed after %d POSTs to %d inboxes", atKill, reached)

	s = startServer(t, nil, "--data", data, "--addr", "127.0.0.1:0", "--allow-private-addresses")
	deadline = time.Now().Add(60 * time.Second)
	for {
		if _, reached, _ := sink.counts(); reached == inboxes {
			break
		}
		if time.Now().After(deadline) {
			_, reached, _ := sink.counts()
			t.Fatalf("after restart only %d of %d inboxes got the activity\n%s", reached, inboxes, s.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // anything further would be a repeat
	posts, reached, repeats := sink.counts()
	t.Logf("after restart: %d POSTs, %d inboxes, %d repeats", posts, reached, repeats)
	if repeats > workers {
		t.Errorf("%d repeated deliveries; at most the %d in flight at the kill may repeat", repeats, workers)
	}
	for path, acts := range sink.got {
		if len(acts) != 1 {
			t.Errorf("%s got %d different activities, want the one Create", path, len(acts))
		}
	}
	s.stop(15 * time.Second)
}
