package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// testServiceMoveOccurrence: one date of a weekly series moves to another
// day and time; occurrences come in order of their new times, the moved
// one rescheduled with its previous start; both its old and its new date
// find it; bad moves are refused and change nothing; restoring moves it
// back.
func testServiceMoveOccurrence(t *testing.T, open Opener) {
	svc, host, e := serviceWithDropIn(t, open, "FREQ=WEEKLY;BYDAY=TU;COUNT=4")
	london := zone(t, "Europe/London")
	one := &hub.Event{Title: "Fair", TimeZone: "Europe/London", Start: e.Start, End: e.End}
	if err := svc.CreateEvent(host, one); err != nil {
		t.Fatal(err)
	}
	newStart := time.Date(2026, 10, 22, 18, 0, 0, 0, london) // Thursday after the third Tuesday
	bad := []struct {
		name  string
		id    int64
		date  string
		start time.Time
		field string
	}{
		{"a one-off event", one.ID, "2026-10-06", newStart, "date"},
		{"a day without the event", e.ID, "2026-10-14", newStart, "date"},
		{"no new time", e.ID, "2026-10-20", time.Time{}, "start"},
		{"too far", e.ID, "2026-10-20", newStart.AddDate(0, 2, 0), "start"},
	}
	for _, b := range bad {
		if err := svc.MoveOccurrence(host, b.id, b.date, b.start, ""); hub.ErrorFields(err)[b.field] == "" {
			t.Errorf("%s: want a message on %s, got %v", b.name, b.field, err)
		}
	}
	if err := svc.MoveOccurrence(ctx, e.ID, "2026-10-20", newStart, ""); hub.ErrorCode(err) != hub.EUNAUTHORIZED {
		t.Errorf("a reader moved a date: %v", err)
	}
	if err := svc.MoveOccurrence(host, e.ID, "2026-10-20", newStart, "Room booked on Tuesday"); err != nil {
		t.Fatal(err)
	}
	list := func(from, to time.Time) string {
		var got []string
		ev, _ := svc.Event(ctx, e.ID)
		for _, o := range ev.Occurrences(from, to, 0) {
			s := o.Start.Format("Mon 02 15:04")
			if o.Status != "" {
				s += " " + string(o.Status) + " from " + o.PreviousStart.Format("Mon 02 15:04")
			}
			got = append(got, s)
		}
		return strings.Join(got, ", ")
	}
	all := list(e.Start, e.Start.AddDate(0, 1, 0))
	if want := "Tue 06 10:00, Tue 13 10:00, Thu 22 18:00 rescheduled from Tue 20 10:00, Tue 27 10:00"; all != want {
		t.Errorf("occurrences\n got %s\nwant %s", all, want)
	}
	// A window holding only the new time finds it; one holding only the
	// old time does not.
	if got := list(newStart, newStart.Add(time.Hour)); got != "Thu 22 18:00 rescheduled from Tue 20 10:00" {
		t.Errorf("around the new time: %q", got)
	}
	if got := list(time.Date(2026, 10, 20, 0, 0, 0, 0, london), time.Date(2026, 10, 21, 0, 0, 0, 0, london)); got != "" {
		t.Errorf("on the old day: %q", got)
	}
	ev, _ := svc.Event(ctx, e.ID)
	for _, date := range []string{"2026-10-20", "2026-10-22"} {
		o, err := ev.OccurrenceOn(date)
		if err != nil || !o.Start.Equal(newStart) {
			t.Errorf("OccurrenceOn(%s): %v %v", date, o.Start, err)
		}
	}
	if got := ev.NextOccurrences(time.Date(2026, 10, 21, 0, 0, 0, 0, london), 1); len(got) != 1 || !got[0].Start.Equal(newStart) {
		t.Errorf("next after 21 October: %+v", got)
	}
	// Moved again: it still says where it was first.
	if err := svc.MoveOccurrence(host, e.ID, "2026-10-20", newStart.Add(time.Hour), ""); err != nil {
		t.Fatal(err)
	}
	ev, _ = svc.Event(ctx, e.ID)
	if o, _ := ev.OccurrenceOn("2026-10-20"); !o.PreviousStart.Equal(time.Date(2026, 10, 20, 10, 0, 0, 0, london)) || !o.Start.Equal(newStart.Add(time.Hour)) {
		t.Errorf("moved twice: %v from %v", o.Start, o.PreviousStart)
	}
	if err := svc.SetEventStatus(host, e.ID, "2026-10-20", hub.StatusScheduled, ""); err != nil {
		t.Fatal(err)
	}
	if got := list(e.Start, e.Start.AddDate(0, 1, 0)); got != "Tue 06 10:00, Tue 13 10:00, Tue 20 10:00, Tue 27 10:00" {
		t.Errorf("after restoring: %s", got)
	}
}
