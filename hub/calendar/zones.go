package calendar

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"
)

// zone is the time zone of a date-time value in a feed: an IANA location
// when one is known, else the offset rules of a custom VTIMEZONE.
type zone struct {
	name  string         // as the feed wrote it, for messages
	loc   *time.Location // IANA zone, or nil
	rules *zoneRules     // custom VTIMEZONE, when loc is nil
}

// expansionLocation is where recurrences are expanded: the IANA zone, or
// UTC standing in for wall-clock time when the zone is custom.
func (z zone) expansionLocation() *time.Location {
	if z.loc != nil {
		return z.loc
	}
	return time.UTC
}

// instant turns wall-clock fields (read from w whatever its location)
// into the instant they name in the zone.
func (z zone) instant(w time.Time) time.Time {
	y, mo, d := w.Date()
	h, mi, s := w.Clock()
	if z.loc != nil {
		return time.Date(y, mo, d, h, mi, s, 0, z.loc)
	}
	return z.rules.toUTC(time.Date(y, mo, d, h, mi, s, 0, time.UTC))
}

var locationCache sync.Map // name -> *time.Location or nil

// loadIANA returns the IANA zone of that name, or nil. "Local" is refused:
// it would tie events to the server's zone.
func loadIANA(name string) *time.Location {
	if name == "" || name == "Local" {
		return nil
	}
	if v, ok := locationCache.Load(name); ok {
		loc, _ := v.(*time.Location)
		return loc
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		loc = nil
	}
	locationCache.Store(name, loc)
	return loc
}

// ianaFor finds the IANA zone a TZID means: an IANA name, a Windows name
// ("GMT Standard Time"), or an IANA name at the end of a prefixed one
// ("/mozilla.org/20070129_1/Europe/London"). It returns nil when none fits.
func ianaFor(tzid string) *time.Location {
	tzid = strings.Trim(strings.TrimSpace(tzid), `"`)
	if loc := loadIANA(tzid); loc != nil {
		return loc
	}
	if name, ok := windowsZones[tzid]; ok {
		return loadIANA(name)
	}
	parts := strings.Split(tzid, "/")
	for n := 3; n >= 2; n-- {
		if len(parts) > n {
			if loc := loadIANA(strings.Join(parts[len(parts)-n:], "/")); loc != nil {
				return loc
			}
		}
	}
	return nil
}

// zoneTable resolves the TZIDs of one feed, using its VTIMEZONEs when a
// TZID names no known zone.
type zoneTable struct {
	defs  map[string]*ical.Component // VTIMEZONE by TZID
	cache map[string]zone
	// notes say how TZIDs were read that need saying (fixed offsets), in
	// the order they were first met.
	notes []string
}

func newZoneTable() *zoneTable {
	return &zoneTable{defs: map[string]*ical.Component{}, cache: map[string]zone{}}
}

// resolve returns the zone a TZID parameter names. A known name wins over
// the feed's own VTIMEZONE (feeds often ship incomplete ones); a custom
// VTIMEZONE is used for offsets when the name means nothing else.
func (zt *zoneTable) resolve(tzid string) (zone, error) {
	if z, ok := zt.cache[tzid]; ok {
		return z, nil
	}
	z := zone{name: tzid, loc: ianaFor(tzid)}
	if z.loc == nil {
		if secs, ok := offsetZone(tzid); ok {
			// "UTC+01:00" names a fixed offset whatever the feed's
			// VTIMEZONE says (plugins that write these rarely give one).
			z.rules = &zoneRules{initial: secs}
			zt.cache[tzid] = z
			zt.notes = append(zt.notes, offsetNote(tzid, secs))
			return z, nil
		}
		def := zt.defs[tzid]
		if def == nil {
			return zone{}, fmt.Errorf("its time zone %q is not a known zone and the feed does not describe it", tzid)
		}
		if loc := ianaFor(propText(def.Props.Get("X-LIC-LOCATION"))); loc != nil {
			z.loc = loc
		} else {
			rules, err := parseZoneRules(def)
			if err != nil {
				return zone{}, fmt.Errorf("its time zone %q could not be understood: %v", tzid, err)
			}
			z.rules = rules
		}
	}
	zt.cache[tzid] = z
	return z, nil
}

// offsetZone reads a TZID that names a fixed offset from UTC, as some
// WordPress plugins write them: "UTC+0", "UTC+01:00", "GMT-5",
// "UTC-03:30", "UTC+0530"; "UTC" or "GMT" alone are zero. It returns the
// offset in seconds east of UTC.
func offsetZone(tzid string) (seconds int, ok bool) {
	s := strings.ToUpper(strings.TrimSpace(strings.Trim(strings.TrimSpace(tzid), `"`)))
	switch {
	case strings.HasPrefix(s, "UTC"), strings.HasPrefix(s, "GMT"):
		s = strings.TrimSpace(s[3:])
	default:
		return 0, false
	}
	if s == "" {
		return 0, true
	}
	sign := 1
	switch s[0] {
	case '+':
	case '-':
		sign = -1
	default:
		return 0, false
	}
	s = strings.TrimSpace(s[1:])
	hours, minutes := s, ""
	if h, m, found := strings.Cut(s, ":"); found {
		hours, minutes = h, m
	} else if len(s) == 4 {
		hours, minutes = s[:2], s[2:]
	}
	h, err := strconv.Atoi(hours)
	if err != nil || len(hours) > 2 || h > 14 {
		return 0, false
	}
	m := 0
	if minutes != "" {
		if m, err = strconv.Atoi(minutes); err != nil || len(minutes) != 2 || m > 59 {
			return 0, false
		}
	}
	return sign * (h*3600 + m*60), true
}

// offsetNote is the import report's note for a TZID read as a fixed
// offset, in English like the rest of the report.
func offsetNote(tzid string, secs int) string {
	sign := "+"
	if secs < 0 {
		sign, secs = "-", -secs
	}
	return fmt.Sprintf("The time zone %q was read as a fixed offset of UTC%s%02d:%02d, without daylight saving; events in it are shown in the hub's time zone.", tzid, sign, secs/3600, secs%3600/60)
}

// zoneRules are the UTC offsets of a custom VTIMEZONE: its transitions
// in time order, each giving the offset in force from then on.
type zoneRules struct {
	initial     int // offset before the first transition, seconds east of UTC
	transitions []transition
}

type transition struct {
	at     time.Time // UTC
	offset int
}

// transitionsUntil bounds the expansion of yearly observance rules.
var transitionsUntil = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)

// parseZoneRules reads the STANDARD and DAYLIGHT observances of a
// VTIMEZONE: each has a local DTSTART, TZOFFSETFROM, TZOFFSETTO and
// optionally an RRULE and RDATEs giving its later onsets.
func parseZoneRules(def *ical.Component) (*zoneRules, error) {
	zr := &zoneRules{}
	earliest := time.Time{}
	for _, obs := range def.Children {
		if obs.Name != "STANDARD" && obs.Name != "DAYLIGHT" {
			continue
		}
		from, err1 := parseOffset(propText(obs.Props.Get("TZOFFSETFROM")))
		to, err2 := parseOffset(propText(obs.Props.Get("TZOFFSETTO")))
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%s has no valid TZOFFSETFROM/TZOFFSETTO", obs.Name)
		}
		start, err := parseWall(propText(obs.Props.Get("DTSTART")))
		if err != nil {
			return nil, fmt.Errorf("%s has no valid DTSTART", obs.Name)
		}
		onsets := []time.Time{start}
		if p := obs.Props.Get("RRULE"); p != nil {
			opt, err := rrule.StrToROptionInLocation(cleanRule(p.Value, false), time.UTC)
			if err != nil {
				return nil, fmt.Errorf("%s has an RRULE that could not be read: %v", obs.Name, err)
			}
			opt.Dtstart = start
			if start.Year() < 1900 && opt.Freq == rrule.YEARLY && opt.Interval <= 1 {
				// Exchange starts its rules in 1601; rrule-go measures spans
				// with time.Duration, which cannot reach 500 years. A yearly
				// rule gives the same onsets from any earlier year.
				opt.Dtstart = start.AddDate(1900-start.Year(), 0, 0)
			}
			r, err := rrule.NewRRule(*opt)
			if err != nil {
				return nil, err
			}
			onsets = append(onsets, r.Between(start, transitionsUntil, false)...)
		}
		for _, p := range obs.Props.Values("RDATE") {
			for _, v := range strings.Split(p.Value, ",") {
				if t, err := parseWall(v); err == nil {
					onsets = append(onsets, t)
				}
			}
		}
		for _, o := range onsets {
			// An onset is local time in the offset in force before it.
			at := o.Add(-time.Duration(from) * time.Second)
			zr.transitions = append(zr.transitions, transition{at: at, offset: to})
			if earliest.IsZero() || at.Before(earliest) {
				earliest, zr.initial = at, from
			}
		}
	}
	if len(zr.transitions) == 0 {
		return nil, fmt.Errorf("it has no STANDARD or DAYLIGHT observance")
	}
	sort.SliceStable(zr.transitions, func(i, j int) bool { return zr.transitions[i].at.Before(zr.transitions[j].at) })
	return zr, nil
}

// offsetAt returns the offset in force at instant t.
func (zr *zoneRules) offsetAt(t time.Time) int {
	i := sort.Search(len(zr.transitions), func(i int) bool { return zr.transitions[i].at.After(t) })
	if i == 0 {
		return zr.initial
	}
	return zr.transitions[i-1].offset
}

// toUTC returns the instant of a wall-clock time (given as UTC fields). In
// a gap it moves forward, like time.Date does for IANA zones.
func (zr *zoneRules) toUTC(wall time.Time) time.Time {
	guess := wall.Add(-time.Duration(zr.offsetAt(wall)) * time.Second)
	off := zr.offsetAt(guess)
	t := wall.Add(-time.Duration(off) * time.Second)
	if zr.offsetAt(t) != off {
		return guess
	}
	return t
}

// parseOffset reads a UTC offset such as +0100, -0500 or -000115.
func parseOffset(s string) (int, error) {
	s = strings.TrimSpace(s)
	if len(s) != 5 && len(s) != 7 || (s[0] != '+' && s[0] != '-') {
		return 0, fmt.Errorf("bad UTC offset %q", s)
	}
	h, err1 := strconv.Atoi(s[1:3])
	m, err2 := strconv.Atoi(s[3:5])
	sec := 0
	var err3 error
	if len(s) == 7 {
		sec, err3 = strconv.Atoi(s[5:7])
	}
	if err1 != nil || err2 != nil || err3 != nil {
		return 0, fmt.Errorf("bad UTC offset %q", s)
	}
	n := h*3600 + m*60 + sec
	if s[0] == '-' {
		n = -n
	}
	return n, nil
}

// parseWall reads a local date-time (or date) as wall-clock fields in UTC.
func parseWall(s string) (time.Time, error) {
	s = strings.TrimSuffix(strings.TrimSpace(s), "Z")
	if len(s) == 8 {
		return time.Parse("20060102", s)
	}
	return time.Parse("20060102T150405", s)
}
