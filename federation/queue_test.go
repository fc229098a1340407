package federation_test

import (
	"context"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A delivery that meets 503 is retried later and then arrives; one that
// meets 404 is given up at once; the peers' health says so.
func TestDeliveryRetries(t *testing.T) {
	h := newHub(t)
	f := newFediverse(t)
	up, gone := f.actor("up", false), f.actor("gone", false)
	h.follow(f, up)
	h.follow(f, gone)
	var down atomic.Bool
	down.Store(true)
	f.mu.Lock()
	f.status = func(path string) int {
		switch {
		case path == "/users/gone/inbox":
			return http.StatusNotFound
		case down.Load():
			return http.StatusServiceUnavailable
		}
		return http.StatusAccepted
	}
	f.mu.Unlock()

	h.event("Quiz night", time.Date(2026, 12, 10, 19, 0, 0, 0, london), "")
	waitFor(t, "two attempts", func() bool { return len(f.deliveries("Create")) == 2 })
	ctx := context.Background()
	waitFor(t, "the outcome recorded", func() bool {
		st, err := h.svc.FederationStatus(h.host())
		return err == nil && len(st.Failed) == 1 && len(st.Pending) == 1 && st.Pending[0].Attempts == 1
	})
	st, _ := h.svc.FederationStatus(h.host())
	if st.Failed[0].LastStatus != 404 || !strings.HasSuffix(st.Failed[0].Inbox, "/users/gone/inbox") {
		t.Errorf("failed %+v", st.Failed[0])
	}
	p := st.Pending[0]
	if p.LastStatus != 503 || !p.NextAttempt.After(h.clock.now().Add(15*time.Second)) {
		t.Errorf("pending %+v: want a retry after at least 16 s", p)
	}

	// The server comes back; after the wait the delivery goes through.
	down.Store(false)
	h.clock.advance(2 * time.Minute)
	waitFor(t, "the retry", func() bool { return len(f.deliveries("Create")) == 3 })
	waitFor(t, "the queue to empty", func() bool {
		st, _ := h.svc.FederationStatus(h.host())
		return len(st.Pending) == 0
	})
	st, _ = h.svc.FederationStatus(h.host())
	if len(st.Peers) != 1 || st.Peers[0].Delivered < 2 || st.Peers[0].ConsecutiveFailures != 0 {
		t.Errorf("peers %+v", st.Peers)
	}

	// An organiser retries the failed one by hand.
	if err := h.svc.RetryDelivery(h.host(), st.Failed[0].ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the manual retry", func() bool { return len(f.deliveries("Create")) == 4 })
	_ = ctx
}

// A restart neither loses nor repeats queued deliveries: what was queued
// while the hub was down goes out once it is back.
func TestDeliveryQueueSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hub.db")
	h := openHub(t, path, nil)
	f := newFediverse(t)
	for _, n := range []string{"a1", "a2", "a3"} {
		h.follow(f, f.actor(n, false))
	}
	var hold atomic.Bool
	hold.Store(true)
	f.mu.Lock()
	f.status = func(string) int {
		if hold.Load() {
			return http.StatusServiceUnavailable
		}
		return http.StatusAccepted
	}
	f.mu.Unlock()
	h.event("Garden day", time.Date(2026, 12, 12, 10, 0, 0, 0, london), "")
	waitFor(t, "first attempts", func() bool { return len(f.deliveries("Create")) == 3 })
	h.close()

	hold.Store(false)
	clk := &clock{t: time.Now().Add(10 * time.Minute)} // past the retry time
	h2 := openHub(t, path, clk)
	waitFor(t, "deliveries after restart", func() bool { return len(f.deliveries("Create")) == 6 })
	time.Sleep(300 * time.Millisecond)
	if n := len(f.deliveries("Create")); n != 6 {
		t.Errorf("%d Create attempts, want 3 failed + 3 delivered", n)
	}
	_ = h2
}

// An event series is published one occurrence at a time, as each comes
// within the window (14 days), not all at once.
func TestSeriesWindow(t *testing.T) {
	h, f, e, start := followedWeeklySeries(t)
	time.Sleep(200 * time.Millisecond)
	creates := f.deliveries("Create")
	if len(creates) != 2 {
		t.Fatalf("%d Creates for a weekly series, want the 2 occurrences in the next 14 days", len(creates))
	}
	var ids []string
	for _, c := range creates {
		ids = append(ids, c.Body["object"].(map[string]any)["id"].(string))
	}
	slices.Sort(ids)
	want := []string{h.base + "/events/" + e.Slug + "?date=" + start.Format("2006-01-02"), h.base + "/events/" + e.Slug + "?date=" + start.AddDate(0, 0, 7).Format("2006-01-02")}
	if !slices.Equal(ids, want) {
		t.Errorf("occurrence ids %v, want %v", ids, want)
	}
	// A week later, the next occurrence is published.
	h.clock.advance(7 * 24 * time.Hour)
	h.fed.PublishDue(context.Background())
	waitFor(t, "the next occurrence", func() bool { return len(f.deliveries("Create")) == 3 })

	// Skipping a published future occurrence deletes it.
	skip := start.AddDate(0, 0, 14).Format("2006-01-02")
	e.Exceptions = []string{skip}
	if err := h.svc.UpdateEvent(h.host(), e); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a Delete", func() bool { return len(f.deliveries("Delete")) == 1 })
	if id := f.deliveries("Delete")[0].Body["object"].(map[string]any)["id"]; !strings.HasSuffix(id.(string), "?date="+skip) {
		t.Errorf("deleted %v, want the skipped %s", id, skip)
	}
}
