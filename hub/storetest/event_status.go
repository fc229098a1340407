package storetest

import (
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// testEventStatuses: marks on a whole event and on one date are kept,
// replaced, read back with every way of finding events, removed by
// scheduled, and go with their event.
func testEventStatuses(t *testing.T, open Opener) {
	s := open(t).Stores
	london := zone(t, "Europe/London")
	e := &hub.Event{Title: "Drop-in", Slug: "drop-in", TimeZone: "Europe/London",
		Start: time.Date(2026, 10, 6, 10, 0, 0, 0, london), End: time.Date(2026, 10, 6, 12, 0, 0, 0, london), Recurrence: "FREQ=WEEKLY;BYDAY=TU"}
	if err := s.Events.CreateEvent(ctx, e); err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 10, 13, 10, 0, 0, 0, london)
	marks := []hub.StatusMark{
		{Date: "2026-10-13", Status: hub.StatusCancelled, Reason: "Room flooded", PreviousStart: due},
		{Date: "", Status: hub.StatusPostponed},
	}
	for _, m := range marks {
		if err := s.Events.SetEventStatus(ctx, e.ID, m); err != nil {
			t.Fatal(err)
		}
	}
	check := func(what string, got *hub.Event, want []hub.StatusMark) {
		t.Helper()
		if len(got.Statuses) != len(want) {
			t.Fatalf("%s: statuses %+v, want %+v", what, got.Statuses, want)
		}
		for i, m := range want {
			g := got.Statuses[i]
			if g.Date != m.Date || g.Status != m.Status || g.Reason != m.Reason || !g.PreviousStart.Equal(m.PreviousStart) {
				t.Errorf("%s: status %d is %+v, want %+v", what, i, g, m)
			}
		}
	}
	// Ordered by date, the whole event's first; the previous start comes
	// back in the event's zone.
	want := []hub.StatusMark{marks[1], marks[0]}
	byID, err := s.Events.FindEventByID(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	check("by id", byID, want)
	if loc := byID.Statuses[1].PreviousStart.Location().String(); loc != "Europe/London" {
		t.Errorf("previous start read in %s", loc)
	}
	bySlug, _ := s.Events.FindEventBySlug(ctx, "drop-in")
	check("by slug", bySlug, want)
	list, _, _ := s.Events.FindEvents(ctx, hub.EventFilter{})
	if len(list) != 1 {
		t.Fatalf("listed %d events", len(list))
	}
	check("listed", list[0], want)

	// A mark is a change of the event: its UpdatedAt moves (stores keep
	// seconds, so wait for the next one).
	time.Sleep(time.Until(byID.UpdatedAt.Add(time.Second)))
	if err := s.Events.SetEventStatus(ctx, e.ID, hub.StatusMark{Date: "2026-10-20", Status: hub.StatusScheduled}); err != nil {
		t.Fatal(err)
	}
	if later, _ := s.Events.FindEventByID(ctx, e.ID); !later.UpdatedAt.After(byID.UpdatedAt) {
		t.Errorf("updated at %v after a change of status, was %v", later.UpdatedAt, byID.UpdatedAt)
	}

	// Replacing a mark keeps one row for the date; an update of the event
	// leaves marks alone.
	if err := s.Events.SetEventStatus(ctx, e.ID, hub.StatusMark{Date: "", Status: hub.StatusCancelled, Reason: "Funding ended"}); err != nil {
		t.Fatal(err)
	}
	bySlug.Title, bySlug.Statuses = "Drop-in (renamed)", nil
	if err := s.Events.UpdateEvent(ctx, bySlug); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Events.FindEventByID(ctx, e.ID)
	check("replaced", got, []hub.StatusMark{{Status: hub.StatusCancelled, Reason: "Funding ended"}, marks[0]})

	// Scheduled removes the mark; removing one that is not there is fine.
	for range 2 {
		if err := s.Events.SetEventStatus(ctx, e.ID, hub.StatusMark{Date: "2026-10-13", Status: hub.StatusScheduled}); err != nil {
			t.Fatal(err)
		}
	}
	got, _ = s.Events.FindEventByID(ctx, e.ID)
	check("restored date", got, []hub.StatusMark{{Status: hub.StatusCancelled, Reason: "Funding ended"}})

	if err := s.Events.SetEventStatus(ctx, 999, hub.StatusMark{Status: hub.StatusCancelled}); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("marking a missing event: %v", err)
	}
	// Deleting the event takes its marks: a new event never inherits them.
	if err := s.Events.DeleteEvent(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	again := &hub.Event{Title: "Drop-in", Slug: "drop-in", TimeZone: "Europe/London", Start: e.Start, End: e.End}
	if err := s.Events.CreateEvent(ctx, again); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Events.FindEventByID(ctx, again.ID)
	check("new event", got, nil)
}

// testServiceEventStatus: the service checks dates and statuses, records
// the start a date was due at, keeps it when the mark changes, and
// occurrences carry their status.
func testServiceEventStatus(t *testing.T, open Opener) {
	svc, host, e := serviceWithDropIn(t, open, "FREQ=WEEKLY;BYDAY=TU")
	london := zone(t, "Europe/London")
	if err := svc.SetEventStatus(ctx, e.ID, "", hub.StatusCancelled, ""); hub.ErrorCode(err) != hub.EUNAUTHORIZED {
		t.Errorf("a reader cancelled an event: %v", err)
	}
	bad := []struct {
		date   string
		status hub.EventStatus
		field  string
	}{
		{"13/10/2026", hub.StatusCancelled, "date"},
		{"2026-10-14", hub.StatusCancelled, "date"}, // a Wednesday: no occurrence
		{"2026-10-13", hub.StatusRescheduled, "status"},
		{"", "gone", "status"},
	}
	for _, b := range bad {
		if err := svc.SetEventStatus(host, e.ID, b.date, b.status, ""); hub.ErrorFields(err)[b.field] == "" {
			t.Errorf("%q %q: want a message on %s, got %v", b.date, b.status, b.field, err)
		}
	}
	long := string(make([]byte, hub.MaxStatusReason+1))
	if err := svc.SetEventStatus(host, e.ID, "", hub.StatusCancelled, long); hub.ErrorFields(err)["reason"] == "" {
		t.Errorf("an over-long reason: %v", err)
	}
	if got, _ := svc.Event(ctx, e.ID); len(got.Statuses) != 0 {
		t.Fatalf("refused changes left marks: %+v", got.Statuses)
	}

	if err := svc.SetEventStatus(host, e.ID, "2026-10-13", hub.StatusCancelled, "  Room flooded "); err != nil {
		t.Fatal(err)
	}
	occ, err := svc.Occurrences(ctx, hub.OccurrenceFilter{From: e.Start, To: e.Start.AddDate(0, 0, 15)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range occ {
		got = append(got, o.Date()+" "+string(o.Status)+" "+o.StatusText())
	}
	want := []string{"2026-10-06  ", "2026-10-13 cancelled Cancelled: Room flooded", "2026-10-20  "}
	if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("occurrences %q, want %q", got, want)
	}
	if !occ[1].PreviousStart.Equal(time.Date(2026, 10, 13, 10, 0, 0, 0, london)) {
		t.Errorf("previous start %v", occ[1].PreviousStart)
	}

	// Postponed, then moved and marked rescheduled: the previous start is
	// the one it had when first marked.
	if err := svc.SetEventStatus(host, e.ID, "", hub.StatusPostponed, "Waiting for a room"); err != nil {
		t.Fatal(err)
	}
	moved, _ := svc.Event(ctx, e.ID)
	moved.Start, moved.End = moved.Start.AddDate(0, 0, 7), moved.End.AddDate(0, 0, 7)
	if err := svc.UpdateEvent(host, moved); err != nil {
		t.Fatal(err)
	}
	if err := svc.SetEventStatus(host, e.ID, "", hub.StatusRescheduled, ""); err != nil {
		t.Fatal(err)
	}
	after, _ := svc.Event(ctx, e.ID)
	whole, ok := after.WholeStatus()
	if !ok || whole.Status != hub.StatusRescheduled || !whole.PreviousStart.Equal(e.Start) {
		t.Errorf("whole-event mark %+v, want rescheduled from %v", whole, e.Start)
	}
	// The date's own mark wins over the whole event's; restoring the whole
	// event leaves the date cancelled.
	if m, _ := after.StatusOn("2026-10-13"); m.Status != hub.StatusCancelled {
		t.Errorf("13 October is %s", m.Status)
	}
	if m, _ := after.StatusOn("2026-10-20"); m.Status != hub.StatusRescheduled {
		t.Errorf("20 October is %s", m.Status)
	}
	if err := svc.SetEventStatus(host, e.ID, "", hub.StatusScheduled, ""); err != nil {
		t.Fatal(err)
	}
	after, _ = svc.Event(ctx, e.ID)
	if len(after.Statuses) != 1 || after.Statuses[0].Date != "2026-10-13" {
		t.Errorf("after restoring the event: %+v", after.Statuses)
	}
	// The series no longer has 13 October (skipped now): its stale mark
	// can still be removed.
	after.Exceptions = []string{"2026-10-13"}
	if err := svc.UpdateEvent(host, after); err != nil {
		t.Fatal(err)
	}
	if err := svc.SetEventStatus(host, e.ID, "2026-10-13", hub.StatusScheduled, ""); err != nil {
		t.Errorf("removing a stale mark: %v", err)
	}
	if after, _ = svc.Event(ctx, e.ID); len(after.Statuses) != 0 {
		t.Errorf("the stale mark stayed: %+v", after.Statuses)
	}
}

// testAdoptEvent: an event a one-off import made can be given to a
// subscription once; an organiser's own event, a subscription's event or
// a missing one cannot.
func testAdoptEvent(t *testing.T, open Opener) {
	all := open(t)
	s := all.Stores
	sub := &hub.Subscription{URL: "https://partner.example/events.ics"}
	if err := all.Calendars.CreateSubscription(ctx, sub); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 10, 6, 10, 0, 0, 0, time.UTC)
	mk := func(slug, uid string, feed int64) *hub.Event {
		e := &hub.Event{Title: slug, Slug: slug, TimeZone: "UTC", Start: start, End: start.Add(time.Hour), SourceUID: uid, SourceFeedID: feed}
		if err := s.Events.CreateEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
		return e
	}
	oneOff, own, subs := mk("one-off", "a@partner", 0), mk("own", "", 0), mk("subscribed", "b@partner", sub.ID)
	if err := s.Events.AdoptEvent(ctx, oneOff.ID, sub.ID); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Events.FindEventByID(ctx, oneOff.ID)
	if got.SourceFeedID != sub.ID || got.SourceUID != "a@partner" {
		t.Errorf("adopted: feed %d uid %q", got.SourceFeedID, got.SourceUID)
	}
	if list, _, _ := s.Events.FindEvents(ctx, hub.EventFilter{SourceFeedID: sub.ID}); len(list) != 2 {
		t.Errorf("the subscription has %d events, want 2", len(list))
	}
	for name, id := range map[string]int64{"adopted again": oneOff.ID, "own": own.ID, "subscribed": subs.ID, "missing": 999} {
		if err := s.Events.AdoptEvent(ctx, id, sub.ID); hub.ErrorCode(err) != hub.ENOTFOUND {
			t.Errorf("%s: %v, want ENOTFOUND", name, err)
		}
	}
}
