package calendar

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"

	"github.com/commonplace-hub/commonplace/hub"
)

// This file turns one UID's VEVENTs (a master and its overrides) into hub
// events. Recurrences are expanded with rrule-go directly: go-ical's
// Component.RecurrenceSet reads EXDATE values as RDATEs, cannot read
// comma-separated EXDATEs and loads only IANA TZIDs.
//
// A series stays one hub event (RRULE plus exception dates) when the hub
// can express it exactly. That is checked rather than assumed: the hub
// event is expanded with the hub's own code over the import window and must
// give exactly the occurrences the feed gives. Overridden occurrences
// become exceptions plus one-off events, and so do RDATE occurrences.
// Otherwise (RANGE=THISANDFUTURE, a zone the hub cannot hold, a rule the
// hub refuses) every occurrence in the window becomes its own hub event.

// maxIterations bounds the expansion of one rule.
const maxIterations = 200_000

// occurrence is one happening of a series after RDATE, EXDATE and overrides.
type occurrence struct {
	rid        time.Time // original start
	key        string
	start, end time.Time
	src        *vevent // whose properties it has
	fromRule   bool    // produced by the RRULE (not an RDATE or a stray override)
	modified   bool    // moved or changed by an override
	cancelled  bool
}

// seriesBuild is one series on its way to hub events: what was read from
// its master, the occurrences expanded so far and the exception dates a hub
// event for the whole series would carry.
type seriesBuild struct {
	g    *series
	m    *vevent // the master
	t    timing  // the master's timing
	rule string  // the cleaned RRULE, "" for a series of RDATEs only
	opt  *rrule.ROption

	// EXDATEs: instants, and dates for DATE values.
	exInstants map[int64]bool
	exDates    map[string]bool
	// exceptionDates are the dates the hub event leaves out: the EXDATEs
	// and the occurrences that single overrides change or cancel.
	exceptionDates []string

	occs  []*occurrence
	byKey map[string]*occurrence // occs by ridKey
	// thisAndFuture says RANGE=THISANDFUTURE overrides were given, which
	// the hub cannot express as one event.
	thisAndFuture bool
}

// buildSeries turns one UID's VEVENTs into hub events: a master without a
// repeat as a one-off event; a series as one hub event when the hub can
// express it exactly (see keepAsSeries), otherwise as one event per
// occurrence in the window. A master that cannot be read or expanded is
// skipped with its reason, and its overrides with it.
func (p *parser) buildSeries(g *series) {
	m := g.master
	if m == nil {
		for _, o := range g.overrides {
			p.buildOrphan(o)
		}
		return
	}
	t, err := p.timingOf(m, nil)
	if err != nil {
		p.skipSeries(g, err.Error()+".")
		return
	}
	if m.comp.Props.Get("RRULE") == nil && len(m.comp.Props.Values("RDATE")) == 0 {
		p.addOneOff(m, "", t)
		return
	}
	if m.cancelled {
		// A cancelled series is imported, every date shown as cancelled;
		// its overrides cannot bring a date back.
		p.res.Cancelled++
		for _, o := range g.overrides {
			o.cancelled = true
		}
	}
	s := &seriesBuild{g: g, m: m, t: t, exInstants: map[int64]bool{}, exDates: map[string]bool{}, byKey: map[string]*occurrence{}}
	if reason := p.expandSeries(s); reason != "" {
		p.skipSeries(g, reason)
		return
	}
	p.applyOverrides(s)
	live := p.liveOccurrences(s)
	if len(live) == 0 {
		p.res.OutOfWindow++
		return
	}
	if p.keepAsSeries(s, live) {
		return
	}
	p.addEachOccurrence(s, live)
}

// skipSeries skips a master, for reason, and every override of it.
func (p *parser) skipSeries(g *series, reason string) {
	p.skip(g.master, reason)
	p.skipOverrides(g)
}

// expandSeries gives the series' occurrences, in start order, from its
// RRULE and RDATEs less its EXDATEs. It returns why the series must be
// skipped, or "".
func (p *parser) expandSeries(s *seriesBuild) (reason string) {
	for _, step := range []func(*seriesBuild) string{p.readRule, p.readExceptionDates, p.expandRule, p.addExtraDates} {
		if reason = step(s); reason != "" {
			return reason
		}
	}
	sort.SliceStable(s.occs, func(i, j int) bool { return s.occs[i].start.Before(s.occs[j].start) })
	return ""
}

// readRule reads the master's RRULE, if it has one, refusing rules the
// hub does not support (repeating more often than daily).
func (p *parser) readRule(s *seriesBuild) (reason string) {
	ruleProp := s.m.comp.Props.Get("RRULE")
	if ruleProp == nil {
		return ""
	}
	s.rule = cleanRule(ruleProp.Value, !s.t.allDay)
	opt, err := rrule.StrToROptionInLocation(s.rule, s.t.zone.expansionLocation())
	if err != nil {
		return "its repeat rule (RRULE:" + ruleProp.Value + ") could not be read: " + err.Error() + "."
	}
	switch opt.Freq {
	case rrule.SECONDLY, rrule.MINUTELY, rrule.HOURLY:
		return "it repeats more often than daily, which the hub does not support."
	}
	s.opt = opt
	return ""
}

// readExceptionDates reads the master's EXDATEs: a DATE value excludes
// every occurrence on that date in the hub's zone, a DATE-TIME the
// occurrence at that instant.
func (p *parser) readExceptionDates(s *seriesBuild) (reason string) {
	dvs, err := p.datesOf(s.m, "EXDATE")
	if err != nil {
		return "an exception date could not be read: " + err.Error() + "."
	}
	for _, dv := range dvs {
		if dv.date {
			d := dv.wall.Format("2006-01-02")
			s.exDates[d] = true
			s.exceptionDates = append(s.exceptionDates, d)
			continue
		}
		at := p.seriesInstant(dv, s.t)
		s.exInstants[at.Unix()] = true
		s.exceptionDates = append(s.exceptionDates, at.In(s.t.display).Format("2006-01-02"))
	}
	return ""
}

// datesOf reads every value of v's date-list property name (EXDATE or
// RDATE), which may be given many times, each with many values.
func (p *parser) datesOf(v *vevent, name string) ([]dateValue, error) {
	var all []dateValue
	for _, prop := range v.comp.Props.Values(name) {
		dvs, err := p.propDates(prop)
		if err != nil {
			return nil, err
		}
		all = append(all, dvs...)
	}
	return all, nil
}

// addOccurrence adds the occurrence starting at start unless an EXDATE
// excludes it or the series already has one with its key.
func (s *seriesBuild) addOccurrence(start time.Time, fromRule bool) {
	start = start.In(s.t.display)
	key := ridKey(start, s.t.allDay)
	if s.byKey[key] != nil || s.exInstants[start.Unix()] || s.exDates[start.Format("2006-01-02")] {
		return
	}
	oc := &occurrence{rid: start, key: key, start: start, end: s.t.endOf(start), src: s.m, fromRule: fromRule}
	s.occs = append(s.occs, oc)
	s.byKey[key] = oc
}

// expandRule adds the RRULE's occurrences up to a month past the import
// window (overrides may move later ones into it), at most maxIterations
// of them. A rule rrule-go cannot expand skips the series rather than
// taking the import down.
func (p *parser) expandRule(s *seriesBuild) (reason string) {
	if s.opt == nil {
		return ""
	}
	t := s.t
	if y := t.wall.Year(); y < 1000 || y > 9000 {
		// rrule-go cannot expand from such dates (year 0 panics in it).
		return fmt.Sprintf("its repeat rule starts in the year %d, which cannot be right.", y)
	}
	s.opt.Dtstart = t.wall
	r, err := rrule.NewRRule(*s.opt)
	if err != nil {
		return "its repeat rule could not be used: " + err.Error() + "."
	}
	limit := p.to.AddDate(0, 1, 0)
	next := r.Iterator()
	failed := func() (failed bool) {
		// A rule the library cannot expand must not take the import
		// down: the event is skipped with a reason.
		defer func() {
			if recover() != nil {
				failed = true
			}
		}()
		for n := 0; n < maxIterations; n++ {
			at, ok := next()
			if !ok || !at.Before(limit) {
				break
			}
			if t.zone.loc == nil {
				at = t.zone.rules.toUTC(at)
			}
			s.addOccurrence(at, true)
		}
		return false
	}()
	if failed {
		return "its repeat rule could not be expanded."
	}
	return ""
}

// addExtraDates adds the master's RDATE occurrences.
func (p *parser) addExtraDates(s *seriesBuild) (reason string) {
	dvs, err := p.datesOf(s.m, "RDATE")
	if err != nil {
		return "an extra date (RDATE) could not be read: " + err.Error() + "."
	}
	for _, dv := range dvs {
		s.addOccurrence(p.seriesInstant(dv, s.t), false)
	}
	return ""
}

// override is an overriding VEVENT with the original start it replaces.
type override struct {
	ev  *vevent
	rid time.Time // RECURRENCE-ID, in the hub's zone
}

// applyOverrides applies the series' overrides to its occurrences:
// RANGE=THISANDFUTURE ones first, in RECURRENCE-ID order so that a later
// one wins, then single ones. An override whose RECURRENCE-ID or times
// cannot be read is skipped on its own.
func (p *parser) applyOverrides(s *seriesBuild) {
	var ranged, single []override
	for _, o := range s.g.overrides {
		dv, err := p.propDate(o.rid)
		if err != nil {
			p.skip(o, "its RECURRENCE-ID could not be read: "+err.Error()+".")
			continue
		}
		ov := override{ev: o, rid: p.seriesInstant(dv, s.t).In(s.t.display)}
		if o.thisAndFuture {
			ranged = append(ranged, ov)
		} else {
			single = append(single, ov)
		}
	}
	sort.SliceStable(ranged, func(i, j int) bool { return ranged[i].rid.Before(ranged[j].rid) })
	s.thisAndFuture = len(ranged) > 0
	for _, o := range ranged {
		p.applyThisAndFuture(s, o)
	}
	for _, o := range single {
		p.applySingleOverride(s, o)
	}
}

// applyThisAndFuture moves (or cancels) the occurrence o replaces and every
// later one by the shift o gives its own, taking o's duration and
// properties.
func (p *parser) applyThisAndFuture(s *seriesBuild, o override) {
	ot, err := p.timingOf(o.ev, &s.t)
	if err != nil {
		p.skip(o.ev, err.Error()+".")
		return
	}
	shift := ot.start.Sub(o.rid)
	for _, oc := range s.occs {
		if oc.rid.Before(o.rid) {
			continue
		}
		oc.start = oc.rid.Add(shift).In(s.t.display)
		oc.end = ot.endOf(oc.start)
		oc.src, oc.modified, oc.cancelled = o.ev, true, o.ev.cancelled
	}
}

// applySingleOverride cancels, or moves and changes, the one occurrence o
// replaces. A cancelled occurrence stays where it was, marked cancelled (a
// STATUS:CANCELLED override names one date that is off, which readers
// must see rather than lose); a moved or changed one's date becomes an
// exception of the series.
func (p *parser) applySingleOverride(s *seriesBuild, o override) {
	key := ridKey(o.rid, s.t.allDay)
	oc := s.byKey[key]
	if o.ev.cancelled {
		if oc != nil {
			oc.cancelled = true
		}
		return
	}
	s.exceptionDates = append(s.exceptionDates, o.rid.Format("2006-01-02"))
	ot, err := p.timingOf(o.ev, &s.t)
	if err != nil {
		p.skip(o.ev, err.Error()+".")
		return
	}
	if oc == nil {
		// An override of an occurrence the rule does not give: keep it as
		// the extra occurrence the feed shows.
		oc = &occurrence{rid: o.rid, key: key}
		s.occs = append(s.occs, oc)
		s.byKey[key] = oc
	}
	oc.start = ot.start.In(s.t.display)
	oc.end = ot.endOf(oc.start)
	oc.src, oc.modified, oc.cancelled = o.ev, true, false
}

// liveOccurrences returns the occurrences in the import window, cancelled
// ones included (they are imported marked cancelled), in start order,
// counting the cancelled ones.
func (p *parser) liveOccurrences(s *seriesBuild) []*occurrence {
	var live []*occurrence
	for _, oc := range s.occs {
		if p.inWindow(oc.start, oc.end) {
			live = append(live, oc)
			if oc.cancelled {
				p.res.Cancelled++
			}
		}
	}
	sort.SliceStable(live, func(i, j int) bool { return live[i].start.Before(live[j].start) })
	return live
}

// keepAsSeries adds the series as one hub event (RRULE plus exception
// dates) with its moved, changed and RDATE occurrences as one-off events,
// and reports true, when the hub event gives exactly the feed's plain
// occurrences. Otherwise it adds nothing and reports false.
func (p *parser) keepAsSeries(s *seriesBuild, live []*occurrence) bool {
	t := s.t
	// A series keeps its wall-clock time in the zone it is expanded in, so
	// the hub can hold it only in that same zone. (A series anchored in UTC
	// but shown in a local zone could pass the check in a window without a
	// clock change and drift by an hour beyond it.)
	sameZone := t.zone.loc != nil && t.zone.loc.String() == t.display.String()
	if s.opt == nil || !sameZone || s.thisAndFuture {
		return false
	}
	var plain, extra []*occurrence
	for _, oc := range live {
		if oc.fromRule && !oc.modified {
			plain = append(plain, oc)
		} else {
			extra = append(extra, oc)
		}
	}
	exceptions := uniqueSorted(s.exceptionDates)
	if !p.seriesMatches(t, s.rule, exceptions, plain) {
		return false
	}
	if len(plain) > 0 && p.add(s.m, s.m, "", t.start, t.endOf(t.start), t, s.rule, exceptions) {
		for _, oc := range plain {
			if oc.cancelled && !s.m.cancelled {
				p.markLast(oc.start.Format("2006-01-02"))
			}
		}
	}
	for _, oc := range extra {
		if p.add(oc.src, s.m, oc.key, oc.start, oc.end, t, "", nil) && oc.cancelled {
			p.markLast("")
		}
	}
	return true
}

// markLast marks the date (YYYY-MM-DD, or "" for the whole event) of the
// last item added cancelled, as the feed says.
func (p *parser) markLast(date string) {
	it := &p.res.Items[len(p.res.Items)-1]
	it.Event.Statuses = append(it.Event.Statuses, hub.StatusMark{Date: date, Status: hub.StatusCancelled})
}

// addEachOccurrence adds every live occurrence as its own hub event, the
// first MaxOccurrences of them, saying so when there are more.
func (p *parser) addEachOccurrence(s *seriesBuild, live []*occurrence) {
	if len(live) > MaxOccurrences {
		p.skip(s.m, fmt.Sprintf("it has %d occurrences in the import window; only the first %d were imported.", len(live), MaxOccurrences))
		live = live[:MaxOccurrences]
	}
	for _, oc := range live {
		if p.add(oc.src, s.m, oc.key, oc.start, oc.end, s.t, "", nil) && oc.cancelled && !oc.src.cancelled && !s.m.cancelled {
			p.markLast("")
		}
	}
}

// seriesInstant reads an RDATE, EXDATE or RECURRENCE-ID value: one with no
// zone of its own is in the series' zone.
func (p *parser) seriesInstant(dv dateValue, t timing) time.Time {
	if dv.utc || dv.hasTZ {
		return p.instant(dv)
	}
	return t.zone.instant(dv.wall)
}

// seriesMatches reports whether a hub event with this rule and these
// exception dates gives exactly the plain occurrences over the window.
func (p *parser) seriesMatches(t timing, rule string, exceptions []string, plain []*occurrence) bool {
	e := hub.Event{Title: "check", TimeZone: t.display.String(), Start: t.start, End: t.endOf(t.start), AllDay: t.allDay, Recurrence: rule, Exceptions: exceptions}
	if err := e.Validate(); err != nil {
		return false
	}
	got := e.Occurrences(p.from, p.to, MaxOccurrences)
	n := min(len(plain), MaxOccurrences)
	if len(got) != n {
		return false
	}
	for i := range n {
		if !got[i].Start.Equal(plain[i].start) || !got[i].End.Equal(plain[i].end) {
			return false
		}
	}
	return true
}

// buildOrphan imports an override whose master is not in the feed (as
// Google sends for a single changed instance) as a one-off event.
func (p *parser) buildOrphan(o *vevent) {
	t, err := p.timingOf(o, nil)
	if err != nil {
		p.skip(o, err.Error()+".")
		return
	}
	dv, err := p.propDate(o.rid)
	if err != nil {
		p.skip(o, "its RECURRENCE-ID could not be read: "+err.Error()+".")
		return
	}
	p.addOneOff(o, ridKey(p.seriesInstant(dv, t).In(t.display), t.allDay), t)
}

// addOneOff adds ev as a single hub event at its own times, if they are in
// the import window; occurrenceKey is "" for an event that does not repeat.
func (p *parser) addOneOff(ev *vevent, occurrenceKey string, t timing) {
	end := t.endOf(t.start)
	if !p.inWindow(t.start, end) {
		p.res.OutOfWindow++
		return
	}
	if ev.cancelled {
		p.res.Cancelled++
	}
	p.add(ev, ev, occurrenceKey, t.start, end, t, "", nil)
}

// skipOverrides skips the overrides of a series whose master was skipped.
func (p *parser) skipOverrides(g *series) {
	for _, o := range g.overrides {
		p.skip(o, "it changes one occurrence of a series that was skipped.")
	}
}

// add appends a hub event made from src (falling back to the master's
// properties for those an override leaves out), if the hub accepts it.
func (p *parser) add(src, master *vevent, occurrenceKey string, start, end time.Time, t timing, rule string, exceptions []string) (added bool) {
	e := hub.Event{
		TimeZone:   t.display.String(),
		Start:      start,
		End:        end,
		AllDay:     t.allDay,
		Recurrence: rule,
		Exceptions: exceptions,
	}
	get := func(name string) *ical.Prop {
		if pr := src.comp.Props.Get(name); pr != nil {
			return pr
		}
		return master.comp.Props.Get(name)
	}
	e.Title = truncate(oneLine(propText(get("SUMMARY"))), hub.MaxTitle)
	desc := propText(get("DESCRIPTION"))
	if strings.TrimSpace(desc) == "" {
		desc = propText(get("X-ALT-DESC"))
	}
	desc = cleanDescription(desc)
	location := cleanLocation(propText(get("LOCATION")))
	switch {
	case strings.HasPrefix(location, "https://") || strings.HasPrefix(location, "http://"):
		if !strings.ContainsAny(location, " \t") {
			e.OnlineURL = location
		}
	case location != "":
		desc = strings.TrimSpace("Where: " + location + "\n\n" + desc)
	}
	e.Description = truncate(desc, hub.MaxBody)
	if u := get("URL"); u != nil {
		if v := strings.TrimSpace(u.Value); strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "http://") {
			e.BookingURL = v
		}
	}
	for _, pr := range src.comp.Props.Values("CATEGORIES") {
		for _, c := range propTextList(&pr) {
			if c = oneLine(c); c != "" && len(e.Tags) < hub.MaxTagCount {
				e.Tags = append(e.Tags, truncate(c, 50))
			}
		}
	}
	if e.Title == "" {
		p.skip(src, "it has no title (SUMMARY).")
		return false
	}
	check := e
	if err := check.Validate(); err != nil {
		p.skip(src, "the hub cannot take it: "+fieldMessages(err))
		return false
	}
	if src.cancelled || master.cancelled {
		// STATUS:CANCELLED on the event (or the series it belongs to).
		e.Statuses = []hub.StatusMark{{Status: hub.StatusCancelled}}
	}
	p.res.Items = append(p.res.Items, Item{UID: master.uid, Occurrence: occurrenceKey, Event: e, Picture: pictureOf(src, master)})
	return true
}

// fieldMessages joins a validation error's messages in field order.
func fieldMessages(err error) string {
	fields := hub.ErrorFields(err)
	if len(fields) == 0 {
		return hub.ErrorMessage(err)
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var msgs []string
	for _, k := range keys {
		msgs = append(msgs, fields[k])
	}
	return strings.Join(msgs, " ")
}

// cleanRule tidies an RRULE value for rrule-go and the hub: upper case, no
// "RRULE:" prefix, no empty parts, and, for a series with times, a
// date-only UNTIL made inclusive of that whole day in the series' zone.
func cleanRule(v string, timed bool) string {
	v = strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(v)), "RRULE:")
	var parts []string
	for _, part := range strings.Split(v, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if until, ok := strings.CutPrefix(part, "UNTIL="); ok && timed && len(until) == 8 {
			part = "UNTIL=" + until + "T235959"
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, ";")
}

func uniqueSorted(s []string) []string {
	sort.Strings(s)
	var out []string
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
