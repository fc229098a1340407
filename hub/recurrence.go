package hub

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/teambition/rrule-go"
)

// recurrenceRule wraps an RFC 5545 rule from rrule-go, anchored at a local
// start time so that occurrences keep their wall-clock time across DST.
type recurrenceRule struct {
	r *rrule.RRule
}

// parseRule reads an RRULE value for a series starting at dtstart. An UNTIL
// written without a zone ("20270331T235959", as RepeatRule.RRule writes it)
// is local time in dtstart's zone, so "until 31 March" means the organiser's
// 31 March wherever the event is.
func parseRule(value string, dtstart time.Time) (*recurrenceRule, error) {
	opt, err := rrule.StrToROptionInLocation(value, dtstart.Location())
	if err != nil {
		return nil, err
	}
	opt.Dtstart = dtstart
	r, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil, err
	}
	return &recurrenceRule{r: r}, nil
}

// Iterator yields occurrence start times in order.
func (r *recurrenceRule) Iterator() rrule.Next { return r.r.Iterator() }

// bounded reports whether the rule has COUNT or UNTIL.
func (r *recurrenceRule) bounded() bool {
	o := r.r.OrigOptions
	return o.Count > 0 || !o.Until.IsZero()
}

// checkRule returns what is wrong with a recurrence value, or a Text
// without a Format.
func checkRule(value string, dtstart time.Time) Text {
	opt, err := rrule.StrToROption(value)
	if err != nil {
		return Text{Format: "This repeat rule could not be understood (%s). Use the simple repeat options, or a rule such as FREQ=WEEKLY;BYDAY=TU.", Args: []any{err.Error()}}
	}
	switch opt.Freq {
	case rrule.SECONDLY, rrule.MINUTELY, rrule.HOURLY:
		return Text{Format: "Events can repeat daily, weekly, monthly or yearly, not more often."}
	}
	if opt.Count > 5000 {
		return Text{Format: "A series can have at most 5000 occurrences."}
	}
	r, err := parseRule(value, dtstart)
	if err != nil {
		return Text{Format: "This repeat rule could not be understood (%s).", Args: []any{err.Error()}}
	}
	if first := r.r.After(dtstart.Add(-time.Second), true); first.IsZero() {
		return Text{Format: "This repeat rule never happens after the start date; check the end date or count."}
	}
	return Text{}
}

// Weekdays in RFC 5545 order, as used in BYDAY.
var Weekdays = []string{"MO", "TU", "WE", "TH", "FR", "SA", "SU"}

// RepeatRule is the simple form of a recurrence that organiser forms offer:
// every N days/weeks/months/years, on chosen weekdays, or on the Nth weekday
// of the month, until a date or for a number of times.
type RepeatRule struct {
	Frequency string   // "", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"
	Interval  int      // 1 = every, 2 = every other...
	Weekdays  []string // WEEKLY: MO..SU
	// MonthWeek for MONTHLY: 0 repeats on the same day of the month; 1-4 or
	// -1 (last) repeats on that week's weekday of the start date.
	MonthWeek int
	Until     string // YYYY-MM-DD in the event's zone, inclusive, or ""
	Count     int
}

// RRule returns the RRULE value for the simple rule, "" when it does not repeat.
// start is the event's local start, which gives the weekday for MonthWeek.
func (r RepeatRule) RRule(start time.Time) string {
	if r.Frequency == "" {
		return ""
	}
	parts := []string{"FREQ=" + r.Frequency}
	if r.Interval > 1 {
		parts = append(parts, "INTERVAL="+strconv.Itoa(r.Interval))
	}
	switch r.Frequency {
	case "WEEKLY":
		if len(r.Weekdays) > 0 {
			parts = append(parts, "BYDAY="+strings.Join(r.Weekdays, ","))
		}
	case "MONTHLY":
		if r.MonthWeek != 0 && !start.IsZero() {
			wd := Weekdays[(int(start.Weekday())+6)%7]
			parts = append(parts, "BYDAY="+strconv.Itoa(r.MonthWeek)+wd)
		}
	}
	if r.Count > 0 {
		parts = append(parts, "COUNT="+strconv.Itoa(r.Count))
	} else if r.Until != "" {
		if d, err := time.Parse("2006-01-02", r.Until); err == nil {
			// Inclusive of the whole last day in the event's own zone: a
			// local time without "Z", which parseRule reads in that zone.
			// (A UTC end of day would drop an evening occurrence in New
			// York and add a morning one in Tokyo.)
			parts = append(parts, "UNTIL="+d.Format("20060102")+"T235959")
		}
	}
	return strings.Join(parts, ";")
}

// ParseRepeatRule turns an RRULE value into the simple form. ok is false when
// the rule uses more than the simple form can show; forms then show the
// rule as text.
func ParseRepeatRule(value string) (r RepeatRule, ok bool) {
	value = strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(value)), "RRULE:")
	if value == "" {
		return RepeatRule{}, true
	}
	ok = true
	for _, part := range strings.Split(value, ";") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "FREQ":
			switch v {
			case "DAILY", "WEEKLY", "MONTHLY", "YEARLY":
				r.Frequency = v
			default:
				ok = false
			}
		case "INTERVAL":
			n, err := strconv.Atoi(v)
			if err != nil {
				ok = false
			}
			r.Interval = n
		case "COUNT":
			n, err := strconv.Atoi(v)
			if err != nil {
				ok = false
			}
			r.Count = n
		case "UNTIL":
			if len(v) < 8 {
				ok = false
				break
			}
			d, err := time.Parse("20060102", v[:8])
			if err != nil {
				ok = false
				break
			}
			r.Until = d.Format("2006-01-02")
		case "BYDAY":
			days := strings.Split(v, ",")
			for _, d := range days {
				if len(d) < 2 || !slices.Contains(Weekdays, d[len(d)-2:]) {
					ok = false
					continue
				}
				if len(d) > 2 {
					n, err := strconv.Atoi(d[:len(d)-2])
					if err != nil || len(days) > 1 || (n < -1 || n > 4 || n == 0) {
						ok = false
					}
					r.MonthWeek = n
				} else {
					r.Weekdays = append(r.Weekdays, d)
				}
			}
		case "WKST":
		default:
			ok = false
		}
	}
	if r.Frequency == "" || (r.Count > 0 && r.Until != "") {
		ok = false
	}
	if r.Frequency != "" && r.Interval < 1 {
		r.Interval = 1 // RFC 5545's default: every
	}
	if r.MonthWeek != 0 && r.Frequency != "MONTHLY" {
		ok = false
	}
	if len(r.Weekdays) > 0 && r.Frequency != "WEEKLY" {
		ok = false
	}
	return r, ok
}

// Words are what a description is written with: a front end's catalog
// in the reader's language (package locales' Words). EnglishWords are the
// messages as written.
type Words interface {
	T(msg string, args ...any) string
	N(one, other string, n int, args ...any) string
	Weekday(d time.Weekday) string
	Date(t time.Time) string
}

// EnglishWords are the messages of the domain as written, in English.
type EnglishWords struct{}

// T returns msg without its translators' context ("[month] May" is
// "May"), formatted with args.
func (EnglishWords) T(msg string, args ...any) string {
	msg = withoutContext(msg)
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// N returns one or other for n, formatted with n.
func (EnglishWords) N(one, other string, n int, args ...any) string {
	if len(args) == 0 {
		args = []any{n}
	}
	if n == 1 {
		return fmt.Sprintf(withoutContext(one), args...)
	}
	return fmt.Sprintf(withoutContext(other), args...)
}

// withoutContext drops a message's translators' context: "[month] May"
// is "May".
func withoutContext(msg string) string {
	if strings.HasPrefix(msg, "[") {
		if i := strings.Index(msg, "] "); i > 0 {
			return msg[i+2:]
		}
	}
	return msg
}

// Weekday is Go's English name of d.
func (EnglishWords) Weekday(d time.Weekday) string { return d.String() }

// Date is "2 January 2006".
func (EnglishWords) Date(t time.Time) string { return t.Format("2 January 2006") }

// Describe says in English how a repeat rule repeats: "Every week on
// Tuesday, until 1 June 2026".
func Describe(value string, start time.Time) string { return DescribeIn(EnglishWords{}, value, start) }

var weekdayOfCode = map[string]time.Weekday{"MO": time.Monday, "TU": time.Tuesday, "WE": time.Wednesday, "TH": time.Thursday, "FR": time.Friday, "SA": time.Saturday, "SU": time.Sunday}

// DescribeIn says how a repeat rule repeats, in w's language.
func DescribeIn(w Words, value string, start time.Time) string {
	if value == "" {
		return ""
	}
	r, ok := ParseRepeatRule(value)
	if !ok {
		return w.T("Repeats (%s)", value)
	}
	parts := []string{describeFrequency(w, r)}
	if len(r.Weekdays) > 0 {
		var ds []string
		for _, d := range r.Weekdays {
			ds = append(ds, w.Weekday(weekdayOfCode[d]))
		}
		parts = append(parts, w.T("[repeat rule: the days] on %s", joinAnd(w, ds)))
	} else if r.Frequency == "WEEKLY" && !start.IsZero() {
		parts = append(parts, w.T("[repeat rule: the days] on %s", w.Weekday(start.Weekday())))
	}
	if r.MonthWeek != 0 {
		// The weekday is the rule's own (BYDAY=2TU), which need not be the
		// start date's.
		day := w.Weekday(weekdayOfCode[monthWeekday(value)])
		switch r.MonthWeek {
		case 1:
			parts = append(parts, w.T("[repeat rule: a weekday] on the first %s", day))
		case 2:
			parts = append(parts, w.T("[repeat rule: a weekday] on the second %s", day))
		case 3:
			parts = append(parts, w.T("[repeat rule: a weekday] on the third %s", day))
		case 4:
			parts = append(parts, w.T("[repeat rule: a weekday] on the fourth %s", day))
		case -1:
			parts = append(parts, w.T("[repeat rule: a weekday] on the last %s", day))
		}
	}
	text := strings.Join(parts, " ")
	if r.Count == 1 {
		text = w.T("[repeat rule: how often] %s, once", text)
	} else if r.Count > 0 {
		text = w.N("[repeat rule: how often, count] %[1]s, %[2]d time", "[repeat rule: how often, count] %[1]s, %[2]d times", r.Count, text, r.Count)
	} else if r.Until != "" {
		if d, err := time.Parse("2006-01-02", r.Until); err == nil {
			text = w.T("[repeat rule: how often, last date] %s, until %s", text, w.Date(d))
		}
	}
	return text
}

// describeFrequency is the first words of a rule's description.
func describeFrequency(w Words, r RepeatRule) string {
	n := r.Interval
	switch r.Frequency {
	case "DAILY":
		if n <= 1 {
			return w.T("Every day")
		} else if n == 2 {
			return w.T("Every other day")
		}
		return w.N("Every %d day", "Every %d days", n)
	case "WEEKLY":
		if n <= 1 {
			return w.T("Every week")
		} else if n == 2 {
			return w.T("Every other week")
		}
		return w.N("Every %d week", "Every %d weeks", n)
	case "MONTHLY":
		if n <= 1 {
			return w.T("Every month")
		} else if n == 2 {
			return w.T("Every other month")
		}
		return w.N("Every %d month", "Every %d months", n)
	}
	if n <= 1 {
		return w.T("Every year")
	} else if n == 2 {
		return w.T("Every other year")
	}
	return w.N("Every %d year", "Every %d years", n)
}

// monthWeekday returns the weekday code of a BYDAY=2TU part, or "".
func monthWeekday(value string) string {
	value = strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(value)), "RRULE:")
	for _, part := range strings.Split(value, ";") {
		if v, ok := strings.CutPrefix(part, "BYDAY="); ok && len(v) > 2 {
			return v[len(v)-2:]
		}
	}
	return ""
}

func joinAnd(w Words, s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return w.T("[a list: the items but the last, the last] %s and %s", strings.Join(s[:len(s)-1], w.T("[between items of a list] , ")), s[len(s)-1])
}
