// Package calendartest writes the partner feeds that the calendar
// subscription tests (hub/calendar's and hub/web's) serve: events as iCalendar
// text, line by line, and the partner's events both suites follow.
package calendartest

import "strings"

// VEvent is an event with uid and summary and the content lines given.
func VEvent(uid, summary string, lines ...string) string {
	return strings.Join(append([]string{"BEGIN:VEVENT", "UID:" + uid, "SUMMARY:" + summary}, append(lines, "END:VEVENT")...), "\r\n")
}

// A partner's events: a quiz (moved a day later in QuizMoved), a weekly
// lunch club (one date cancelled by LunchOff) and a litter pick at a UTC
// time.
var (
	Quiz      = VEvent("quiz@partner", "Quiz night", "DTSTART;TZID=Europe/London:20261010T190000", "DTEND;TZID=Europe/London:20261010T210000")
	QuizMoved = VEvent("quiz@partner", "Quiz night", "DTSTART;TZID=Europe/London:20261011T190000", "DTEND;TZID=Europe/London:20261011T210000")
	Lunch     = VEvent("lunch@partner", "Lunch club", "DTSTART;TZID=Europe/London:20261006T120000", "DTEND;TZID=Europe/London:20261006T130000", "RRULE:FREQ=WEEKLY;BYDAY=TU")
	LunchOff  = VEvent("lunch@partner", "Lunch club", "RECURRENCE-ID;TZID=Europe/London:20261013T120000", "DTSTART;TZID=Europe/London:20261013T120000", "STATUS:CANCELLED")
	Litter    = VEvent("litter@partner", "Litter pick", "DTSTART:20261017T090000Z", "DTEND:20261017T110000Z")
)
