package locales

import (
	"fmt"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Words are the messages of one language: text, plurals, and dates and
// times written with the language's own names and patterns (never Go's
// English time.Format names). Its zero value is English.
type Words struct {
	c    *Catalog
	Lang string
}

// In returns the words of lang (English when c has no such catalog).
func (c *Catalog) In(lang string) Words {
	if c.langs[lang] == nil {
		lang = Source
	}
	return Words{c: c, Lang: lang}
}

// text returns the message id in w's language.
func (w Words) text(id string) string {
	if w.c == nil {
		_, s := Context(id)
		return s
	}
	return w.c.Message(w.Lang, id)
}

// T returns the message msg, formatted with args when there are any
// (without args msg is not a format, so a "%" in it stays as it is).
func (w Words) T(msg string, args ...any) string {
	s := w.text(msg)
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// N returns the plural message one/other in the form n takes, formatted
// with n (or with args, when given).
func (w Words) N(one, other string, n int, args ...any) string {
	var s string
	if w.c == nil {
		s = other
		if n == 1 {
			s = one
		}
	} else {
		s = w.c.Plural(w.Lang, one, other, n)
	}
	if len(args) == 0 {
		args = []any{n}
	}
	if n >= 1000 || n <= -1000 {
		// A plural message's number is a count: from 1,000 on it is
		// written with the language's digit grouping ("1,234" in English,
		// "1 234" in French, "1.234" in German and Spanish).
		return message.NewPrinter(language.Make(w.Lang)).Sprintf(s, args...)
	}
	return fmt.Sprintf(s, args...)
}

var months = [...]string{
	msg("[month] January"), msg("[month] February"), msg("[month] March"), msg("[month] April"), msg("[month] May"), msg("[month] June"),
	msg("[month] July"), msg("[month] August"), msg("[month] September"), msg("[month] October"), msg("[month] November"), msg("[month] December"),
}

var shortMonths = [...]string{
	msg("[short month] Jan"), msg("[short month] Feb"), msg("[short month] Mar"), msg("[short month] Apr"), msg("[short month] May"), msg("[short month] Jun"),
	msg("[short month] Jul"), msg("[short month] Aug"), msg("[short month] Sep"), msg("[short month] Oct"), msg("[short month] Nov"), msg("[short month] Dec"),
}

var weekdays = [...]string{
	msg("[weekday] Sunday"), msg("[weekday] Monday"), msg("[weekday] Tuesday"), msg("[weekday] Wednesday"),
	msg("[weekday] Thursday"), msg("[weekday] Friday"), msg("[weekday] Saturday"),
}

var shortWeekdays = [...]string{
	msg("[short weekday] Sun"), msg("[short weekday] Mon"), msg("[short weekday] Tue"), msg("[short weekday] Wed"),
	msg("[short weekday] Thu"), msg("[short weekday] Fri"), msg("[short weekday] Sat"),
}

// msg marks a message chosen before it is looked up, for the extractor
// (internal/i18n).
func msg(id string) string { return id }

// Month is the name of a month.
func (w Words) Month(m time.Month) string { return w.text(months[m-1]) }

// Weekday is the name of a day of the week.
func (w Words) Weekday(d time.Weekday) string { return w.text(weekdays[d]) }

// LongDate: "Monday 2 January 2006" in English.
func (w Words) LongDate(t time.Time) string {
	return fmt.Sprintf(w.text("[long date: weekday, day, month, year] %[1]s %[2]d %[3]s %[4]d"),
		w.Weekday(t.Weekday()), t.Day(), w.Month(t.Month()), t.Year())
}

// ShortDate: "Mon 2 Jan 2006" in English.
func (w Words) ShortDate(t time.Time) string {
	return fmt.Sprintf(w.text("[short date: weekday, day, month, year] %[1]s %[2]d %[3]s %[4]d"),
		w.text(shortWeekdays[t.Weekday()]), t.Day(), w.text(shortMonths[t.Month()-1]), t.Year())
}

// ShortDateNoYear: "Mon 2 Jan" in English.
func (w Words) ShortDateNoYear(t time.Time) string {
	return fmt.Sprintf(w.text("[short date without year: weekday, day, month] %[1]s %[2]d %[3]s"),
		w.text(shortWeekdays[t.Weekday()]), t.Day(), w.text(shortMonths[t.Month()-1]))
}

// Date: "2 January 2006" in English.
func (w Words) Date(t time.Time) string {
	return fmt.Sprintf(w.text("[date: day, month, year] %[1]d %[2]s %[3]d"), t.Day(), w.Month(t.Month()), t.Year())
}

// Clock is a time of day: "7pm", "10:30am" in English, where listings use
// a 12-hour clock; a language with a 24-hour clock writes its patterns
// with the first two arguments ("%02[1]d:%02[2]d").
func (w Words) Clock(t time.Time) string {
	h12 := t.Hour() % 12
	if h12 == 0 {
		h12 = 12
	}
	ampm := w.text("[before noon, after a 12-hour time] am")
	if t.Hour() >= 12 {
		ampm = w.text("[after noon, after a 12-hour time] pm")
	}
	if t.Minute() == 0 {
		return fmt.Sprintf(w.text("[time on the hour: 24-hour hour, minute, 12-hour hour, am or pm] %[3]d%[4]s"), t.Hour(), t.Minute(), h12, ampm)
	}
	return fmt.Sprintf(w.text("[time: 24-hour hour, minute, 12-hour hour, am or pm] %[3]d:%02[2]d%[4]s"), t.Hour(), t.Minute(), h12, ampm)
}

// When describes an occurrence's time span for a reader: "Monday 2
// January 2006, 7pm to 9pm" in English.
func (w Words) When(start, end time.Time, allDay bool) string {
	if allDay {
		last := end.AddDate(0, 0, -1)
		if !last.After(start) {
			return w.T("[one all-day date: long date] %s, all day", w.LongDate(start))
		}
		return w.T("[all-day dates: first short date, last short date] %s to %s, all day", w.ShortDateNoYear(start), w.ShortDate(last))
	}
	if start.Format("2006-01-02") == end.Format("2006-01-02") {
		return w.T("[times on one day: long date, start time, end time] %s, %s to %s", w.LongDate(start), w.Clock(start), w.Clock(end))
	}
	return w.T("[times over days: start date, start time, end date, end time] %s %s to %s %s",
		w.ShortDate(start), w.Clock(start), w.ShortDate(end), w.Clock(end))
}

// Zone says which time zone times are in: "times in Europe/London".
func (w Words) Zone(name string) string {
	return w.T("[time zone wording: zone name] times in %s", name)
}

// Clock24 is a time of day on a 24-hour clock, "19:00" in English, for
// summaries sent to other servers, whose readers are anywhere.
func (w Words) Clock24(t time.Time) string {
	return fmt.Sprintf(w.text("[24-hour time: hour, minute] %02[1]d:%02[2]d"), t.Hour(), t.Minute())
}
