package web

import (
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// zoneNote is what a reader needs when an event's clock is not the hub's:
// the event's zone by its city, and the times on the hub's clock
// ("9am to 10am New York time (2pm to 3pm here)").
type zoneNote struct {
	City       string    // "New York"
	Start, End time.Time // on the hub's clock
	// OtherDay: the hub's clock has it on another day than the event's,
	// so the note names the day.
	OtherDay bool
}

// noteFor is the zone note of an occurrence for a hub in zone here; nil
// for an all-day event or one whose clock reads the same here.
func noteFor(o hub.Occurrence, here *time.Location) *zoneNote {
	if o.Event == nil || o.Event.AllDay || here == nil || hub.SameClock(o.Start, o.Start.Location(), here) {
		return nil
	}
	start, end := o.Start.In(here), o.End.In(here)
	return &zoneNote{City: hub.ZoneCity(o.Start.Location()), Start: start, End: end,
		OtherDay: start.Format("2006-01-02") != o.Start.Format("2006-01-02")}
}

// elsewhere is a zone note in tr's language, for text built in Go (the
// Atom feed, page descriptions) and for pages: " New York time (2pm to 3pm
// here)" in English; "" without a note.
func (tr translator) elsewhere(n *zoneNote) string {
	if n == nil {
		return ""
	}
	here := tr.T("%s to %s", tr.Clock(n.Start), tr.Clock(n.End))
	if n.OtherDay {
		here = tr.T("[a date, then times] %s, %s", tr.LongDate(n.Start), here)
	}
	return " " + tr.T("[zone note: the event's city, its times on the hub's clock] %s time (%s here)", n.City, here)
}

// statusText is "Cancelled: room flooded" in tr's language for an
// occurrence that is not going ahead as planned; "" for one that is
// (hub.Occurrence.StatusIn).
func (tr translator) statusText(o hub.Occurrence) string { return o.StatusIn(tr.Words) }

// listedOccurrence is an occurrence in a list of days, with its zone note.
type listedOccurrence struct {
	hub.Occurrence
	Note *zoneNote
}
