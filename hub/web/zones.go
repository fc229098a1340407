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

// elsewhereText is a zone note in English, for text built in Go (the Atom
// feed): " New York time (2pm to 3pm here)"; "" without a note.
func elsewhereText(n *zoneNote) string {
	if n == nil {
		return ""
	}
	here := clock(n.Start) + " to " + clock(n.End)
	if n.OtherDay {
		here = n.Start.Format("Monday 2 January") + ", " + here
	}
	return " " + n.City + " time (" + here + " here)"
}

// listedOccurrence is an occurrence in a list of days, with its zone note.
type listedOccurrence struct {
	hub.Occurrence
	Note *zoneNote
}
