package ical

import (
	"slices"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"

	"github.com/commonplace-hub/commonplace/hub"
)

// statusEvents: a weekly series with one date cancelled (and one
// restored, so not marked), an all-day series with one date postponed, a
// cancelled one-off, and a postponed series whose one date is cancelled.
func statusEvents(t *testing.T) []*hub.Event {
	weekly := newEvent(t, 1, hub.Event{Title: "Digital drop-in", TimeZone: "Europe/London",
		Start: time.Date(2026, 10, 6, 10, 0, 0, 0, london), End: time.Date(2026, 10, 6, 12, 0, 0, 0, london),
		Recurrence: "FREQ=WEEKLY;BYDAY=TU;COUNT=6", Exceptions: []string{"2026-10-27"}})
	weekly.Statuses = []hub.StatusMark{{Date: "2026-10-20", Status: hub.StatusCancelled, Reason: "Room flooded"},
		{Date: "2026-10-27", Status: hub.StatusCancelled}} // an exception: no such occurrence
	market := newEvent(t, 2, hub.Event{Title: "Saturday market", TimeZone: "Europe/London", AllDay: true,
		Start: time.Date(2026, 10, 3, 0, 0, 0, 0, london), End: time.Date(2026, 10, 4, 0, 0, 0, 0, london),
		Recurrence: "FREQ=WEEKLY;COUNT=3"})
	market.Statuses = []hub.StatusMark{{Date: "2026-10-10", Status: hub.StatusPostponed}}
	party := newEvent(t, 3, hub.Event{Title: "Street party", TimeZone: "America/New_York",
		Start: time.Date(2026, 11, 7, 14, 0, 0, 0, newYork), End: time.Date(2026, 11, 7, 18, 0, 0, 0, newYork)})
	party.Statuses = []hub.StatusMark{{Status: hub.StatusCancelled, Reason: "No permit"}}
	choir := newEvent(t, 4, hub.Event{Title: "Choir", TimeZone: "Europe/London",
		Start: time.Date(2026, 10, 1, 19, 0, 0, 0, london), End: time.Date(2026, 10, 1, 20, 0, 0, 0, london),
		Recurrence: "FREQ=WEEKLY;COUNT=3"})
	choir.Statuses = []hub.StatusMark{{Status: hub.StatusPostponed, Reason: "New conductor"}, {Date: "2026-10-08", Status: hub.StatusCancelled}}
	return []*hub.Event{weekly, market, party, choir}
}

// TestCancelledOccurrenceRoundTripPython: the feed read by Python's
// icalendar (and RFC 5545's override rule applied there) gives every
// occurrence the status the hub shows, the cancelled date of the weekly
// series CANCELLED with its reason, and no override for a mark on a date
// the series skips.
func TestCancelledOccurrenceRoundTripPython(t *testing.T) {
	python := findPython(t)
	events := statusEvents(t)
	got := readWithPython(t, python, export(t, testCalendar(), events...))
	if len(got.Events) != len(events) {
		t.Fatalf("python read %d series, want %d", len(got.Events), len(events))
	}
	byUID := map[string]pyEvent{}
	for _, e := range got.Events {
		byUID[e.UID] = e
	}
	wantStatus := map[string]string{"Digital drop-in": "CONFIRMED", "Saturday market": "CONFIRMED", "Street party": "CANCELLED", "Choir": "TENTATIVE"}
	for _, e := range events {
		p := byUID[UID(e, "hub.example")]
		if p.Status != wantStatus[e.Title] {
			t.Errorf("%s: STATUS %q, want %q", e.Title, p.Status, wantStatus[e.Title])
		}
		if want := hubOccurrences(e); !slices.Equal(p.Occurrences, want) {
			t.Errorf("%s: python occurrences\n%v\nhub occurrences\n%v", e.Title, p.Occurrences, want)
		}
	}
	// Spelled out for the weekly series, not only compared with the hub.
	var cancelled []string
	for _, o := range byUID[UID(events[0], "hub.example")].Occurrences {
		if o.Status == "CANCELLED" {
			cancelled = append(cancelled, o.Local)
		}
	}
	if !slices.Equal(cancelled, []string{"2026-10-20T10:00:00"}) {
		t.Errorf("cancelled drop-ins %v, want only 20 October", cancelled)
	}
	var overrides []string
	for _, o := range got.Overrides {
		overrides = append(overrides, o.UID+" "+o.RecurrenceID+" "+o.Status)
		if o.RecurrenceID == "2026-10-20T10:00:00" && !strings.HasPrefix(o.Description, "Cancelled: Room flooded\n\n") {
			t.Errorf("the override's description %q", o.Description)
		}
	}
	wantOverrides := []string{
		"event-1@hub.example 2026-10-20T10:00:00 CANCELLED",
		"event-2@hub.example 2026-10-10 TENTATIVE",
		"event-4@hub.example 2026-10-08T19:00:00 CANCELLED",
	}
	if !slices.Equal(overrides, wantOverrides) {
		t.Errorf("overrides %q, want %q", overrides, wantOverrides)
	}
	if p := byUID[UID(events[2], "hub.example")]; !strings.HasPrefix(p.Description, "Cancelled: No permit\n\n") {
		t.Errorf("the cancelled event's description %q", p.Description)
	}
}

// TestOverrideShape: an override has the series' UID, a RECURRENCE-ID
// with the occurrence's zone, and the same times; go-ical reads the feed.
func TestOverrideShape(t *testing.T) {
	feed := export(t, testCalendar(), statusEvents(t)[0])
	cal := decode(t, feed)
	if n := len(cal.Events()); n != 2 {
		t.Fatalf("%d VEVENTs, want the series and one override:\n%s", n, feed)
	}
	lines := unfold(feed)
	for _, want := range []string{
		"RECURRENCE-ID;TZID=Europe/London:20261020T100000",
		"DTSTART;TZID=Europe/London:20261020T100000",
		"DTEND;TZID=Europe/London:20261020T120000",
		"STATUS:CANCELLED",
		"STATUS:CONFIRMED",
	} {
		if !slices.Contains(lines, want) {
			t.Errorf("no line %q in\n%s", want, feed)
		}
	}
	for _, ev := range cal.Events() {
		if uid, _ := ev.Props.Text(goical.PropUID); uid != "event-1@hub.example" {
			t.Errorf("UID %q", uid)
		}
	}
}

// TestMovedOccurrenceRoundTripPython: a date of a weekly series moved to
// another day and time is an override with the old start as its
// RECURRENCE-ID and the new one as DTSTART; Python's icalendar, applying
// it, gives the hub's occurrences at the hub's times.
func TestMovedOccurrenceRoundTripPython(t *testing.T) {
	python := findPython(t)
	e := newEvent(t, 7, hub.Event{Title: "Drop-in", TimeZone: "Europe/London",
		Start: time.Date(2026, 10, 6, 10, 0, 0, 0, london), End: time.Date(2026, 10, 6, 12, 0, 0, 0, london),
		Recurrence: "FREQ=WEEKLY;BYDAY=TU;COUNT=4"})
	e.Statuses = []hub.StatusMark{{Date: "2026-10-20", Status: hub.StatusRescheduled, Reason: "Room booked",
		PreviousStart: time.Date(2026, 10, 20, 10, 0, 0, 0, london), MovedTo: time.Date(2026, 10, 29, 18, 0, 0, 0, london)}}
	feed := export(t, testCalendar(), e)
	for _, want := range []string{"RECURRENCE-ID;TZID=Europe/London:20261020T100000", "DTSTART;TZID=Europe/London:20261029T180000", "DTEND;TZID=Europe/London:20261029T200000"} {
		if !slices.Contains(unfold(feed), want) {
			t.Errorf("no line %q", want)
		}
	}
	got := readWithPython(t, python, feed)
	if len(got.Events) != 1 {
		t.Fatalf("python read %d series", len(got.Events))
	}
	if want := hubOccurrences(e); !slices.Equal(got.Events[0].Occurrences, want) {
		t.Errorf("python occurrences\n%v\nhub occurrences\n%v", got.Events[0].Occurrences, want)
	}
	var locals []string
	for _, o := range got.Events[0].Occurrences {
		locals = append(locals, o.Local)
	}
	if strings.Join(locals, " ") != "2026-10-06T10:00:00 2026-10-13T10:00:00 2026-10-27T10:00:00 2026-10-29T18:00:00" {
		t.Errorf("python occurrences %v", locals)
	}
}
