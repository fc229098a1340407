package ical

import (
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"
)

// vzone is a VTIMEZONE read the way a calendar app reads it: the onsets of
// its observances, expanded from DTSTART, RRULE and UNTIL.
type vzone struct {
	onsets []vonset
}

type vonset struct {
	at       time.Time // instant
	from, to int       // offsets in seconds
}

// parseVTimezone expands a VTIMEZONE's observances up to end.
func parseVTimezone(t *testing.T, c *goical.Component, end time.Time) *vzone {
	t.Helper()
	z := &vzone{}
	for _, o := range c.Children {
		if o.Name != goical.CompTimezoneStandard && o.Name != goical.CompTimezoneDaylight {
			t.Fatalf("unexpected %s in VTIMEZONE", o.Name)
		}
		wall, err := time.Parse("20060102T150405", o.Props.Get(goical.PropDateTimeStart).Value)
		if err != nil {
			t.Fatalf("observance DTSTART: %v", err)
		}
		from := parseOffset(t, o.Props.Get(goical.PropTimezoneOffsetFrom).Value)
		to := parseOffset(t, o.Props.Get(goical.PropTimezoneOffsetTo).Value)
		walls := []time.Time{wall}
		if rp := o.Props.Get(goical.PropRecurrenceRule); rp != nil {
			opt, err := rrule.StrToROption(rp.Value)
			if err != nil {
				t.Fatalf("observance RRULE %q: %v", rp.Value, err)
			}
			// Onsets are local wall times; UNTIL is UTC. Compare like
			// with like by turning UNTIL into wall time.
			if !opt.Until.IsZero() {
				opt.Until = opt.Until.Add(time.Duration(from) * time.Second)
			}
			opt.Dtstart = wall
			r, err := rrule.NewRRule(*opt)
			if err != nil {
				t.Fatal(err)
			}
			walls = r.Between(wall, end, true)
			if len(walls) == 0 || !walls[0].Equal(wall) {
				t.Errorf("observance DTSTART %s is not an onset of its rule %s", wall, rp.Value)
			}
		}
		for _, w := range walls {
			z.onsets = append(z.onsets, vonset{at: w.Add(-time.Duration(from) * time.Second), from: from, to: to})
		}
	}
	sort.Slice(z.onsets, func(i, j int) bool { return z.onsets[i].at.Before(z.onsets[j].at) })
	return z
}

func parseOffset(t *testing.T, s string) int {
	t.Helper()
	if len(s) != 5 && len(s) != 7 || (s[0] != '+' && s[0] != '-') {
		t.Fatalf("bad UTC offset %q", s)
	}
	h, _ := strconv.Atoi(s[1:3])
	m, _ := strconv.Atoi(s[3:5])
	sec := 0
	if len(s) == 7 {
		sec, _ = strconv.Atoi(s[5:7])
	}
	n := h*3600 + m*60 + sec
	if s[0] == '-' {
		n = -n
	}
	return n
}

// offset is the UTC offset at instant at, and whether an onset covers it.
func (z *vzone) offset(at time.Time) (int, bool) {
	i := sort.Search(len(z.onsets), func(i int) bool { return z.onsets[i].at.After(at) })
	if i == 0 {
		return 0, false
	}
	return z.onsets[i-1].to, true
}

// instant resolves a local wall time (given as a UTC-located time) to an
// instant, as apps do for DTSTART;TZID: with an offset in force at the
// result, the earlier one when the wall time happens twice.
func (z *vzone) instant(wall time.Time) time.Time {
	var best time.Time
	for _, o := range z.onsets {
		cand := wall.Add(-time.Duration(o.to) * time.Second)
		if off, ok := z.offset(cand); ok && off == o.to && (best.IsZero() || cand.Before(best)) {
			best = cand
		}
	}
	return best
}

func TestVTimezoneAgreesWithGo(t *testing.T) {
	tests := []struct {
		zone     string
		from, to string // years the events span
		// what the VTIMEZONE must contain, on unfolded lines
		want []string
		// open: the rules continue past the scanned years (no UNTIL)
		open bool
	}{
		{"Europe/London", "2026-10-01", "2027-06-01", []string{"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"}, true},
		{"America/New_York", "2026-01-01", "2028-01-01", []string{"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU", "TZNAME:EDT"}, true},
		{"Australia/Sydney", "2026-01-01", "2027-01-01", []string{"RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU", "TZOFFSETTO:+1100"}, true},
		{"Pacific/Chatham", "2026-01-01", "2027-01-01", []string{"TZOFFSETTO:+1345", "TZOFFSETTO:+1245"}, true},
		{"Asia/Tokyo", "2026-01-01", "2027-01-01", []string{"TZOFFSETFROM:+0900", "TZOFFSETTO:+0900", "TZNAME:JST"}, false},
		{"Asia/Kolkata", "2026-01-01", "2027-01-01", []string{"TZOFFSETTO:+0530"}, false},
		// Brazil stopped DST in 2019: the rules end with an UNTIL.
		{"America/Sao_Paulo", "2017-06-01", "2021-01-01", []string{"TZOFFSETTO:-0200", "TZOFFSETTO:-0300"}, false},
		// The US moved its DST dates in 2007.
		{"America/Chicago", "2005-01-01", "2008-12-31", []string{"RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU;UNTIL=20060403T080000Z", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU"}, true},
		// Israel starts DST on the Friday before the last Sunday of March.
		{"Asia/Jerusalem", "2026-01-01", "2028-01-01", []string{"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=FR;BYMONTHDAY=23,24,25,26,27,28,29"}, true},
		// Morocco's offset changes around Ramadan, on no yearly rule.
		{"Africa/Casablanca", "2026-01-01", "2027-06-01", []string{"TZOFFSETTO:+0100", "TZOFFSETTO:+0000"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.zone, func(t *testing.T) {
			loc := mustZone(tt.zone)
			from, _ := time.ParseInLocation("2006-01-02", tt.from, loc)
			to, _ := time.ParseInLocation("2006-01-02", tt.to, loc)
			c := vtimezone(loc, from, to)

			cal := goical.NewCalendar()
			cal.Props.SetText(goical.PropProductID, ProdID)
			cal.Props.SetText(goical.PropVersion, "2.0")
			cal.Children = append(cal.Children, c)
			var b strings.Builder
			fw := newFoldingWriter(&b)
			if err := goical.NewEncoder(fw).Encode(cal); err != nil {
				t.Fatalf("go-ical refuses the VTIMEZONE: %v", err)
			}
			fw.Flush()
			lines := unfold(b.String())
			wantLines(t, lines, append([]string{"TZID:" + tt.zone}, tt.want...)...)
			hasOpenRule := false
			for _, l := range lines {
				if strings.HasPrefix(l, "RRULE:") && !strings.Contains(l, "UNTIL=") {
					hasOpenRule = true
				}
			}
			if hasOpenRule != tt.open {
				t.Errorf("open-ended rule: %v, want %v\n%s", hasOpenRule, tt.open, b.String())
			}

			// Every hour of the span, and a minute either side of every
			// change, the VTIMEZONE gives Go's offset.
			horizon := to.AddDate(1, 0, 0)
			if tt.open {
				horizon = to.AddDate(6, 0, 0) // series without an end rely on the open rule
			}
			z := parseVTimezone(t, decode(t, b.String()).Children[0], horizon.AddDate(1, 0, 0))
			check := func(at time.Time) {
				_, want := at.In(loc).Zone()
				got, ok := z.offset(at)
				if !ok || got != want {
					t.Fatalf("at %s: VTIMEZONE offset %s (covered %v), Go says %s\n%s", at.UTC(), utcOffset(got), ok, utcOffset(want), b.String())
				}
			}
			for at := from; at.Before(horizon); at = at.Add(time.Hour) {
				check(at)
			}
			for _, tr := range zoneTransitions(loc, from, horizon) {
				check(tr.at.Add(-time.Minute))
				check(tr.at)
				check(tr.at.Add(time.Minute))
			}
		})
	}
}
