// Package ical publishes the hub's events as RFC 5545 iCalendar feeds that
// calendar apps subscribe to: Google Calendar, Outlook, Apple Calendar and
// Thunderbird.
//
// github.com/emersion/go-ical holds the components, escapes text values and
// encodes them; this package decides what goes in (properties, recurrence,
// VTIMEZONE components built from Go's tz database) and folds long lines,
// which go-ical leaves unfolded. It depends on package hub and nothing else in
// the module.
package ical

import (
	"fmt"
	"io"
	"net/mail"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	goical "github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"

	"github.com/commonplace-hub/commonplace/hub"
)

// ProdID names the software that wrote a feed (PRODID).
const ProdID = "-//Commonplace//Commonplace hub//EN"

// DefaultRefresh is how often calendar apps are asked to fetch a feed again
// (REFRESH-INTERVAL and X-PUBLISHED-TTL) when Calendar.Refresh is zero.
const DefaultRefresh = 6 * time.Hour

// MediaType is the Content-Type of a feed.
const MediaType = "text/calendar; charset=utf-8"

// OrganiserProp carries an event's organiser when it is a name rather than
// an email address (ORGANIZER must be an address).
const OrganiserProp = "X-COMMONPLACE-ORGANISER"

// Calendar is what a feed says about itself.
type Calendar struct {
	Name        string // shown as the calendar's name (NAME, X-WR-CALNAME)
	Description string // NAME's companion (DESCRIPTION, X-WR-CALDESC)
	// TimeZone is the hub's zone (X-WR-TIMEZONE); it gets a VTIMEZONE even
	// when no event uses it, so an empty feed is still a valid calendar.
	TimeZone string
	URL      string // the public page the feed belongs to
	Source   string // the feed's own https URL
	// Host is the hub's host name; UIDs are event-{id}@{host}.
	Host string
	// EventURL returns the public page of an event (URL, and a link at the
	// end of DESCRIPTION, since Google Calendar shows no URL property).
	EventURL func(e *hub.Event) string
	// EventImage, when set, returns the address and type of an event's
	// picture ("" for none), written as RFC 7986's IMAGE.
	EventImage func(e *hub.Event) (url, mediaType string)
	Refresh    time.Duration // 0 means DefaultRefresh
	// Now dates the VTIMEZONE rules of series without an end; zero means
	// time.Now.
	Now time.Time
}

// UID returns the stable identifier of an event in every feed.
func UID(e *hub.Event, host string) string {
	return "event-" + strconv.FormatInt(e.ID, 10) + "@" + host
}

// Write encodes events as one iCalendar object with a VTIMEZONE for every
// zone it uses. Each event is written as its series: DTSTART is the first
// occurrence, RRULE has UNTIL in UTC, and the skipped dates are EXDATEs.
func Write(w io.Writer, cal Calendar, events []*hub.Event) error {
	now := cal.Now
	if now.IsZero() {
		now = time.Now()
	}
	c := goical.NewCalendar()
	p := c.Props
	p.SetText(goical.PropProductID, ProdID)
	p.SetText(goical.PropVersion, "2.0")
	p.SetText(goical.PropCalendarScale, "GREGORIAN")
	if name := cleanLine(cal.Name); name != "" {
		p.SetText(goical.PropName, name)
		setXText(p, "X-WR-CALNAME", name)
	}
	if desc := cleanText(cal.Description); desc != "" {
		p.SetText(goical.PropDescription, desc)
		setXText(p, "X-WR-CALDESC", desc)
	}
	if cal.URL != "" {
		setURI(p, goical.PropURL, cal.URL)
	}
	if cal.Source != "" {
		setURI(p, goical.PropSource, cal.Source)
	}
	refresh := cal.Refresh
	if refresh <= 0 {
		refresh = DefaultRefresh
	}
	ri := goical.NewProp(goical.PropRefreshInterval)
	ri.Params.Set(goical.ParamValue, string(goical.ValueDuration)) // RFC 7986 requires it
	ri.Value = isoDuration(refresh)
	p.Set(ri)
	ttl := goical.NewProp("X-PUBLISHED-TTL")
	ttl.Value = isoDuration(refresh)
	p.Set(ttl)

	zones := zoneSpans{}
	if hubLoc, err := loadZone(cal.TimeZone); err == nil {
		setXText(p, "X-WR-TIMEZONE", hubLoc.String())
		zones.add(hubLoc, now.AddDate(-1, 0, 0), now.AddDate(2, 0, 0))
	}
	vevents := make([]*goical.Component, 0, len(events))
	for _, e := range events {
		vevents = append(vevents, eventComponent(e, cal, zones, now))
		vevents = append(vevents, overrideComponents(e, cal, now)...)
	}
	c.Children = append(zones.components(), vevents...)
	if len(c.Children) == 0 {
		// RFC 5545 wants at least one component; a hub in UTC with no
		// events still gets a valid (empty) calendar.
		c.Children = append(c.Children, vtimezone(time.UTC, now.AddDate(-1, 0, 0), now.AddDate(2, 0, 0)))
	}
	fw := newFoldingWriter(w)
	if err := goical.NewEncoder(fw).Encode(c); err != nil {
		return fmt.Errorf("ical: encode: %w", err)
	}
	return fw.Flush()
}

// loadZone loads an IANA zone, refusing "" and "Local" (which would be the
// server's zone, not the event's).
func loadZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("ical: no time zone")
	}
	return time.LoadLocation(name)
}

// eventComponent is the VEVENT of one event; it records the event's zone
// and time span in zones.
func eventComponent(e *hub.Event, cal Calendar, zones zoneSpans, now time.Time) *goical.Component {
	comp := goical.NewComponent(goical.CompEvent)
	p := comp.Props
	p.SetText(goical.PropUID, UID(e, cal.Host))
	setStamps(p, e, now)

	first := firstOccurrence(e)
	rule, until := exportRule(e)
	setSchedule(p, e, first, rule)
	if loc := e.Location(); !e.AllDay && loc != time.UTC {
		zones.add(loc, first.Start, zoneSpanEnd(e, first, rule, until, now))
	}

	// A one-off event's mark may be on its date or on the whole event;
	// a series' date marks are overrides of their own.
	status := e.First()
	if e.Recurring() {
		status = hub.Occurrence{Event: e}
		if m, ok := e.WholeStatus(); ok {
			status.Status, status.StatusReason = m.Status, m.Reason
		}
	}
	setDetails(p, e, cal, status)
	setStatus(p, status.Status)
	return comp
}

// setStatus sets STATUS, and what every VEVENT of the hub says of its
// visibility.
func setStatus(p goical.Props, status hub.EventStatus) {
	p.SetText(goical.PropStatus, status.ICal())
	p.SetText(goical.PropClass, "PUBLIC")
	// Community events are not appointments: subscribing must not make a
	// reader look busy to colleagues.
	p.SetText(goical.PropTransparency, "TRANSPARENT")
}

// overrideComponents are the VEVENTs that change one occurrence of a
// series: for each date marked cancelled or postponed, a VEVENT with the
// series' UID, RECURRENCE-ID naming the occurrence, the same times, and
// its STATUS, so that subscribers' calendars show that date (and only it)
// as cancelled; for a date moved to another time, the same with its new
// times. A mark on a date the series no longer has is left out.
func overrideComponents(e *hub.Event, cal Calendar, now time.Time) []*goical.Component {
	if !e.Recurring() {
		return nil
	}
	var out []*goical.Component
	for _, m := range e.Statuses {
		if m.Date == "" {
			continue
		}
		o, err := e.OccurrenceOn(m.Date)
		if err != nil {
			continue
		}
		comp := goical.NewComponent(goical.CompEvent)
		p := comp.Props
		p.SetText(goical.PropUID, UID(e, cal.Host))
		setStamps(p, e, now)
		ridStart := o.Start
		if !m.MovedTo.IsZero() && !o.PreviousStart.IsZero() {
			ridStart = o.PreviousStart
		}
		rid := goical.NewProp(goical.PropRecurrenceID)
		if e.AllDay {
			rid.SetDate(ridStart)
			p.SetDate(goical.PropDateTimeStart, o.Start)
			p.SetDate(goical.PropDateTimeEnd, o.End)
		} else {
			rid.SetDateTime(ridStart)
			setLocal(p, goical.PropDateTimeStart, o.Start)
			setLocal(p, goical.PropDateTimeEnd, o.End)
		}
		p.Set(rid)
		setDetails(p, e, cal, o)
		setStatus(p, o.Status)
		out = append(out, comp)
	}
	return out
}

// setStamps sets DTSTAMP and LAST-MODIFIED to when the event last changed
// (now if that is unknown), so that clients see an edit as one, and CREATED.
func setStamps(p goical.Props, e *hub.Event, now time.Time) {
	modified := lastModified(e)
	if modified.IsZero() {
		modified = now
	}
	setUTC(p, goical.PropDateTimeStamp, modified)
	setUTC(p, goical.PropLastModified, modified)
	if !e.CreatedAt.IsZero() {
		setUTC(p, goical.PropCreated, e.CreatedAt)
	}
}

// setSchedule sets when the event happens: DTSTART and DTEND of its first
// occurrence (dates for an all-day event, local times with a TZID
// otherwise) and, for a series, its exported rule and exception dates.
func setSchedule(p goical.Props, e *hub.Event, first hub.Occurrence, rule string) {
	if e.AllDay {
		p.SetDate(goical.PropDateTimeStart, first.Start)
		p.SetDate(goical.PropDateTimeEnd, first.End)
	} else {
		setLocal(p, goical.PropDateTimeStart, first.Start)
		setLocal(p, goical.PropDateTimeEnd, first.End)
	}
	if rule == "" {
		return
	}
	rr := goical.NewProp(goical.PropRecurrenceRule)
	rr.Value = rule
	p.Set(rr)
	for _, ex := range exceptionStarts(e) {
		xp := goical.NewProp(goical.PropExceptionDates)
		if e.AllDay {
			xp.SetDate(ex)
		} else {
			xp.SetDateTime(ex)
		}
		p.Add(xp)
	}
}

// zoneSpanEnd is how far the event's VTIMEZONE must describe its zone: to
// the end of its last occurrence, or, for a series without an end, three
// years past now, as clients expand such a series for years.
func zoneSpanEnd(e *hub.Event, first hub.Occurrence, rule string, until, now time.Time) time.Time {
	last := first.End
	switch {
	case rule == "":
	case e.SeriesEnd != nil:
		last = *e.SeriesEnd
	case !until.IsZero():
		last = until
	default:
		last = now.AddDate(3, 0, 0)
	}
	if last.Before(first.End) {
		last = first.End
	}
	return last
}

// setDetails sets what a reader sees of the event: its title,
// description (opening with "Cancelled: reason" when o is marked), place
// (LOCATION and GEO), page, tags and organiser.
func setDetails(p goical.Props, e *hub.Event, cal Calendar, o hub.Occurrence) {
	p.SetText(goical.PropSummary, cleanLine(e.Title))
	desc := description(e, cal)
	if line := cleanLine(o.StatusText()); line != "" {
		desc = strings.TrimSpace(line + "\n\n" + desc)
	}
	if desc != "" {
		p.SetText(goical.PropDescription, desc)
	}
	if loc := location(e); loc != "" {
		p.SetText(goical.PropLocation, loc)
	}
	if e.Place != nil && e.Place.Latitude != nil && e.Place.Longitude != nil {
		geo := goical.NewProp(goical.PropGeo)
		geo.Value = strconv.FormatFloat(*e.Place.Latitude, 'f', 6, 64) + ";" + strconv.FormatFloat(*e.Place.Longitude, 'f', 6, 64)
		p.Set(geo)
	}
	if cal.EventURL != nil {
		if u := cal.EventURL(e); u != "" {
			setURI(p, goical.PropURL, u)
		}
	}
	if len(e.Tags) > 0 {
		cats := goical.NewProp(goical.PropCategories)
		tags := make([]string, len(e.Tags))
		for i, t := range e.Tags {
			tags[i] = cleanLine(t)
		}
		cats.SetTextList(tags)
		p.Set(cats)
	}
	setOrganiser(p, e.Organiser)
	setImage(p, e, cal)
}

// setImage writes an event's picture as RFC 7986's IMAGE
// (a URI, its default value type; DISPLAY=BADGE, FMTTYPE), when it has one.
func setImage(p goical.Props, e *hub.Event, cal Calendar) {
	if cal.EventImage == nil {
		return
	}
	u, mediaType := cal.EventImage(e)
	if u == "" {
		return
	}
	prop := goical.NewProp("IMAGE")
	prop.SetValueType(goical.ValueURI)
	prop.Value = u
	prop.Params.Set("DISPLAY", "BADGE")
	if mediaType != "" {
		prop.Params.Set("FMTTYPE", mediaType)
	}
	p.Set(prop)
}

// setOrganiser sets ORGANIZER for an email address, or OrganiserProp for a
// name (ORGANIZER must be an address); nothing for no organiser.
func setOrganiser(p goical.Props, organiser string) {
	org := strings.TrimSpace(organiser)
	if org == "" {
		return
	}
	if addr, err := mail.ParseAddress(org); err == nil {
		op := goical.NewProp(goical.PropOrganizer)
		op.Value = "mailto:" + addr.Address
		if cn := paramText(addr.Name); cn != "" {
			op.Params.Set(goical.ParamCommonName, cn)
		}
		p.Set(op)
		return
	}
	setXText(p, OrganiserProp, cleanLine(org))
}

// lastModified is when anything a VEVENT shows last changed: the event or
// its place.
func lastModified(e *hub.Event) time.Time {
	t := e.UpdatedAt
	if e.Place != nil && e.Place.UpdatedAt.After(t) {
		t = e.Place.UpdatedAt
	}
	if t.IsZero() {
		t = e.CreatedAt
	}
	return t
}

// LastModified returns the newest change among events, for HTTP caching.
func LastModified(events []*hub.Event) time.Time {
	var t time.Time
	for _, e := range events {
		if m := lastModified(e); m.After(t) {
			t = m
		}
	}
	return t
}

// firstOccurrence is the event's first occurrence by its rule, skipped or
// not. RFC 5545 counts DTSTART as an occurrence even when the rule does not
// produce it (a Monday start with BYDAY=TU), and the hub does not, so the
// feed starts the series where the hub's first occurrence is.
func firstOccurrence(e *hub.Event) hub.Occurrence {
	loc := e.Location()
	first := hub.Occurrence{Event: e, Start: e.Start.In(loc), End: e.End.In(loc)}
	if !e.Recurring() {
		return first
	}
	series := *e
	series.Exceptions = nil
	if occ := series.Occurrences(first.Start, first.Start.AddDate(100, 0, 0), 1); len(occ) == 1 {
		first.Start, first.End = occ[0].Start, occ[0].End
	}
	return first
}

// exportRule rewrites the stored RRULE for the feed. The hub stores UNTIL
// as local time in the event's zone ("20270331T235959"); RFC 5545 requires
// UTC ("...Z") when DTSTART has a TZID, and a DATE when DTSTART is a DATE.
// The instant is the one the hub's own expansion uses. An unreadable rule
// gives "" (the hub then shows only the first occurrence, and so does the
// feed). until is the rule's UNTIL instant, zero without one.
func exportRule(e *hub.Event) (rule string, until time.Time) {
	if !e.Recurring() {
		return "", time.Time{}
	}
	value := strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(e.Recurrence)), "RRULE:")
	loc := e.Location()
	opt, err := rrule.StrToROptionInLocation(value, loc)
	if err != nil {
		return "", time.Time{}
	}
	if _, err := rrule.NewRRule(*opt); err != nil {
		return "", time.Time{}
	}
	parts := strings.Split(value, ";")
	out := parts[:0]
	for _, part := range parts {
		k, _, _ := strings.Cut(part, "=")
		switch k {
		case "":
			continue
		case "UNTIL":
			until = opt.Until
			switch {
			case e.AllDay:
				part = "UNTIL=" + until.In(loc).Format("20060102")
			default:
				part = "UNTIL=" + until.UTC().Format("20060102T150405Z")
			}
		case "DTSTART":
			// Not an RRULE part; the VEVENT has its own DTSTART.
			continue
		}
		out = append(out, part)
	}
	return strings.Join(out, ";"), until
}

// exceptionStarts returns, for each skipped date, the start its occurrence
// would have had (local time for EXDATE;TZID, midnight for all-day events).
// Dates on which the rule has no occurrence are left out.
func exceptionStarts(e *hub.Event) []time.Time {
	if len(e.Exceptions) == 0 {
		return nil
	}
	loc := e.Location()
	series := *e
	series.Exceptions = nil
	var out []time.Time
	for _, d := range e.Exceptions {
		day, err := time.ParseInLocation("2006-01-02", d, loc)
		if err != nil {
			continue
		}
		for _, o := range series.Occurrences(day, day.AddDate(0, 0, 1), 5) {
			if o.Date() == d {
				out = append(out, o.Start)
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}

// description is the event's Markdown source followed by what calendar apps
// have no field for, and a link to the event's page.
func description(e *hub.Event, cal Calendar) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(cleanText(e.Description)))
	var extra []string
	if e.Accessibility != "" {
		extra = append(extra, "Accessibility: "+cleanLine(e.Accessibility))
	}
	if e.OnlineURL != "" {
		extra = append(extra, "Online: "+e.OnlineURL)
	}
	if e.BookingURL != "" {
		extra = append(extra, "Booking: "+e.BookingURL)
	}
	if e.Organiser != "" {
		extra = append(extra, "Organised by: "+cleanLine(e.Organiser))
	}
	if cal.EventURL != nil {
		if u := cal.EventURL(e); u != "" {
			extra = append(extra, "Details: "+u)
		}
	}
	if len(extra) > 0 {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(strings.Join(extra, "\n"))
	}
	return b.String()
}

// location is the place's name and address on one line, or the online
// address for an event with no place.
func location(e *hub.Event) string {
	if e.Place != nil {
		parts := []string{cleanLine(e.Place.Name)}
		if a := cleanLine(e.Place.Address()); a != "" {
			parts = append(parts, a)
		}
		return strings.Join(parts, ", ")
	}
	return e.OnlineURL
}

// cleanText prepares text for a TEXT value: line breaks become LF (go-ical
// escapes them as \n), other control characters, which RFC 5545 does not
// allow, are dropped, and invalid UTF-8 is replaced.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// cleanLine is cleanText on one line: line breaks become spaces.
func cleanLine(s string) string {
	return strings.Join(strings.Fields(cleanText(s)), " ")
}

// paramText makes text safe as a parameter value, which cannot hold
// double quotes or control characters.
func paramText(s string) string {
	return strings.ReplaceAll(cleanLine(s), `"`, "'")
}

// setXText sets an extension property to text. Unlike SetText it writes no
// VALUE=TEXT parameter, which is the default and which some apps do not
// expect on X-WR-CALNAME.
func setXText(p goical.Props, name, text string) {
	prop := goical.NewProp(name)
	prop.SetText(text)
	prop.Params.Del(goical.ParamValue)
	p.Set(prop)
}

func setUTC(p goical.Props, name string, t time.Time) {
	prop := goical.NewProp(name)
	prop.Value = t.UTC().Format("20060102T150405Z")
	p.Set(prop)
}

// setLocal writes a DATE-TIME with TZID, or in UTC for UTC events.
func setLocal(p goical.Props, name string, t time.Time) {
	prop := goical.NewProp(name)
	prop.SetDateTime(t)
	p.Set(prop)
}

func setURI(p goical.Props, name, uri string) {
	prop := goical.NewProp(name)
	prop.SetValueType(goical.ValueURI)
	prop.Value = uri
	p.Set(prop)
}

// isoDuration formats d as an RFC 5545 duration such as PT6H or PT1H30M.
func isoDuration(d time.Duration) string {
	d = d.Round(time.Second)
	if d <= 0 {
		return "PT0S"
	}
	h := int64(d / time.Hour)
	m := int64(d % time.Hour / time.Minute)
	s := int64(d % time.Minute / time.Second)
	out := "PT"
	if h > 0 {
		out += strconv.FormatInt(h, 10) + "H"
	}
	if m > 0 {
		out += strconv.FormatInt(m, 10) + "M"
	}
	if s > 0 {
		out += strconv.FormatInt(s, 10) + "S"
	}
	return out
}
