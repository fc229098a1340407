package calendar

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-ical"

	"github.com/commonplace-hub/commonplace/hub"
)

// Options tune how a feed is read.
type Options struct {
	// Now is the import's present; zero means time.Now().
	Now time.Time
	// Months is how far ahead occurrences are imported; 0 means 12.
	Months int
	// Grace keeps occurrences that ended at most this long before Now;
	// 0 means 6 hours, negative means none.
	Grace time.Duration
	// From, when set and earlier, imports occurrences from then on: a
	// group's history (calendar import --from). Zero means Now less Grace.
	From time.Time
	// DefaultZone is the hub's IANA zone, used for floating and all-day
	// times when the feed names no zone (X-WR-TIMEZONE), for UTC times,
	// and to show events whose zone exists only in the feed. "" means UTC.
	DefaultZone string
}

func (o Options) withDefaults() Options {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Months <= 0 {
		o.Months = 12
	}
	if o.Grace == 0 {
		o.Grace = 6 * time.Hour
	} else if o.Grace < 0 {
		o.Grace = 0
	}
	if loadIANA(o.DefaultZone) == nil {
		o.DefaultZone = "UTC"
	}
	return o
}

// Window returns the span [from, to) whose occurrences an import keeps.
func (o Options) Window() (from, to time.Time) {
	o = o.withDefaults()
	from = o.Now.Add(-o.Grace)
	if !o.From.IsZero() && o.From.Before(from) {
		from = o.From
	}
	return from, o.Now.AddDate(0, o.Months, 0)
}

// Item is one hub event an import yields: a one-off event, a whole series
// (Recurrence set), or a single occurrence of a series that the hub could
// not keep as one event. UID and Occurrence identify it within its feed.
type Item struct {
	UID string
	// Occurrence is "" for an event or a whole series; for one occurrence
	// it is its RECURRENCE-ID: 20060102T150405Z in UTC, or 20060102 for
	// all-day events.
	Occurrence string
	Event      hub.Event
	// Picture is the address of the event's picture (RFC 7986 IMAGE, or
	// an ATTACH of an image type), "" for none; see Pictures.
	Picture string
}

// Key identifies the item within its feed.
func (it Item) Key() string { return it.UID + "\x00" + it.Occurrence }

// Skipped is an event of the feed that was not imported, and why
// (hub.SkippedEvent).
type Skipped = hub.SkippedEvent

// Result is what reading a feed gives.
type Result struct {
	Name    string // X-WR-CALNAME, if any
	Items   []Item // in start order
	Skipped []Skipped
	// OutOfWindow counts events with no occurrence in the import window:
	// over, or too far ahead. Cancelled counts cancelled events, series
	// and occurrences, which are imported marked cancelled.
	OutOfWindow int
	Cancelled   int
	// Notes say how the feed was read where it matters to its readers
	// (a time zone read as a fixed offset).
	Notes []string
}

// ErrNotCalendar is returned by Parse for input that is not iCalendar.
var ErrNotCalendar = errors.New("not an iCalendar feed")

// MaxOccurrences bounds how many hub events one series may become.
const MaxOccurrences = 1000

// Parse reads an iCalendar feed and turns its events into hub events for
// the import window. Broken events are skipped with a reason; Parse fails
// only when the input is not a calendar at all (ErrNotCalendar).
func Parse(r io.Reader, opt Options) (*Result, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return ParseBytes(b, opt)
}

// ParseBytes is Parse for a feed already in memory.
func ParseBytes(b []byte, opt Options) (*Result, error) {
	opt = opt.withDefaults()
	doc := split(unfold(toUTF8(b)))
	if doc.calendars == 0 {
		return nil, ErrNotCalendar
	}
	p := &parser{opt: opt, zones: newZoneTable(), res: &Result{}}
	p.from, p.to = opt.Window()
	p.readCalendarProps(doc.props)

	var events []*vevent
	for _, c := range doc.chunks {
		switch c.name {
		case "VTIMEZONE":
			comp, err := decodeChunk(c)
			if err != nil {
				continue // an unusable zone fails the events that need it
			}
			if id := strings.TrimSpace(propText(comp.Props.Get("TZID"))); id != "" {
				p.zones.defs[id] = comp
			}
		case "VEVENT":
			if c.broken != "" {
				p.skip(&vevent{line: c.line}, "the event is cut off: "+c.broken+".")
				continue
			}
			comp, err := decodeChunk(c)
			if err != nil {
				p.skip(&vevent{line: c.line}, "it could not be read: "+err.Error()+".")
				continue
			}
			events = append(events, newVEvent(comp, c.line))
		}
	}
	p.build(events)
	p.res.Notes = p.zones.notes
	sort.SliceStable(p.res.Items, func(i, j int) bool {
		a, b := p.res.Items[i].Event, p.res.Items[j].Event
		if !a.Start.Equal(b.Start) {
			return a.Start.Before(b.Start)
		}
		return a.Title < b.Title
	})
	return p.res, nil
}

// decodeChunk hands one component to go-ical. Its decoder can panic on
// some malformed parameter lists; that costs this component only.
func decodeChunk(c chunk) (comp *ical.Component, err error) {
	var buf bytes.Buffer
	buf.WriteString("BEGIN:VCALENDAR\r\n")
	for _, l := range c.lines {
		buf.WriteString(l.text)
		buf.WriteString("\r\n")
	}
	buf.WriteString("END:VCALENDAR\r\n")
	defer func() {
		if v := recover(); v != nil {
			comp, err = nil, fmt.Errorf("malformed line (%v)", v)
		}
	}()
	cal, err := ical.NewDecoder(&buf).Decode()
	if err != nil {
		return nil, errors.New(strings.TrimPrefix(err.Error(), "ical: "))
	}
	if len(cal.Children) != 1 {
		return nil, errors.New("malformed component")
	}
	return cal.Children[0], nil
}

// parser holds the state of one Parse.
type parser struct {
	opt      Options
	from, to time.Time
	zones    *zoneTable
	feedZone *time.Location // X-WR-TIMEZONE, else the hub's zone
	res      *Result
}

func (p *parser) readCalendarProps(props []contentLine) {
	var wrTZ, tzid string
	for _, cl := range props {
		switch lineName(cl.text) {
		case "X-WR-CALNAME":
			if p.res.Name == "" {
				p.res.Name = oneLine(strings.Join(lenientTextList(lineValue(cl.text)), ","))
			}
		case "X-WR-TIMEZONE":
			wrTZ = strings.TrimSpace(lineValue(cl.text))
		case "TZID":
			// Not RFC 5545 at calendar level, but WordPress writes it.
			tzid = strings.TrimSpace(lineValue(cl.text))
		}
	}
	p.feedZone = loadIANA(p.opt.DefaultZone)
	for _, name := range []string{wrTZ, tzid} {
		if loc := ianaFor(name); name != "" && loc != nil {
			p.feedZone = loc
			break
		}
	}
}

// vevent is one VEVENT of the feed.
type vevent struct {
	comp  *ical.Component
	line  int
	uid   string
	title string
	// rid is the RECURRENCE-ID property of an override, nil for a master.
	rid           *ical.Prop
	thisAndFuture bool
	cancelled     bool
	sequence      int
}

func newVEvent(comp *ical.Component, line int) *vevent {
	v := &vevent{comp: comp, line: line}
	v.uid = strings.TrimSpace(propText(comp.Props.Get("UID")))
	v.title = oneLine(propText(comp.Props.Get("SUMMARY")))
	v.rid = comp.Props.Get("RECURRENCE-ID")
	if v.rid != nil {
		v.thisAndFuture = strings.EqualFold(v.rid.Params.Get("RANGE"), "THISANDFUTURE")
	}
	v.cancelled = strings.EqualFold(strings.TrimSpace(propText(comp.Props.Get("STATUS"))), "CANCELLED")
	if p := comp.Props.Get("SEQUENCE"); p != nil {
		v.sequence, _ = strconv.Atoi(strings.TrimSpace(p.Value))
	}
	return v
}

func (p *parser) skip(v *vevent, reason string) {
	p.res.Skipped = append(p.res.Skipped, Skipped{UID: v.uid, Title: truncate(v.title, 80), Line: v.line, Reason: reason})
}

// series is a master VEVENT with the overrides that share its UID.
type series struct {
	master    *vevent
	overrides []*vevent
}

// build groups events by UID and turns each group into items.
func (p *parser) build(events []*vevent) {
	groups := map[string]*series{}
	var order []string
	for _, v := range events {
		key := v.uid
		if key == "" {
			// No UID: the event cannot be matched on the next refresh, but it
			// still deserves importing; give it a stable stand-in.
			key = fmt.Sprintf("no-uid-line-%d", v.line)
			v.uid = key
		}
		g := groups[key]
		if g == nil {
			g = &series{}
			groups[key] = g
			order = append(order, key)
		}
		if v.rid != nil {
			g.overrides = append(g.overrides, v)
			continue
		}
		if g.master != nil {
			// The same UID twice: keep the later revision.
			older := g.master
			if v.sequence < older.sequence {
				older, v = v, older
			}
			p.skip(older, fmt.Sprintf("another event in the feed (line %d) has the same UID and a newer or equal SEQUENCE.", v.line))
		}
		g.master = v
	}
	for _, key := range order {
		p.buildSeries(groups[key])
	}
}

// timing is when an event or override happens.
type timing struct {
	start   time.Time      // instant, in display
	display *time.Location // the hub event's zone
	zone    zone           // zone of DTSTART, for expansion
	wall    time.Time      // DTSTART's wall clock in zone.expansionLocation()
	allDay  bool
	dur     time.Duration // timed events
	days    int           // all-day events: length in days
	hasEnd  bool
}

func (t timing) endOf(start time.Time) time.Time {
	if t.allDay {
		return start.AddDate(0, 0, t.days)
	}
	return start.Add(t.dur)
}

// nominalLength is what an event without a length (no DTEND or DURATION,
// or DTEND equal to DTSTART) lasts on the hub, which needs an end.
const nominalLength = time.Hour

// dateValue is a DATE or DATE-TIME value of a property.
type dateValue struct {
	wall  time.Time // wall-clock fields, in UTC
	date  bool      // a DATE
	utc   bool      // a DATE-TIME ending in Z
	hasTZ bool      // a DATE-TIME with a TZID: zone applies
	zone  zone
}

// parseDate reads one DATE or DATE-TIME value s of property prop.
func (p *parser) parseDate(prop *ical.Prop, s string) (dateValue, error) {
	s = strings.TrimSpace(s)
	var dv dateValue
	switch {
	case len(s) == 8:
		t, err := time.Parse("20060102", s)
		if err != nil {
			return dv, fmt.Errorf("%s %q is not a date or a date-time", prop.Name, s)
		}
		dv.wall, dv.date = t, true
		return dv, nil
	case len(s) == 16 && s[15] == 'Z':
		t, err := time.Parse("20060102T150405Z", s)
		if err != nil {
			return dv, fmt.Errorf("%s %q is not a date or a date-time", prop.Name, s)
		}
		dv.wall, dv.utc = t, true
		return dv, nil
	case len(s) == 15:
		t, err := time.Parse("20060102T150405", s)
		if err != nil {
			return dv, fmt.Errorf("%s %q is not a date or a date-time", prop.Name, s)
		}
		dv.wall = t
	default:
		return dv, fmt.Errorf("%s %q is not a date or a date-time", prop.Name, s)
	}
	if tzid := strings.TrimSpace(prop.Params.Get("TZID")); tzid != "" {
		z, err := p.zones.resolve(tzid)
		if err != nil {
			return dv, err
		}
		dv.zone, dv.hasTZ = z, true
	}
	return dv, nil
}

// instant is the moment a value names: UTC as is, zoned values in their
// zone, floating times and dates in the feed's zone.
func (p *parser) instant(dv dateValue) time.Time {
	switch {
	case dv.utc:
		return dv.wall
	case dv.hasTZ:
		return dv.zone.instant(dv.wall)
	default:
		return zone{loc: p.feedZone}.instant(dv.wall)
	}
}

// propDate reads a single-valued date property.
func (p *parser) propDate(prop *ical.Prop) (dateValue, error) {
	return p.parseDate(prop, prop.Value)
}

// propDates reads a multi-valued RDATE or EXDATE property. PERIOD values
// (start/end) count by their start.
func (p *parser) propDates(prop ical.Prop) ([]dateValue, error) {
	var out []dateValue
	for _, v := range strings.Split(prop.Value, ",") {
		if strings.TrimSpace(v) == "" {
			continue
		}
		v, _, _ = strings.Cut(v, "/")
		dv, err := p.parseDate(&prop, v)
		if err != nil {
			return nil, err
		}
		out = append(out, dv)
	}
	return out, nil
}

// timingOf reads DTSTART, DTEND or DURATION of an event. inherit gives
// the length of the master for an override that states none.
func (p *parser) timingOf(v *vevent, inherit *timing) (timing, error) {
	var t timing
	sp := v.comp.Props.Get("DTSTART")
	if sp == nil {
		return t, errors.New("it has no start time (DTSTART)")
	}
	start, err := p.propDate(sp)
	if err != nil {
		return t, err
	}
	t.allDay = start.date
	switch {
	case start.hasTZ:
		t.zone = start.zone
	case start.utc:
		t.zone = zone{name: "UTC", loc: time.UTC}
	default:
		t.zone = zone{name: p.feedZone.String(), loc: p.feedZone}
	}
	t.display = t.zone.loc
	if t.display == nil || (start.utc && !t.allDay) {
		t.display = p.feedZone
	}
	t.wall = start.wall
	if t.zone.loc != nil {
		t.wall = t.zone.instant(start.wall)
	}
	t.start = p.instant(start).In(t.display)

	if ep := v.comp.Props.Get("DTEND"); ep != nil {
		end, err := p.propDate(ep)
		if err != nil {
			return t, err
		}
		t.hasEnd = true
		if t.allDay {
			t.days = int(end.wall.Sub(start.wall).Hours() / 24)
			if !end.date {
				t.days = int(p.instant(end).Sub(t.start).Hours()+23) / 24
			}
		} else {
			t.dur = p.instant(end).Sub(t.start)
		}
	} else if dp := v.comp.Props.Get("DURATION"); dp != nil {
		d, err := dp.Duration()
		if err != nil {
			return t, fmt.Errorf("DURATION %q could not be read", dp.Value)
		}
		t.hasEnd = true
		if t.allDay {
			t.days = int((d + 23*time.Hour) / (24 * time.Hour))
		} else {
			t.dur = d
		}
	} else if inherit != nil {
		t.hasEnd, t.dur, t.days = inherit.hasEnd, inherit.dur, inherit.days
		if t.allDay != inherit.allDay {
			t.dur, t.days = nominalLength, 1
		}
	}
	switch {
	case t.allDay && t.days < 0, !t.allDay && t.dur < 0:
		return t, errors.New("it ends before it starts")
	case t.allDay && t.days == 0:
		t.days = 1
	case !t.allDay && t.dur == 0:
		t.dur = nominalLength
	}
	return t, nil
}

// ridKey names an occurrence by its original start: the UTC date-time, or
// the local date for all-day events.
func ridKey(start time.Time, allDay bool) string {
	if allDay {
		return start.Format("20060102")
	}
	return start.UTC().Format("20060102T150405Z")
}

func (p *parser) inWindow(start, end time.Time) bool {
	return start.Before(p.to) && end.After(p.from)
}
