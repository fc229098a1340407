package hub

import (
	"context"
	"log/slog"
	"strings"
	"time"
)

// EventStatus says whether an event, or one date of a series, is still on.
// The values are the ones schema.org, iCalendar and FEP-8a8e's eventStatus
// name in their own spellings (see the methods).
type EventStatus string

// The statuses an organiser can set. Scheduled is the default and is not
// stored: setting it removes a mark.
const (
	StatusScheduled   EventStatus = "scheduled"
	StatusCancelled   EventStatus = "cancelled"
	StatusPostponed   EventStatus = "postponed"
	StatusRescheduled EventStatus = "rescheduled"
)

// ParseEventStatus reads a status as the API, forms and CLI write it. ""
// and "restore" mean scheduled.
func ParseEventStatus(s string) (EventStatus, error) {
	switch EventStatus(strings.ToLower(strings.TrimSpace(s))) {
	case "", StatusScheduled, "restore", "restored":
		return StatusScheduled, nil
	case StatusCancelled, "canceled":
		return StatusCancelled, nil
	case StatusPostponed:
		return StatusPostponed, nil
	case StatusRescheduled:
		return StatusRescheduled, nil
	}
	return "", &Error{Code: EINVALID, Message: "Choose a status: scheduled, cancelled, postponed or rescheduled.",
		Fields: map[string]string{"status": "Choose scheduled, cancelled, postponed or rescheduled."}}
}

// Off reports whether the event is not happening at its time (cancelled or
// postponed).
func (s EventStatus) Off() bool { return s == StatusCancelled || s == StatusPostponed }

// Marked reports whether the status is other than scheduled.
func (s EventStatus) Marked() bool { return s != "" && s != StatusScheduled }

// SchemaOrg is the schema.org eventStatus value.
func (s EventStatus) SchemaOrg() string {
	switch s {
	case StatusCancelled:
		return "https://schema.org/EventCancelled"
	case StatusPostponed:
		return "https://schema.org/EventPostponed"
	case StatusRescheduled:
		return "https://schema.org/EventRescheduled"
	}
	return "https://schema.org/EventScheduled"
}

// ICal is the RFC 5545 STATUS of a VEVENT. iCalendar has no postponed:
// a postponed date is TENTATIVE (it is not on at that time, and not
// cancelled either).
func (s EventStatus) ICal() string {
	switch s {
	case StatusCancelled:
		return "CANCELLED"
	case StatusPostponed:
		return "TENTATIVE"
	}
	return "CONFIRMED"
}

// StatusLabel is the English word shown before a reason ("Cancelled: room
// flooded"); front ends translate it.
func (s EventStatus) StatusLabel() string {
	switch s {
	case StatusCancelled:
		return "Cancelled"
	case StatusPostponed:
		return "Postponed"
	case StatusRescheduled:
		return "Rescheduled"
	}
	return "Scheduled"
}

// StatusMark is an organiser's (or a feed's) word that an event, or one
// date of a series, is not going ahead as planned.
type StatusMark struct {
	// Date is "" for the whole event, or the local start date
	// (YYYY-MM-DD) of the one occurrence it is about.
	Date   string
	Status EventStatus // never StatusScheduled when stored
	Reason string
	// PreviousStart is when the event or date was due to start when it
	// was first marked: what schema.org's previousStartDate says of a
	// rescheduled event. Zero when unknown.
	PreviousStart time.Time
	// MovedTo is, for one date of a series moved to another time
	// (Service.MoveOccurrence), its new start; zero otherwise.
	MovedTo time.Time
}

// MaxStatusReason bounds a status reason.
const MaxStatusReason = 300

// StatusOn returns the mark that applies to the occurrence starting on
// date: the date's own mark, else the whole event's, else none (ok false).
func (e *Event) StatusOn(date string) (m StatusMark, ok bool) {
	var whole *StatusMark
	for i := range e.Statuses {
		switch e.Statuses[i].Date {
		case date:
			return e.Statuses[i], true
		case "":
			whole = &e.Statuses[i]
		}
	}
	if whole != nil {
		return *whole, true
	}
	return StatusMark{}, false
}

// WholeStatus returns the mark on the whole event, if any.
func (e *Event) WholeStatus() (StatusMark, bool) {
	for _, m := range e.Statuses {
		if m.Date == "" {
			return m, true
		}
	}
	return StatusMark{}, false
}

// First returns the event's first occurrence, with its status.
func (e *Event) First() Occurrence {
	loc := e.Location()
	return Occurrence{Event: e, Start: e.Start.In(loc), End: e.End.In(loc)}.withStatus()
}

// withStatus fills an occurrence's status from its event's marks.
func (o Occurrence) withStatus() Occurrence {
	if o.Event == nil || len(o.Event.Statuses) == 0 {
		return o
	}
	if m, ok := o.Event.StatusOn(o.Date()); ok {
		o.Status, o.StatusReason, o.PreviousStart = m.Status, m.Reason, m.PreviousStart
		if m.Date == "" && o.Event.Recurring() {
			// The whole series' previous start is its first date's, not
			// this one's.
			o.PreviousStart = time.Time{}
		}
		if !m.MovedTo.IsZero() && m.Date != "" {
			o.SeriesDate = m.Date
			// One date moved: the occurrence is at its new time, and
			// PreviousStart says where it was.
			dur := o.End.Sub(o.Start)
			days := civilDays(o.Start, o.End)
			o.PreviousStart = o.Start
			o.Start = m.MovedTo.In(o.Start.Location())
			if o.Event.AllDay {
				o.End = o.Start.AddDate(0, 0, days)
			} else {
				o.End = o.Start.Add(dur)
			}
		}
	}
	return o
}

// maxMove is the furthest any date of the series was moved, either way:
// how much wider than asked for its rule must be expanded.
func (e *Event) maxMove() time.Duration {
	var most time.Duration
	for _, m := range e.Statuses {
		if m.MovedTo.IsZero() || m.PreviousStart.IsZero() {
			continue
		}
		d := m.MovedTo.Sub(m.PreviousStart)
		if d < 0 {
			d = -d
		}
		most = max(most, d)
	}
	return most
}

// Key names the occurrence within its series for good: the date it
// starts on, or for a date moved elsewhere the date it had (so that what
// followers hold keeps its identity when it moves).
func (o Occurrence) Key() string {
	if o.SeriesDate != "" {
		return o.SeriesDate
	}
	return o.Date()
}

// StatusText is the line readers see for an occurrence that is not
// going ahead as planned, in English ("Cancelled: room flooded"); "" for a
// scheduled one. Text built outside hub/web (Atom, federation summaries)
// uses it; pages translate the label themselves.
func (o Occurrence) StatusText() string {
	if !o.Status.Marked() {
		return ""
	}
	if o.StatusReason == "" {
		return o.Status.StatusLabel()
	}
	return o.Status.StatusLabel() + ": " + o.StatusReason
}

// StatusIn is the line readers see for an occurrence that is not going
// ahead as planned, in w's language ("Cancelled: room flooded" in
// English), for pages and federated summaries; "" for a scheduled one.
func (o Occurrence) StatusIn(w Words) string {
	if !o.Status.Marked() {
		return ""
	}
	var label string
	switch o.Status {
	case StatusCancelled:
		label = w.T("Cancelled")
	case StatusPostponed:
		label = w.T("Postponed")
	default:
		label = w.T("Rescheduled")
	}
	if o.StatusReason == "" {
		return label
	}
	return w.T("[a status and its reason] %s: %s", label, o.StatusReason)
}

// AdoptImportedEvent gives an event that a one-off calendar import made
// to the subscription feedID, so that subscribing to a feed imported once
// before keeps its events instead of copying them.
func (s *Service) AdoptImportedEvent(ctx context.Context, id, feedID int64) error {
	if err := requireEditor(ctx); err != nil {
		return err
	}
	if feedID <= 0 {
		return Errorf(EINVALID, "Choose the calendar subscription that takes the event.")
	}
	if err := s.Events.AdoptEvent(ctx, id, feedID); err != nil {
		return err
	}
	s.Logger.Info("imported event adopted", slog.Group("event", "id", id), slog.Group("calendar", "feed", feedID))
	return nil
}

// MaxMove is how far one date of a series can be moved, either way.
const MaxMove = 31 * 24 * time.Hour

// MoveOccurrence moves the occurrence of a series that starts on date
// (YYYY-MM-DD) to start at newStart, keeping its length: it is marked
// rescheduled, with an optional reason, and readers, feeds and followers
// see it at the new time with the old one as its previous start.
// Restoring the date (SetEventStatus with StatusScheduled) moves it back.
func (s *Service) MoveOccurrence(ctx context.Context, id int64, date string, newStart time.Time, reason string) error {
	if err := requireEditor(ctx); err != nil {
		return err
	}
	e, err := s.Events.FindEventByID(ctx, id)
	if err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	f := fieldErrors{}
	checkText(f, "reason", "Reason", reason, false, MaxStatusReason)
	var original time.Time
	switch o, err := e.OccurrenceOn(date); {
	case !e.Recurring():
		f.add("date", "Only a date of a repeating event can be moved; change this event's start instead.")
	case ErrorCode(err) == EINVALID:
		f.add("date", "Write the date as YYYY-MM-DD, for example 2026-12-01.")
	case err != nil:
		f.add("date", "This event does not happen on "+date+".")
	case !o.PreviousStart.IsZero() && o.Status == StatusRescheduled:
		original = o.PreviousStart // moved before: moving again keeps where it was first
	default:
		original = o.Start
	}
	switch {
	case newStart.IsZero():
		f.add("start", "Enter the new start date and time.")
	case !original.IsZero() && (newStart.Sub(original) > MaxMove || original.Sub(newStart) > MaxMove):
		f.add("start", "A date can move at most 31 days; cancel it and add a one-off event instead.")
	}
	if err := f.err("event status"); err != nil {
		return err
	}
	m := StatusMark{Date: date, Status: StatusRescheduled, Reason: reason, PreviousStart: original, MovedTo: newStart.In(e.Location())}
	if err := s.Events.SetEventStatus(ctx, id, m); err != nil {
		return err
	}
	s.changed(ctx, Change{Kind: KindEvent, ID: id, Op: OpUpdate}, "event date moved",
		slog.Group("event", "id", id, "slug", e.Slug, "date", date, "to", m.MovedTo))
	return nil
}

// SetEventStatus marks a whole event (date "") or the occurrence that
// starts on date (YYYY-MM-DD) cancelled, postponed or rescheduled, with an
// optional reason; StatusScheduled restores it. The mark keeps the start
// the event or date had when first marked (PreviousStart), so that an
// event postponed and then moved and marked rescheduled says when it was
// due before. Followers hear of it as an update of the event.
func (s *Service) SetEventStatus(ctx context.Context, id int64, date string, status EventStatus, reason string) error {
	if err := requireEditor(ctx); err != nil {
		return err
	}
	e, err := s.Events.FindEventByID(ctx, id)
	if err != nil {
		return err
	}
	if _, err := ParseEventStatus(string(status)); err != nil || status == "" {
		return &Error{Code: EINVALID, Message: "Choose a status: scheduled, cancelled, postponed or rescheduled.",
			Fields: map[string]string{"status": "Choose scheduled, cancelled, postponed or rescheduled."}}
	}
	date = strings.TrimSpace(date)
	reason = strings.TrimSpace(reason)
	f := fieldErrors{}
	checkText(f, "reason", "Reason", reason, false, MaxStatusReason)
	m := StatusMark{Date: date, Status: status, Reason: reason, PreviousStart: e.Start}
	if date != "" {
		switch o, err := e.OccurrenceOn(date); {
		case ErrorCode(err) == EINVALID:
			f.add("date", "Write the date as YYYY-MM-DD, for example 2026-12-01.")
		case err != nil && status.Marked():
			f.add("date", "This event does not happen on "+date+".")
		case err != nil:
			// Restoring a date the series no longer has (its rule or
			// exceptions changed since) removes the stale mark.
		default:
			m.PreviousStart = o.Start
		}
		if status == StatusRescheduled {
			f.add("status", "To move one date of a series, give its new start time.")
		}
	}
	if err := f.err("event status"); err != nil {
		return err
	}
	if old, ok := e.StatusOn(date); ok && old.Date == date && !old.PreviousStart.IsZero() {
		m.PreviousStart = old.PreviousStart
	}
	if err := s.Events.SetEventStatus(ctx, id, m); err != nil {
		return err
	}
	s.changed(ctx, Change{Kind: KindEvent, ID: id, Op: OpUpdate}, "event status set",
		slog.Group("event", "id", id, "slug", e.Slug, "date", date, "status", string(status)))
	return nil
}
