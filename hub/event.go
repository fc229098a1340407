package hub

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"
)

// Event is something that happens at a time: once, or repeatedly by a
// recurrence rule. Times are kept as instants with the event's IANA zone, so
// a weekly 19:00 event stays at 19:00 local time across DST changes.
type Event struct {
	ID          int64
	Slug        string // stable URL segment, assigned on create
	Title       string
	Description string // Markdown
	TimeZone    string // IANA name, e.g. "Europe/London"
	// Start and End of the first occurrence. End is exclusive: an all-day
	// event on 3 May has Start 3 May 00:00 and End 4 May 00:00, local time.
	Start  time.Time
	End    time.Time
	AllDay bool
	// Recurrence is an RFC 5545 RRULE value such as "FREQ=WEEKLY;BYDAY=TU",
	// or "" for a one-off event. Exceptions are local dates (YYYY-MM-DD) on
	// which an occurrence is skipped.
	Recurrence string
	Exceptions []string
	// SeriesEnd is when the last occurrence ends; nil for a series without
	// an end. The Service computes it on save.
	SeriesEnd *time.Time

	PlaceID       int64  // 0: no place
	Place         *Place // filled on read; on save, a Place with ID 0 and a Name creates it
	OnlineURL     string
	Tags          []string
	Organiser     string // organiser or partner organisation
	Accessibility string
	BookingURL    string

	// SourceFeedID, SourceUID and SourceOccurrence mark an event imported
	// from an iCalendar feed (package hub/calendar): its subscription (0
	// for a one-off import), the feed's UID, and "" or the RECURRENCE-ID of
	// the one occurrence it stands for. They are set when the event is
	// created and never change; an empty SourceUID means not imported.
	SourceFeedID     int64
	SourceUID        string
	SourceOccurrence string

	// Statuses are the marks saying the event, or one of its dates, is
	// cancelled, postponed or rescheduled, ordered by Date ("" first).
	// Filled on read; UpdateEvent leaves them alone (SetEventStatus
	// changes them).
	Statuses []StatusMark

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Recurring reports whether the event repeats.
func (e *Event) Recurring() bool { return e.Recurrence != "" }

// Location returns the event's time zone, UTC when it is unknown.
func (e *Event) Location() *time.Location {
	if loc, err := loadLocation(e.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}

// zoneCache holds loaded zones: time.LoadLocation reads the zone database
// on every call, and imports validate and expand thousands of events.
var zoneCache sync.Map // name -> *time.Location

// loadLocation is time.LoadLocation with a cache of the zones found.
func loadLocation(name string) (*time.Location, error) {
	if loc, ok := zoneCache.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err == nil {
		zoneCache.Store(name, loc)
	}
	return loc, err
}

// Occurrence is one happening of an event.
type Occurrence struct {
	Event *Event
	Start time.Time // in the event's zone
	End   time.Time
	// Status, StatusReason and PreviousStart come from the event's mark
	// for this date or for the whole event (Event.StatusOn); Status is ""
	// when neither has one.
	Status        EventStatus
	StatusReason  string
	PreviousStart time.Time
	// SeriesDate is, for a date moved to another time, the date it had
	// (its Key); "" otherwise.
	SeriesDate string
}

// Date is the occurrence's local start date, YYYY-MM-DD, which identifies it
// within its series.
func (o Occurrence) Date() string { return o.Start.Format("2006-01-02") }

// EventFilter selects events for listing. Zero fields do not filter.
type EventFilter struct {
	// From and To select events with an occurrence that may overlap
	// [From, To): a one-off event overlapping it, or a series that starts
	// before To and has not ended by From.
	From, To time.Time
	Tag      string // tag slug
	PlaceID  int64
	Query    string // case-insensitive substring of the title or description
	// SourceFeedID selects events imported from that calendar
	// subscription; Imported, events imported from any feed or file.
	SourceFeedID int64
	Imported     bool
	Limit        int
	Offset       int
}

// EventStore keeps events. Implementations return an *Error with code
// ENOTFOUND when an event does not exist.
type EventStore interface {
	// FindEventByID returns the event with its Place and Tags.
	FindEventByID(ctx context.Context, id int64) (*Event, error)
	// FindEventBySlug returns the event with its Place and Tags.
	FindEventBySlug(ctx context.Context, slug string) (*Event, error)
	// FindEvents returns events matching the filter, ordered by Start,
	// with their Place and Tags, and the total count ignoring Limit/Offset.
	FindEvents(ctx context.Context, f EventFilter) ([]*Event, int, error)
	// CreateEvent stores a new event with its tags (created as needed). It
	// sets ID, CreatedAt and UpdatedAt, and makes Slug unique by adding a
	// suffix when another event has it.
	CreateEvent(ctx context.Context, e *Event) error
	// UpdateEvent replaces every field of the event but ID, Slug,
	// CreatedAt and the Source fields, and sets UpdatedAt.
	UpdateEvent(ctx context.Context, e *Event) error
	// DeleteEvent removes the event.
	DeleteEvent(ctx context.Context, id int64) error
	// AdoptEvent gives an event a one-off import made (SourceUID set,
	// SourceFeedID 0) to the calendar subscription feedID, which keeps it
	// in step from then on: the one change of a Source field after
	// creation. ENOTFOUND when no such one-off imported event exists.
	AdoptEvent(ctx context.Context, id, feedID int64) error
	// SetEventStatus saves the mark for (eventID, m.Date), replacing one
	// there; a mark with StatusScheduled removes it (and removing none is
	// not an error), and sets the event's UpdatedAt: feeds and followers
	// see the change as one of the event. ENOTFOUND when the event does
	// not exist.
	SetEventStatus(ctx context.Context, eventID int64, m StatusMark) error
}

// OccurrenceFilter selects occurrences for the public calendar.
type OccurrenceFilter struct {
	From, To time.Time // required: occurrences overlapping [From, To)
	Tag      string    // tag slug
	PlaceID  int64
	// Organiser selects events of this organiser or partner organisation
	// (Event.Organiser), compared without regard to case.
	Organiser string
	Limit     int // at most this many occurrences; 0 means 500
}

// maxOccurrencesPerEvent bounds expansion of one series in one query.
const maxOccurrencesPerEvent = 1000

// Occurrences returns the event's occurrences that overlap [from, to), in
// order, at most max of them (max <= 0 means maxOccurrencesPerEvent).
func (e *Event) Occurrences(from, to time.Time, max int) []Occurrence {
	if max <= 0 || max > maxOccurrencesPerEvent {
		max = maxOccurrencesPerEvent
	}
	loc := e.Location()
	start := e.Start.In(loc)
	end := e.End.In(loc)
	days := 0
	if e.AllDay {
		days = civilDays(start, end)
	}
	dur := end.Sub(start)
	endOf := func(s time.Time) time.Time {
		if e.AllDay {
			return s.AddDate(0, 0, days)
		}
		return s.Add(dur)
	}
	if !e.Recurring() {
		if start.Before(to) && end.After(from) {
			return []Occurrence{Occurrence{Event: e, Start: start, End: end}.withStatus()}
		}
		return nil
	}
	rule, err := parseRule(e.Recurrence, start)
	if err != nil {
		// Stored rules were validated; an unparsable one degrades to the
		// first occurrence rather than hiding the event.
		if start.Before(to) && end.After(from) {
			return []Occurrence{Occurrence{Event: e, Start: start, End: end}.withStatus()}
		}
		return nil
	}
	skip := make(map[string]bool, len(e.Exceptions))
	for _, d := range e.Exceptions {
		skip[d] = true
	}
	// An occurrence starting up to one duration before from can still overlap.
	lookback := dur
	if e.AllDay {
		lookback = time.Duration(days+1) * 24 * time.Hour
	}
	// A date moved to another time (Service.MoveOccurrence) can come
	// into [from, to) from outside it, or leave it: the rule is expanded
	// that much wider and the moved occurrences sorted into place.
	shift := e.maxMove()
	var out []Occurrence
	it := rule.Iterator()
	for {
		s, ok := it()
		if !ok || !s.Before(to.Add(shift)) {
			break
		}
		if s.Before(from.Add(-lookback - shift)) {
			continue
		}
		s = s.In(loc)
		if skip[s.Format("2006-01-02")] {
			continue
		}
		o := Occurrence{Event: e, Start: s, End: endOf(s)}.withStatus()
		if !o.End.After(from) || !o.Start.Before(to) {
			continue
		}
		out = append(out, o)
		if len(out) >= max && shift == 0 {
			break
		}
	}
	if shift > 0 {
		sort.SliceStable(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
		if len(out) > max {
			out = out[:max]
		}
	}
	return out
}

// civilDays counts calendar days from a to b in a's zone.
func civilDays(a, b time.Time) int {
	ay, am, ad := a.Date()
	by, bm, bd := b.In(a.Location()).Date()
	da := time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC)
	db := time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}

// OccurrenceOn returns the occurrence that starts on date (YYYY-MM-DD, in
// the event's zone): the one a page address such as ?date=2026-12-01
// names. A malformed date is EINVALID; a date the event does not start on
// (skipped, out of the series, or another day) is ENOTFOUND.
func (e *Event) OccurrenceOn(date string) (Occurrence, error) {
	day, err := time.ParseInLocation("2006-01-02", date, e.Location())
	if err != nil {
		return Occurrence{}, Errorf(EINVALID, "Dates in this address must look like 2026-12-01.")
	}
	// Occurrences that started on earlier days can overlap this one; a few
	// are enough to reach the one that starts on it.
	for _, o := range e.Occurrences(day, day.AddDate(0, 0, 1), 5) {
		if o.Date() == date {
			return o, nil
		}
	}
	// A date moved elsewhere is found by its old date too, so that an
	// address a reader saved says where it went.
	for _, m := range e.Statuses {
		if m.Date != date || m.MovedTo.IsZero() {
			continue
		}
		to := m.MovedTo.In(e.Location())
		for _, o := range e.Occurrences(to, to.Add(time.Second), 5) {
			if !o.PreviousStart.IsZero() && o.PreviousStart.Format("2006-01-02") == date {
				return o, nil
			}
		}
	}
	return Occurrence{}, Errorf(ENOTFOUND, "This event does not happen on %s.", date)
}

// NextOccurrences returns up to n occurrences ending after now.
func (e *Event) NextOccurrences(now time.Time, n int) []Occurrence {
	return e.Occurrences(now, now.AddDate(5, 0, 0), n)
}

// Validate checks an event, normalising what it can (trimming, tag spelling,
// times in the event's zone, all-day times at local midnight). It returns an
// EINVALID *Error with a message per faulty field.
func (e *Event) Validate() error {
	f := fieldErrors{}
	e.Title = strings.TrimSpace(e.Title)
	checkText(f, "title", "Title", e.Title, true, MaxTitle)
	checkText(f, "description", "Description", e.Description, false, MaxBody)
	checkText(f, "organiser", "Organiser", e.Organiser, false, MaxTitle)
	checkText(f, "accessibility", "Accessibility notes", e.Accessibility, false, MaxSummary)
	checkOptionalURL(f, "online_url", &e.OnlineURL)
	checkOptionalURL(f, "booking_url", &e.BookingURL)
	normaliseAndCheckTags(f, &e.Tags)

	loc, err := loadLocation(e.TimeZone)
	// "Local" would tie the event to the server's zone, which can change.
	if e.TimeZone == "" || e.TimeZone == "Local" || err != nil {
		f.add("timezone", "Choose a time zone such as Europe/London.")
		loc = time.UTC
	}
	switch {
	case e.Start.IsZero():
		f.add("start", "Enter when the event starts.")
	case e.End.IsZero() && !e.AllDay:
		f.add("end", "Enter when the event ends.")
	}
	if !e.Start.IsZero() {
		e.Start = e.Start.In(loc)
		if e.AllDay {
			y, m, d := e.Start.Date()
			e.Start = time.Date(y, m, d, 0, 0, 0, 0, loc)
			if e.End.IsZero() || !e.End.After(e.Start) {
				// A one-day event; an end date before the start is caught below.
				if !e.End.IsZero() && e.End.Before(e.Start) {
					f.add("end", "The end date must be on or after the start date.")
				}
				e.End = e.Start.AddDate(0, 0, 1)
			} else {
				ey, em, ed := e.End.In(loc).Date()
				e.End = time.Date(ey, em, ed, 0, 0, 0, 0, loc)
				if !e.End.After(e.Start) {
					e.End = e.Start.AddDate(0, 0, 1)
				}
			}
		} else if !e.End.IsZero() {
			e.End = e.End.In(loc)
			if !e.End.After(e.Start) {
				f.add("end", "The end must be after the start.")
			} else if e.End.Sub(e.Start) > 31*24*time.Hour {
				f.add("end", "An event can last at most 31 days; use a recurrence for repeated events.")
			}
		}
	}

	e.Recurrence = strings.TrimPrefix(strings.TrimSpace(strings.ToUpper(e.Recurrence)), "RRULE:")
	var exc []string
	for _, d := range e.Exceptions {
		d = strings.TrimSpace(d)
		if d == "" {
			continue
		}
		if _, err := time.Parse("2006-01-02", d); err != nil {
			f.addf("exceptions", "Write each date to skip as YYYY-MM-DD, one per line (found %q).", d)
			continue
		}
		exc = append(exc, d)
	}
	sort.Strings(exc)
	e.Exceptions = dedupeSorted(exc)
	e.SeriesEnd = nil
	if e.Recurrence != "" && !e.Start.IsZero() {
		if t := checkRule(e.Recurrence, e.Start); t.Format != "" {
			f.addf("recurrence", t.Format, t.Args...)
		}
	}
	if e.Place != nil && e.Place.ID == 0 && e.PlaceID == 0 && strings.TrimSpace(e.Place.Name) != "" {
		if err := e.Place.Validate(); err != nil {
			for k, v := range fieldTexts(err) {
				f.addf("place_"+k, v.Format, v.Args...)
			}
		}
	}
	if err := f.err("event"); err != nil {
		return err
	}
	e.SeriesEnd = seriesEnd(e)
	return nil
}

func dedupeSorted(s []string) []string {
	var out []string
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// seriesEnd computes when the last occurrence ends: End for a one-off event,
// nil for an unbounded series.
func seriesEnd(e *Event) *time.Time {
	if !e.Recurring() {
		t := e.End
		return &t
	}
	rule, err := parseRule(e.Recurrence, e.Start.In(e.Location()))
	if err != nil || !rule.bounded() {
		return nil
	}
	var last time.Time
	it := rule.Iterator()
	for n := 0; ; n++ {
		s, ok := it()
		if !ok {
			break
		}
		if n > 100_000 {
			return nil
		}
		last = s
	}
	if last.IsZero() {
		t := e.End
		return &t
	}
	occ := Occurrence{Start: last.In(e.Location())}
	if e.AllDay {
		occ.End = occ.Start.AddDate(0, 0, civilDays(e.Start.In(e.Location()), e.End.In(e.Location())))
	} else {
		occ.End = occ.Start.Add(e.End.Sub(e.Start))
	}
	return &occ.End
}

// reservedEventSlugs are addresses under /events that are pages of their
// own, which an event's slug must not take.
var reservedEventSlugs = map[string]bool{"calendar": true}
