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

func (p *parser) buildSeries(g *series) {
	m := g.master
	if m == nil {
		for _, o := range g.overrides {
			p.buildOrphan(o)
		}
		return
	}
	if m.cancelled {
		p.res.Cancelled++
		return
	}
	t, err := p.timingOf(m, nil)
	if err != nil {
		p.skip(m, err.Error()+".")
		p.skipOverrides(g)
		return
	}
	ruleProp := m.comp.Props.Get("RRULE")
	rdateProps := m.comp.Props.Values("RDATE")
	if ruleProp == nil && len(rdateProps) == 0 {
		end := t.endOf(t.start)
		if !p.inWindow(t.start, end) {
			p.res.OutOfWindow++
			return
		}
		p.add(m, m, "", t.start, end, t, "", nil)
		return
	}

	var opt *rrule.ROption
	rule := ""
	if ruleProp != nil {
		rule = cleanRule(ruleProp.Value, !t.allDay)
		opt, err = rrule.StrToROptionInLocation(rule, t.zone.expansionLocation())
		if err != nil {
			p.skip(m, "its repeat rule (RRULE:"+ruleProp.Value+") could not be read: "+err.Error()+".")
			p.skipOverrides(g)
			return
		}
		switch opt.Freq {
		case rrule.SECONDLY, rrule.MINUTELY, rrule.HOURLY:
			p.skip(m, "it repeats more often than daily, which the hub does not support.")
			p.skipOverrides(g)
			return
		}
	}

	// EXDATEs: instants, and dates for DATE values.
	exInstants := map[int64]bool{}
	exDates := map[string]bool{}
	var exceptionDates []string
	for _, prop := range m.comp.Props.Values("EXDATE") {
		dvs, err := p.propDates(prop)
		if err != nil {
			p.skip(m, "an exception date could not be read: "+err.Error()+".")
			p.skipOverrides(g)
			return
		}
		for _, dv := range dvs {
			if dv.date {
				d := dv.wall.Format("2006-01-02")
				exDates[d] = true
				exceptionDates = append(exceptionDates, d)
				continue
			}
			at := p.seriesInstant(dv, t)
			exInstants[at.Unix()] = true
			exceptionDates = append(exceptionDates, at.In(t.display).Format("2006-01-02"))
		}
	}
	excluded := func(start time.Time) bool {
		return exInstants[start.Unix()] || exDates[start.In(t.display).Format("2006-01-02")]
	}

	var occs []*occurrence
	seen := map[string]bool{}
	addOcc := func(start time.Time, fromRule bool) {
		start = start.In(t.display)
		key := ridKey(start, t.allDay)
		if seen[key] || excluded(start) {
			return
		}
		seen[key] = true
		occs = append(occs, &occurrence{rid: start, key: key, start: start, end: t.endOf(start), src: m, fromRule: fromRule})
	}
	limit := p.to.AddDate(0, 1, 0)
	if opt != nil {
		if y := t.wall.Year(); y < 1000 || y > 9000 {
			// rrule-go cannot expand from such dates (year 0 panics in it).
			p.skip(m, fmt.Sprintf("its repeat rule starts in the year %d, which cannot be right.", y))
			p.skipOverrides(g)
			return
		}
		opt.Dtstart = t.wall
		r, err := rrule.NewRRule(*opt)
		if err != nil {
			p.skip(m, "its repeat rule could not be used: "+err.Error()+".")
			p.skipOverrides(g)
			return
		}
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
				s, ok := next()
				if !ok || !s.Before(limit) {
					break
				}
				if t.zone.loc == nil {
					s = t.zone.rules.toUTC(s)
				}
				addOcc(s, true)
			}
			return false
		}()
		if failed {
			p.skip(m, "its repeat rule could not be expanded.")
			p.skipOverrides(g)
			return
		}
	}
	for _, prop := range rdateProps {
		dvs, err := p.propDates(prop)
		if err != nil {
			p.skip(m, "an extra date (RDATE) could not be read: "+err.Error()+".")
			p.skipOverrides(g)
			return
		}
		for _, dv := range dvs {
			addOcc(p.seriesInstant(dv, t), false)
		}
	}
	sort.SliceStable(occs, func(i, j int) bool { return occs[i].start.Before(occs[j].start) })

	// Overrides: RANGE=THISANDFUTURE ones in order, then single ones.
	byKey := map[string]*occurrence{}
	for _, o := range occs {
		byKey[o.key] = o
	}
	var ranged, single []*vevent
	ridOf := map[*vevent]time.Time{}
	for _, o := range g.overrides {
		dv, err := p.propDate(o.rid)
		if err != nil {
			p.skip(o, "its RECURRENCE-ID could not be read: "+err.Error()+".")
			continue
		}
		ridOf[o] = p.seriesInstant(dv, t).In(t.display)
		if o.thisAndFuture {
			ranged = append(ranged, o)
		} else {
			single = append(single, o)
		}
	}
	sort.SliceStable(ranged, func(i, j int) bool { return ridOf[ranged[i]].Before(ridOf[ranged[j]]) })
	for _, o := range ranged {
		ot, err := p.timingOf(o, &t)
		if err != nil {
			p.skip(o, err.Error()+".")
			continue
		}
		rid := ridOf[o]
		shift := ot.start.Sub(rid)
		for _, oc := range occs {
			if oc.rid.Before(rid) {
				continue
			}
			oc.start = oc.rid.Add(shift).In(t.display)
			oc.end = ot.endOf(oc.start)
			oc.src, oc.modified, oc.cancelled = o, true, o.cancelled
		}
	}
	for _, o := range single {
		rid := ridOf[o]
		key := ridKey(rid, t.allDay)
		exceptionDates = append(exceptionDates, rid.Format("2006-01-02"))
		oc := byKey[key]
		if o.cancelled {
			if oc != nil && !oc.cancelled {
				oc.cancelled = true
			}
			continue
		}
		ot, err := p.timingOf(o, &t)
		if err != nil {
			p.skip(o, err.Error()+".")
			continue
		}
		if oc == nil {
			// An override of an occurrence the rule does not give: keep it as
			// the extra occurrence the feed shows.
			oc = &occurrence{rid: rid, key: key}
			occs = append(occs, oc)
			byKey[key] = oc
		}
		oc.start = ot.start.In(t.display)
		oc.end = ot.endOf(oc.start)
		oc.src, oc.modified, oc.cancelled = o, true, false
	}

	var live []*occurrence
	for _, oc := range occs {
		if oc.cancelled {
			if p.inWindow(oc.start, oc.end) {
				p.res.Cancelled++
			}
			continue
		}
		if p.inWindow(oc.start, oc.end) {
			live = append(live, oc)
		}
	}
	sort.SliceStable(live, func(i, j int) bool { return live[i].start.Before(live[j].start) })
	if len(live) == 0 {
		p.res.OutOfWindow++
		return
	}

	// A series keeps its wall-clock time in the zone it is expanded in, so
	// the hub can hold it only in that same zone. (A series anchored in UTC
	// but shown in a local zone could pass the check in a window without a
	// clock change and drift by an hour beyond it.)
	sameZone := t.zone.loc != nil && t.zone.loc.String() == t.display.String()
	if opt != nil && sameZone && len(ranged) == 0 {
		var plain, extra []*occurrence
		for _, oc := range live {
			if oc.fromRule && !oc.modified {
				plain = append(plain, oc)
			} else {
				extra = append(extra, oc)
			}
		}
		exceptions := uniqueSorted(exceptionDates)
		if p.seriesMatches(t, rule, exceptions, plain) {
			if len(plain) > 0 {
				p.add(m, m, "", t.start, t.endOf(t.start), t, rule, exceptions)
			}
			for _, oc := range extra {
				p.add(oc.src, m, oc.key, oc.start, oc.end, t, "", nil)
			}
			return
		}
	}
	if len(live) > MaxOccurrences {
		p.skip(m, fmt.Sprintf("it has %d occurrences in the import window; only the first %d were imported.", len(live), MaxOccurrences))
		live = live[:MaxOccurrences]
	}
	for _, oc := range live {
		p.add(oc.src, m, oc.key, oc.start, oc.end, t, "", nil)
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
	if o.cancelled {
		p.res.Cancelled++
		return
	}
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
	end := t.endOf(t.start)
	if !p.inWindow(t.start, end) {
		p.res.OutOfWindow++
		return
	}
	p.add(o, o, ridKey(p.seriesInstant(dv, t).In(t.display), t.allDay), t.start, end, t, "", nil)
}

func (p *parser) skipOverrides(g *series) {
	for _, o := range g.overrides {
		p.skip(o, "it changes one occurrence of a series that was skipped.")
	}
}

// add appends a hub event made from src (falling back to the master's
// properties for those an override leaves out), if the hub accepts it.
func (p *parser) add(src, master *vevent, occurrenceKey string, start, end time.Time, t timing, rule string, exceptions []string) {
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
		return
	}
	check := e
	if err := check.Validate(); err != nil {
		p.skip(src, "the hub cannot take it: "+fieldMessages(err))
		return
	}
	p.res.Items = append(p.res.Items, Item{UID: master.uid, Occurrence: occurrenceKey, Event: e})
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
