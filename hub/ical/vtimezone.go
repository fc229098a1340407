package ical

import (
	"sort"
	"strconv"
	"time"

	goical "github.com/emersion/go-ical"
)

// Calendar apps need a VTIMEZONE for every TZID a feed uses (Outlook and
// some versions of Apple Calendar ignore IANA names they are not told
// about). vtimezone builds one from Go's tz database: it lists the zone's
// transitions over the years a feed needs, and writes each run of
// transitions that follow a yearly rule ("last Sunday of March") as one
// STANDARD or DAYLIGHT observance with an RRULE, as Google, Outlook and
// Thunderbird do themselves. A rule still in force at the end of the
// scanned years has no UNTIL, so series without an end stay right for as
// long as the zone keeps its rules.

// zoneSpans collects, per zone, the time span a feed's events cover.
type zoneSpans map[string]*zoneSpan

type zoneSpan struct {
	loc      *time.Location
	from, to time.Time
}

// add widens the zone's span to cover [from, to]. UTC needs no VTIMEZONE:
// its times are written with Z.
func (z zoneSpans) add(loc *time.Location, from, to time.Time) {
	if loc == time.UTC {
		return
	}
	s, ok := z[loc.String()]
	if !ok {
		z[loc.String()] = &zoneSpan{loc: loc, from: from, to: to}
		return
	}
	if from.Before(s.from) {
		s.from = from
	}
	if to.After(s.to) {
		s.to = to
	}
}

// components returns a VTIMEZONE per zone, ordered by TZID.
func (z zoneSpans) components() []*goical.Component {
	names := make([]string, 0, len(z))
	for n := range z {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]*goical.Component, 0, len(names))
	for _, n := range names {
		s := z[n]
		out = append(out, vtimezone(s.loc, s.from, s.to))
	}
	return out
}

// transition is a change of a zone's offset, abbreviation or DST flag.
type transition struct {
	at       time.Time // the instant of the change
	from, to int       // UTC offsets in seconds before and after
	name     string    // abbreviation after, e.g. BST
	dst      bool      // daylight saving time after
}

// onset is the transition's local wall-clock time in the offset before it,
// which is how RFC 5545 writes an observance's DTSTART.
func (t transition) onset() time.Time {
	return t.at.UTC().Add(time.Duration(t.from) * time.Second)
}

// zoneTransitions lists loc's transitions in [from, to).
func zoneTransitions(loc *time.Location, from, to time.Time) []transition {
	var out []transition
	t := from.In(loc)
	for i := 0; i < 100_000; i++ {
		_, end := t.ZoneBounds()
		if end.IsZero() || !end.Before(to) {
			break
		}
		name0, off0 := t.Zone()
		dst0 := t.IsDST()
		after := end.In(loc)
		name, off := after.Zone()
		if off != off0 || name != name0 || after.IsDST() != dst0 {
			out = append(out, transition{at: end, from: off0, to: off, name: name, dst: after.IsDST()})
		}
		t = after
	}
	return out
}

// observance is one STANDARD or DAYLIGHT component.
type observance struct {
	transition
	rule string // RRULE value, "" for a single onset
}

// maxScanYears bounds the years scanned for one zone.
const maxScanYears = 200

// vtimezone describes loc for times in [from, to].
func vtimezone(loc *time.Location, from, to time.Time) *goical.Component {
	// Scan from a year before (so the observance in force at from is
	// listed) to several years after, so that a rule still in force is
	// seen to be one and is written without UNTIL.
	y0, y1 := from.UTC().Year()-1, to.UTC().Year()+6
	if y1 > y0+maxScanYears {
		y1 = y0 + maxScanYears
	}
	scanFrom := time.Date(y0, 1, 1, 0, 0, 0, 0, time.UTC)
	scanTo := time.Date(y1, 1, 1, 0, 0, 0, 0, time.UTC)
	trs := zoneTransitions(loc, scanFrom, scanTo)

	var obs []observance
	if len(trs) == 0 || trs[0].at.After(from) {
		// The offset in force at the start, as an observance of its own.
		t := scanFrom.In(loc)
		name, off := t.Zone()
		obs = append(obs, observance{transition: transition{at: scanFrom, from: off, to: off, name: name, dst: t.IsDST()}})
	}
	obs = append(obs, yearlyRules(trs, y1-1)...)
	sort.SliceStable(obs, func(i, j int) bool { return obs[i].at.Before(obs[j].at) })

	tz := goical.NewComponent(goical.CompTimezone)
	tz.Props.SetText(goical.PropTimezoneID, loc.String())
	setXText(tz.Props, "X-LIC-LOCATION", loc.String())
	for _, o := range obs {
		name := goical.CompTimezoneStandard
		if o.dst {
			name = goical.CompTimezoneDaylight
		}
		c := goical.NewComponent(name)
		set := func(prop, value string) {
			p := goical.NewProp(prop)
			p.Value = value
			c.Props.Set(p)
		}
		set(goical.PropDateTimeStart, o.onset().Format("20060102T150405"))
		set(goical.PropTimezoneOffsetFrom, utcOffset(o.from))
		set(goical.PropTimezoneOffsetTo, utcOffset(o.to))
		if o.name != "" {
			c.Props.SetText(goical.PropTimezoneName, o.name)
		}
		if o.rule != "" {
			set(goical.PropRecurrenceRule, o.rule)
		}
		tz.Children = append(tz.Children, c)
	}
	return tz
}

// yearlyRules groups transitions into observances. Transitions with the
// same offsets, name, month and local time in consecutive years that fall
// on the same weekday rule (the nth or last Sunday, a Sunday on or after the
// 8th) or on the same day of the month become one observance with a
// yearly RRULE; the rest stay single onsets. A rule whose transitions reach
// lastYear (the last scanned year) has no UNTIL.
func yearlyRules(trs []transition, lastYear int) []observance {
	type key struct {
		from, to int
		name     string
		dst      bool
		month    time.Month
		clock    int // seconds after local midnight
	}
	groups := map[key][]transition{}
	var order []key
	for _, t := range trs {
		on := t.onset()
		k := key{t.from, t.to, t.name, t.dst, on.Month(), on.Hour()*3600 + on.Minute()*60 + on.Second()}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], t)
	}
	var out []observance
	for _, k := range order {
		g := groups[k]
		for i := 0; i < len(g); {
			r := newRun(g[i])
			j := i + 1
			for ; j < len(g); j++ {
				if !r.extend(g[j]) {
					break
				}
			}
			if j-i == 1 {
				out = append(out, observance{transition: g[i]})
			} else {
				rule := r.rrule()
				if r.lastYear < lastYear {
					// A day after the last onset: the same set of onsets
					// whether UNTIL is read as UTC (RFC 5545) or, as some
					// parsers do, as local time.
					rule += ";UNTIL=" + g[j-1].at.Add(24*time.Hour).UTC().Format("20060102T150405Z")
				}
				out = append(out, observance{transition: g[i], rule: rule})
			}
			i = j
		}
	}
	return out
}

// run is a sequence of yearly transitions and the rules they all fit.
type run struct {
	month       time.Month
	weekday     time.Weekday
	monthday    int
	lastYear    int
	sameWeekday bool
	sameDay     bool
	allLast     bool // each was the last such weekday of its month
	lo, hi      int  // "weekday on or after the Nth" fits for N in [lo, hi]
}

func newRun(t transition) *run {
	on := t.onset()
	d := on.Day()
	return &run{
		month: on.Month(), weekday: on.Weekday(), monthday: d, lastYear: on.Year(),
		sameWeekday: true, sameDay: true, allLast: d > daysIn(on.Year(), on.Month())-7,
		lo: max(1, d-6), hi: d,
	}
}

// extend adds the next transition if it is in the following year and a
// common rule still fits.
func (r *run) extend(t transition) bool {
	on := t.onset()
	if on.Year() != r.lastYear+1 {
		return false
	}
	d := on.Day()
	sameWeekday := r.sameWeekday && on.Weekday() == r.weekday && max(r.lo, d-6) <= min(r.hi, d)
	sameDay := r.sameDay && d == r.monthday
	if !sameWeekday && !sameDay {
		return false
	}
	r.sameWeekday, r.sameDay = sameWeekday, sameDay
	if sameWeekday {
		r.lo, r.hi = max(r.lo, d-6), min(r.hi, d)
		r.allLast = r.allLast && d > daysIn(on.Year(), on.Month())-7
	}
	r.lastYear = on.Year()
	return true
}

var weekdayCodes = [...]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// rrule is the run's yearly rule, without UNTIL.
func (r *run) rrule() string {
	base := "FREQ=YEARLY;BYMONTH=" + strconv.Itoa(int(r.month))
	wd := weekdayCodes[r.weekday]
	if !r.sameWeekday {
		return base + ";BYMONTHDAY=" + strconv.Itoa(r.monthday)
	}
	if r.allLast {
		return base + ";BYDAY=-1" + wd
	}
	for n := 1; n <= 4; n++ {
		if d := 7*(n-1) + 1; r.lo <= d && d <= r.hi {
			return base + ";BYDAY=" + strconv.Itoa(n) + wd
		}
	}
	days := ""
	for d := r.lo; d < r.lo+7; d++ {
		if d > r.lo {
			days += ","
		}
		days += strconv.Itoa(d)
	}
	return base + ";BYDAY=" + wd + ";BYMONTHDAY=" + days
}

func daysIn(year int, m time.Month) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// utcOffset formats an offset as RFC 5545 writes it: +0100, -0500, +0530.
func utcOffset(sec int) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "-", -sec
	}
	s := sign + pad2(sec/3600) + pad2(sec%3600/60)
	if sec%60 != 0 {
		s += pad2(sec % 60)
	}
	return s
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
