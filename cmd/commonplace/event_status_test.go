package main

import (
	"strings"
	"testing"

	"github.com/commonplace-hub/commonplace/hub/apijson"
)

// TestEventStatusCommands: cancel one date with a reason, postpone the
// whole event, show says both, bad input changes nothing, restore undoes.
func TestEventStatusCommands(t *testing.T) {
	h := newHubDir(t)
	h.ok("event", "add", "--title", "Repair cafe", "--start", "2027-03-02 10:00", "--end", "2027-03-02 12:00",
		"--repeat", "FREQ=WEEKLY;BYDAY=TU", "--tz", "Europe/London")

	out := h.ok("event", "cancel", "repair-cafe", "--date", "2027-03-09", "--reason", "Room flooded")
	if !strings.Contains(out, `Marked event "Repair cafe" (repair-cafe) on 2027-03-09 cancelled: Room flooded.`) {
		t.Errorf("cancel output:\n%s", out)
	}
	var ev apijson.Event
	h.okJSON(&ev, "event", "postpone", "repair-cafe", "--reason", "Waiting for a new room")
	if len(ev.Statuses) != 2 || ev.Statuses[0].Date != "" || ev.Statuses[0].Status != "postponed" ||
		ev.Statuses[1].Date != "2027-03-09" || ev.Statuses[1].Reason != "Room flooded" || ev.Statuses[1].PreviousStart != "2027-03-09T10:00:00Z" {
		t.Errorf("statuses %+v", ev.Statuses)
	}
	show := h.ok("event", "show", "repair-cafe")
	for _, want := range []string{"postponed: Waiting for a new room", "cancelled on 2027-03-09: Room flooded", "Tue 9 Mar 2027 10:00 (cancelled)", "Tue 16 Mar 2027 10:00 (postponed)"} {
		if !strings.Contains(show, want) {
			t.Errorf("show lacks %q:\n%s", want, show)
		}
	}

	// A day the event does not happen on, a malformed date, moving one
	// date: refused, saying why, and nothing changes.
	for _, args := range [][]string{
		{"event", "cancel", "repair-cafe", "--date", "2027-03-10"},
		{"event", "cancel", "repair-cafe", "--date", "9 March"},
		{"event", "reschedule", "repair-cafe", "--date", "2027-03-09"},
		{"event", "reschedule", "repair-cafe", "--date", "2027-03-16", "--to", "next Thursday"},
		{"event", "reschedule", "repair-cafe", "--date", "2027-03-16", "--to", "2027-06-01 10:00"},
	} {
		if stderr := h.fail(1, args...); !strings.Contains(stderr, "date:") && !strings.Contains(stderr, "start:") && !strings.Contains(stderr, "to:") && !strings.Contains(stderr, "status:") {
			t.Errorf("%v:\n%s", args, stderr)
		}
	}
	if stderr := h.fail(1, "event", "cancel", "no-such-event"); !strings.Contains(stderr, "commonplace event list") {
		t.Errorf("a missing event:\n%s", stderr)
	}

	h.ok("event", "restore", "repair-cafe")
	out = h.ok("event", "restore", "repair-cafe", "--date", "2027-03-09")
	if !strings.Contains(out, "Restored event \"Repair cafe\" (repair-cafe) on 2027-03-09") {
		t.Errorf("restore output:\n%s", out)
	}
	// One date moves to another day and time; restoring it moves it back.
	out = h.ok("event", "reschedule", "repair-cafe", "--date", "2027-03-16", "--to", "2027-03-18 18:30", "--reason", "Hall booked")
	if !strings.Contains(out, `Moved event "Repair cafe" (repair-cafe) on 2027-03-16 to Thu 18 Mar 2027 18:30: Hall booked.`) {
		t.Errorf("reschedule output:\n%s", out)
	}
	if show := h.ok("event", "show", "repair-cafe"); !strings.Contains(show, "rescheduled on 2027-03-16 to Thu 18 Mar 2027 18:30: Hall booked") ||
		!strings.Contains(show, "Thu 18 Mar 2027 18:30 (rescheduled)") {
		t.Errorf("show after moving:\n%s", show)
	}
	h.ok("event", "restore", "repair-cafe", "--date", "2027-03-16")

	var after apijson.Event
	h.okJSON(&after, "event", "show", "repair-cafe")
	if len(after.Statuses) != 0 {
		t.Errorf("after restoring: %+v", after.Statuses)
	}
}
