package calendar_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/calendar/calendartest"
)

// TestSubscribingAdoptsAnEarlierImport: a feed imported once by hand and
// then subscribed to keeps its events (same IDs and slugs, no "-2"
// copies); the subscription updates them from then on and removes the
// ones that leave the feed. An organiser's own event with the same title
// is left alone.
func TestSubscribingAdoptsAnEarlierImport(t *testing.T) {
	fs := newFeedServer(t)
	h := newCalendarHub(t, fs.Client())
	own := &hub.Event{Title: "Quiz night", TimeZone: "Europe/London", Start: testNow.AddDate(0, 0, 20), End: testNow.AddDate(0, 0, 20).Add(time.Hour)}
	if err := h.svc.CreateEvent(h.host, own); err != nil {
		t.Fatal(err)
	}
	feed := vcal("X-WR-CALNAME:Partner events", calendartest.Quiz, calendartest.Lunch, calendartest.Litter)
	if _, err := h.cals.Import(h.host, "partner.ics", []byte(feed), nil); err != nil {
		t.Fatal(err)
	}
	before := h.events(t, 0)
	fs.set(feed, "text/calendar")
	sub, got := h.subscribe(t, fs.URL+"/events.ics")
	if r := got.LastReport; r.Created != 0 || r.Adopted != 3 || r.Unchanged != 3 {
		t.Errorf("subscribing: %+v", r)
	}
	all, _, _ := h.svc.ListEvents(context.Background(), hub.EventFilter{})
	var slugs []string
	for _, e := range all {
		slugs = append(slugs, e.Slug)
	}
	if len(all) != 4 || strings.Contains(strings.Join(slugs, " "), "-3") {
		t.Errorf("events after subscribing: %v", slugs)
	}
	adopted := h.events(t, sub.ID)
	for _, title := range []string{"Lunch club", "Litter pick"} {
		if adopted[title] == nil || adopted[title].ID != before[title].ID {
			t.Errorf("%s: not adopted in place: %+v", title, adopted[title])
		}
	}
	if q, _ := h.svc.Event(context.Background(), own.ID); q.SourceUID != "" || q.SourceFeedID != 0 {
		t.Errorf("the organiser's own event was taken: %+v", q)
	}

	// From now on the subscription keeps them in step.
	fs.set(vcal("X-WR-CALNAME:Partner events", calendartest.QuizMoved, calendartest.Lunch), "text/calendar")
	got, err := h.cals.Refresh(h.host, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r := got.LastReport; r.Updated != 1 || r.Removed != 1 || r.Adopted != 0 {
		t.Errorf("the next refresh: %+v", r)
	}
}
