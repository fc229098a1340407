package federation_test

import (
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// followedWeeklySeries makes a hub with a follower that publishes a weekly
// series starting tomorrow at 19:00 in London, and waits for the Creates
// of its first two occurrences (those within the window).
func followedWeeklySeries(t *testing.T) (h *testHub, f *fediverse, e *hub.Event, start time.Time) {
	h, f = newHub(t), newFediverse(t)
	h.follow(f, f.actor("sam", false))
	now := h.clock.now()
	start = time.Date(now.Year(), now.Month(), now.Day(), 19, 0, 0, 0, london).AddDate(0, 0, 1)
	e = h.event("Weekly drop-in", start, "FREQ=WEEKLY")
	waitFor(t, "Creates", func() bool { return len(f.deliveries("Create")) >= 2 })
	return h, f, e, start
}

// TestCancelledOccurrenceIsAnUpdate: cancelling one date of a published
// series sends one Update of that occurrence, carrying eventStatus and
// ical:status, with a summary that starts "Cancelled: reason"; the other
// occurrence is not sent again; restoring sends an Update without them.
func TestCancelledOccurrenceIsAnUpdate(t *testing.T) {
	h, f, e, start := followedWeeklySeries(t)

	date := start.AddDate(0, 0, 7).Format("2006-01-02")
	if err := h.svc.SetEventStatus(h.host(), e.ID, date, "cancelled", "Room flooded"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "an Update", func() bool { return len(f.deliveries("Update")) >= 1 })
	time.Sleep(200 * time.Millisecond)
	updates := f.deliveries("Update")
	if len(updates) != 1 {
		t.Fatalf("%d Updates, want one for the cancelled date", len(updates))
	}
	obj := updates[0].Body["object"].(map[string]any)
	if id, _ := obj["id"].(string); !strings.HasSuffix(id, "?date="+date) {
		t.Errorf("updated %v, want the occurrence of %s", id, date)
	}
	if obj["eventStatus"] != "https://schema.org/EventCancelled" || obj["ical:status"] != "CANCELLED" {
		t.Errorf("status properties %v %v", obj["eventStatus"], obj["ical:status"])
	}
	if s, _ := obj["summary"].(string); !strings.HasPrefix(s, "<p>Cancelled: Room flooded</p><p>📅 ") {
		t.Errorf("summary %q", s)
	}
	ctx := updates[0].Body["@context"].([]any)[1].(map[string]any)
	if ctx["eventStatus"] == nil || ctx["ical"] != "http://www.w3.org/2002/12/cal/ical#" {
		t.Errorf("@context lacks eventStatus or ical: %v", ctx)
	}

	if err := h.svc.SetEventStatus(h.host(), e.ID, date, "scheduled", ""); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a second Update", func() bool { return len(f.deliveries("Update")) >= 2 })
	restored := f.deliveries("Update")[1].Body["object"].(map[string]any)
	if restored["eventStatus"] != nil || restored["ical:status"] != nil || strings.Contains(restored["summary"].(string), "Cancelled") {
		t.Errorf("the restored date still carries its status: %v", restored)
	}
}

// TestImportedHistoryIsNotSent: an imported event that was over before
// the hub had it (calendar import --from) is not sent to followers; an
// organiser's own past event still is, as before.
func TestImportedHistoryIsNotSent(t *testing.T) {
	h := newHub(t)
	f := newFediverse(t)
	h.follow(f, f.actor("sam", false))
	start := h.clock.now().AddDate(0, -2, 0)
	old := &hub.Event{Title: "Imported history", TimeZone: "Europe/London", Start: start, End: start.Add(time.Hour), SourceUID: "old@group"}
	if err := h.svc.CreateEvent(h.host(), old); err != nil {
		t.Fatal(err)
	}
	h.event("Our own past event", start, "")
	waitFor(t, "a Create", func() bool { return len(f.deliveries("Create")) >= 1 })
	time.Sleep(200 * time.Millisecond)
	creates := f.deliveries("Create")
	if len(creates) != 1 || creates[0].Body["object"].(map[string]any)["name"] != "Our own past event" {
		t.Errorf("%d Creates; imported history must not be sent", len(creates))
	}
}

// TestMovedOccurrenceIsAnUpdate: moving a published date of a series to
// another day sends an Update of the same object (its IRI names the date
// it had) at the new time, rescheduled, with previousStartDate.
func TestMovedOccurrenceIsAnUpdate(t *testing.T) {
	h, f, e, start := followedWeeklySeries(t)
	date := start.AddDate(0, 0, 7).Format("2006-01-02")
	newStart := start.AddDate(0, 0, 9).Add(-time.Hour)
	if err := h.svc.MoveOccurrence(h.host(), e.ID, date, newStart, "Room booked"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "an Update", func() bool { return len(f.deliveries("Update")) >= 1 })
	time.Sleep(200 * time.Millisecond)
	if n, d := len(f.deliveries("Update")), len(f.deliveries("Delete")); n != 1 || d != 0 {
		t.Fatalf("%d Updates and %d Deletes, want one Update", n, d)
	}
	obj := f.deliveries("Update")[0].Body["object"].(map[string]any)
	if id, _ := obj["id"].(string); !strings.HasSuffix(id, "?date="+date) {
		t.Errorf("updated %v, want the object of %s", id, date)
	}
	if obj["eventStatus"] != "https://schema.org/EventRescheduled" || obj["startTime"] != newStart.Format(time.RFC3339) ||
		obj["previousStartDate"] != start.AddDate(0, 0, 7).Format(time.RFC3339) {
		t.Errorf("moved object: %v %v %v", obj["eventStatus"], obj["startTime"], obj["previousStartDate"])
	}
}
