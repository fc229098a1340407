package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/apijson"
)

// Layouts accepted for event times, in the event's time zone.
var (
	dateTimeLayouts = []string{"2006-01-02 15:04", "2006-01-02T15:04"}
	dateLayout      = "2006-01-02"
)

const eventTimeHelp = `Times are local to the event's time zone (--tz, default the hub's), written
"2026-12-01 19:00" or "2026-12-01T19:00". For --all-day events write dates
only: --start is the first day and --end the LAST day, inclusive, so
--start 2026-12-01 --end 2026-12-02 is a two-day event; without --end it
lasts one day.

--repeat takes an RFC 5545 rule, for example FREQ=WEEKLY;BYDAY=TU (every
Tuesday) or FREQ=MONTHLY;BYDAY=1TH (first Thursday of each month), and
--except lists dates to skip, e.g. 2026-12-22,2026-12-29.`

// events are what happens where and when, once or repeating.
var events = &resource[hub.Event, *eventFlags]{
	noun: "event", listCmd: "event list",
	bySlug:       (*hub.Service).EventBySlug,
	newFlags:     func() *eventFlags { return &eventFlags{} },
	flagsNeedHub: true,
	create:       (*hub.Service).CreateEvent,
	update:       (*hub.Service).UpdateEvent,
	id:           func(ev *hub.Event) int64 { return ev.ID },
	remove:       (*hub.Service).DeleteEvent,
	show:         showEvent,
	json:         func(enc apijson.Encoder, ev *hub.Event) any { return enc.Event(ev) },
	saved: func(verb string, ev *hub.Event) string {
		return fmt.Sprintf("%s event %q (%s): %s.", verb, ev.Title, ev.Slug, formatEventTime(ev))
	},
	label:   func(ev *hub.Event) (string, string) { return ev.Title, ev.Slug },
	picture: hub.OwnerEvent,
}

func eventCommand() *command {
	return group("event", "List, show, add, edit, delete, cancel and postpone events", append([]*command{
		eventListCommand(),
		events.showCommand("Show an event and its next dates"),
		events.addCommand("Add an event", eventTimeHelp),
		events.editCommand("Change an event; only the flags given change", eventTimeHelp+`

Give a flag an empty value to clear it (--repeat "" makes the event a
one-off, --place-slug "" removes its place). Moving --start without --end
keeps the event's length. Changing --tz alone keeps the local times.`),
		events.deleteCommand("Delete an event"),
	}, eventStatusCommands()...)...,
	)
}

// eventFlags are the fields of an event that add and edit accept.
type eventFlags struct {
	title, start, end, tz         string
	allDay                        bool
	repeat, except                string
	placeSlug, placeName, address string
	locality, postcode            string
	onlineURL, bookingURL         string
	tags, organiser, access       string
	description                   textFlag
}

func (f *eventFlags) register(fs *flag.FlagSet, _ bool) {
	fs.StringVar(&f.title, "title", "", "the event's `title`")
	fs.StringVar(&f.start, "start", "", "`when` it starts: \"2026-12-01 19:00\", or a date for --all-day")
	fs.StringVar(&f.end, "end", "", "`when` it ends; for --all-day the last day, inclusive")
	fs.StringVar(&f.tz, "tz", "", "IANA time `zone` such as Europe/London (default the hub's)")
	fs.BoolVar(&f.allDay, "all-day", false, "an all-day event: --start and --end are dates")
	fs.StringVar(&f.repeat, "repeat", "", "recurrence `rule`, e.g. FREQ=WEEKLY;BYDAY=TU")
	fs.StringVar(&f.except, "except", "", "comma-separated `dates` (YYYY-MM-DD) on which a repeating event does not happen")
	fs.StringVar(&f.placeSlug, "place-slug", "", "an existing place, by `slug` (see 'commonplace place list')")
	fs.StringVar(&f.placeName, "place-name", "", "a new place's `name` (an existing place with this name is reused)")
	fs.StringVar(&f.address, "address", "", "street `address` of the new place given by --place-name")
	fs.StringVar(&f.locality, "locality", "", "town or `city` of the new place")
	fs.StringVar(&f.postcode, "postcode", "", "`postcode` of the new place")
	fs.StringVar(&f.onlineURL, "online-url", "", "`URL` to join online")
	fs.StringVar(&f.bookingURL, "booking-url", "", "`URL` for tickets or booking")
	fs.StringVar(&f.tags, "tags", "", "comma-separated `topics`, e.g. food,volunteering")
	fs.StringVar(&f.organiser, "organiser", "", "`name` of the organiser or partner organisation")
	fs.StringVar(&f.access, "accessibility", "", "accessibility `notes`: step-free access, hearing loop...")
	f.description.register(fs, "description", "description `text` (Markdown)", "read the description from a `file` (- for standard input)")
}

// apply copies the flags given on the command line onto ev. For a new
// event every given flag applies; for an edit only given ones change.
func (f *eventFlags) apply(ctx context.Context, e *env, svc *hub.Service, ev *hub.Event, isNew bool) error {
	bad := map[string]string{}
	old := *ev

	given(e, "title", &ev.Title, f.title)
	given(e, "all-day", &ev.AllDay, f.allDay)
	switch {
	case e.isSet("tz"):
		ev.TimeZone = strings.TrimSpace(f.tz)
	case isNew:
		st, err := svc.Settings(ctx)
		if err != nil {
			return err
		}
		ev.TimeZone = st.TimeZone
	}
	loc, err := time.LoadLocation(ev.TimeZone)
	if err != nil || ev.TimeZone == "" {
		// Validate reports the zone; parse times in UTC meanwhile.
		loc = time.UTC
	}
	if !isNew && e.isSet("tz") && !old.Start.IsZero() {
		// Keep the local wall-clock times in the new zone.
		ev.Start = sameWallClock(old.Start.In(old.Location()), loc)
		ev.End = sameWallClock(old.End.In(old.Location()), loc)
	}
	if e.isSet("start") {
		t, msg := parseWhen(f.start, loc, ev.AllDay)
		if msg != "" {
			bad["start"] = msg
		} else {
			ev.Start = t
			if !isNew && !e.isSet("end") && !old.Start.IsZero() && old.AllDay == ev.AllDay {
				// Moving an event keeps its length.
				if ev.AllDay {
					ev.End = t.AddDate(0, 0, civilDays(old.Start.In(old.Location()), old.End.In(old.Location())))
				} else {
					ev.End = t.Add(old.End.Sub(old.Start))
				}
			}
		}
	}
	if e.isSet("end") {
		switch t, msg := parseWhen(f.end, loc, ev.AllDay); {
		case msg != "":
			bad["end"] = msg
		case strings.TrimSpace(f.end) == "":
			ev.End = time.Time{}
		case ev.AllDay:
			// --end names the last day; events store the exclusive end.
			if !ev.Start.IsZero() && t.Before(startOfDay(ev.Start.In(loc))) {
				bad["end"] = "The last day must be on or after the first day."
			}
			ev.End = t.AddDate(0, 0, 1)
		default:
			ev.End = t
		}
	}
	given(e, "repeat", &ev.Recurrence, f.repeat)
	given(e, "except", &ev.Exceptions, splitList(f.except))
	if err := f.applyPlace(ctx, e, svc, ev, bad); err != nil {
		return err
	}
	given(e, "online-url", &ev.OnlineURL, f.onlineURL)
	given(e, "booking-url", &ev.BookingURL, f.bookingURL)
	given(e, "tags", &ev.Tags, splitList(f.tags))
	given(e, "organiser", &ev.Organiser, f.organiser)
	given(e, "accessibility", &ev.Accessibility, f.access)
	if err := f.description.apply(e, &ev.Description); err != nil {
		return err
	}
	return withValidation(bad, "event", func() error { cp := *ev; return cp.Validate() })
}

func (f *eventFlags) applyPlace(ctx context.Context, e *env, svc *hub.Service, ev *hub.Event, bad map[string]string) error {
	newPlace := e.isSet("place-name")
	if !newPlace && (e.isSet("address") || e.isSet("locality") || e.isSet("postcode")) {
		return usagef("--address, --locality and --postcode describe a new place: give --place-name too")
	}
	switch {
	case newPlace && e.isSet("place-slug"):
		return usagef("give --place-slug or --place-name, not both")
	case e.isSet("place-slug"):
		slug := strings.TrimSpace(f.placeSlug)
		if slug == "" {
			ev.PlaceID, ev.Place = 0, nil
			return nil
		}
		p, err := svc.PlaceBySlug(ctx, slug)
		if hub.ErrorCode(err) == hub.ENOTFOUND {
			bad["place_slug"] = fmt.Sprintf("There is no place %q. List places with 'commonplace place list', or give --place-name to add one.", slug)
			return nil
		} else if err != nil {
			return err
		}
		ev.PlaceID, ev.Place = p.ID, p
	case newPlace:
		name := strings.TrimSpace(f.placeName)
		if !e.isSet("address") && !e.isSet("locality") && !e.isSet("postcode") {
			if p, err := svc.PlaceBySlug(ctx, hub.Slugify(name)); err == nil && strings.EqualFold(p.Name, name) {
				ev.PlaceID, ev.Place = p.ID, p
				return nil
			}
		}
		ev.PlaceID = 0
		ev.Place = &hub.Place{Name: name, StreetAddress: f.address, Locality: f.locality, PostalCode: f.postcode}
	}
	return nil
}

// withValidation merges problems found while parsing flags with the
// domain's own validation, so one run reports every faulty field.
func withValidation(bad map[string]string, what string, validate func() error) error {
	if len(bad) == 0 {
		return nil
	}
	for k, v := range hub.ErrorFields(validate()) {
		if _, ok := bad[k]; !ok {
			bad[k] = v
		}
	}
	msg := "Please correct the highlighted field"
	if len(bad) > 1 {
		msg += "s"
	}
	return &hub.Error{Code: hub.EINVALID, Message: msg + " and save the " + what + " again.", Fields: bad}
}

// parseWhen parses a local time (or, for all-day events, a date) in loc.
// It returns the zero time for an empty value, or a message for the user.
func parseWhen(value string, loc *time.Location, allDay bool) (time.Time, string) {
	value = strings.TrimSpace(value)
	if value == "" {
		return time.Time{}, ""
	}
	if allDay {
		if len(value) > len(dateLayout) {
			value = value[:len(dateLayout)] // a time given for an all-day event is ignored
		}
		t, err := time.ParseInLocation(dateLayout, value, loc)
		if err != nil {
			return time.Time{}, fmt.Sprintf("Write the date as YYYY-MM-DD, for example 2026-12-01 (found %q).", value)
		}
		return t, ""
	}
	for _, layout := range dateTimeLayouts {
		if t, err := time.ParseInLocation(layout, value, loc); err == nil {
			return t, ""
		}
	}
	if _, err := time.ParseInLocation(dateLayout, value, loc); err == nil {
		return time.Time{}, fmt.Sprintf("Give a time as well, for example \"%s 19:00\", or use --all-day.", value)
	}
	return time.Time{}, fmt.Sprintf("Write the time as YYYY-MM-DD HH:MM, for example \"2026-12-01 19:00\" (found %q).", value)
}

// sameWallClock returns the time with t's date and clock reading in loc.
func sameWallClock(t time.Time, loc *time.Location) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), 0, loc)
}

func startOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// civilDays counts calendar days from a to b in a's zone.
func civilDays(a, b time.Time) int {
	ay, am, ad := a.Date()
	by, bm, bd := b.In(a.Location()).Date()
	return int(time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC).Sub(time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC)).Hours() / 24)
}

func eventListCommand() *command {
	return &command{
		name:     "list",
		summary:  "List events, or with --occurrences each date they happen",
		json:     true,
		readOnly: true,
		help: `--from and --to are dates in the hub's time zone; --to is inclusive. With
--occurrences, repeating events are expanded into their dates, from today
for three months unless --from and --to say otherwise.`,
		setup: func(fs *flag.FlagSet, e *env) runFunc {
			var lf eventListFlags
			lf.register(fs)
			return e.withHub(func(ctx context.Context, svc *hub.Service, args []string) error {
				f, loc, err := lf.filter(ctx, svc)
				if err != nil {
					return err
				}
				if lf.occurrences {
					return e.listOccurrences(ctx, svc, f, loc)
				}
				list, total, err := svc.ListEvents(ctx, f)
				if err != nil {
					return err
				}
				now := time.Now()
				return printList(ctx, e, list, listing[*hub.Event]{
					empty:  "No events found.",
					header: "SLUG\tNEXT\tREPEATS\tPLACE\tTITLE",
					row: func(w io.Writer, ev *hub.Event) {
						next := "ended " + lastDay(ev).Format("2 Jan 2006")
						if occ := ev.NextOccurrences(now, 1); len(occ) > 0 {
							next = formatStart(occ[0].Start, ev.AllDay)
						}
						fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", ev.Slug, next,
							orDash(hub.Describe(ev.Recurrence, ev.Start.In(ev.Location()))), orDash(placeName(ev.Place)), ev.Title)
					},
					page: lf.page(total),
					json: func(enc apijson.Encoder, ev *hub.Event) any { return enc.Event(ev) },
				})
			})
		},
	}
}

// eventListFlags are event list's filters.
type eventListFlags struct {
	listFlags
	from, to    string
	occurrences bool
}

func (lf *eventListFlags) register(fs *flag.FlagSet) {
	lf.listFlags.register(fs, "events", true)
	fs.StringVar(&lf.from, "from", "", "only events happening on or after this `date` (YYYY-MM-DD)")
	fs.StringVar(&lf.to, "to", "", "only events happening on or before this `date` (YYYY-MM-DD)")
	fs.BoolVar(&lf.occurrences, "occurrences", false, "list each date events happen, repeating ones expanded")
}

// filter turns the flags into a filter, with dates in the hub's zone.
func (lf *eventListFlags) filter(ctx context.Context, svc *hub.Service) (hub.EventFilter, *time.Location, error) {
	var f hub.EventFilter
	st, err := svc.Settings(ctx)
	if err != nil {
		return f, nil, err
	}
	loc, err := time.LoadLocation(st.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	bad := map[string]string{}
	if lf.from != "" {
		if f.From, err = time.ParseInLocation(dateLayout, lf.from, loc); err != nil {
			bad["from"] = "Write the date as YYYY-MM-DD."
		}
	}
	if lf.to != "" {
		t, err := time.ParseInLocation(dateLayout, lf.to, loc)
		if err != nil {
			bad["to"] = "Write the date as YYYY-MM-DD."
		}
		f.To = t.AddDate(0, 0, 1)
	}
	if len(bad) > 0 {
		return f, nil, &hub.Error{Code: hub.EINVALID, Message: "Please correct the dates.", Fields: bad}
	}
	if f.PlaceID, err = lf.placeID(ctx, svc); err != nil {
		return f, nil, err
	}
	f.Tag, f.Query, f.Limit, f.Offset = lf.tag, lf.query, lf.limit, lf.offset
	return f, loc, nil
}

func (e *env) listOccurrences(ctx context.Context, svc *hub.Service, f hub.EventFilter, loc *time.Location) error {
	of := hub.OccurrenceFilter{From: f.From, To: f.To, Tag: f.Tag, PlaceID: f.PlaceID, Limit: f.Limit}
	if of.From.IsZero() {
		of.From = startOfDay(time.Now().In(loc))
	}
	if of.To.IsZero() {
		of.To = of.From.AddDate(0, 3, 0)
	}
	occs, err := svc.Occurrences(ctx, of)
	if err != nil {
		return err
	}
	return printList(ctx, e, occs, listing[hub.Occurrence]{
		empty:  fmt.Sprintf("No events between %s and %s.", of.From.Format("2 Jan 2006"), of.To.AddDate(0, 0, -1).Format("2 Jan 2006")),
		header: "WHEN\tSLUG\tPLACE\tTITLE",
		row: func(w io.Writer, o hub.Occurrence) {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", formatStart(o.Start, o.Event.AllDay), o.Event.Slug, orDash(placeName(o.Event.Place)), o.Event.Title)
		},
		json: func(enc apijson.Encoder, o hub.Occurrence) any { return enc.Occurrence(o) },
	})
}

// showEvent prints an event with its next dates.
func showEvent(_ context.Context, e *env, _ *hub.Service, ev *hub.Event) error {
	loc := ev.Location()
	d := details{}
	d.add("slug", ev.Slug)
	if ev.Recurring() {
		d.add("first", formatEventTime(ev))
	} else {
		d.add("when", formatEventTime(ev))
	}
	d.add("repeats", hub.Describe(ev.Recurrence, ev.Start.In(loc)))
	for _, m := range ev.Statuses {
		what := string(m.Status)
		if m.Date != "" {
			what += " on " + m.Date
		}
		if !m.MovedTo.IsZero() {
			what += " to " + m.MovedTo.Format("Mon 2 Jan 2006 15:04")
		}
		d.add("status", joinNonEmpty(": ", what, m.Reason))
	}
	if ev.Recurring() {
		d.add("rule", ev.Recurrence)
		d.add("except", strings.Join(ev.Exceptions, ", "))
		var next []string
		for _, o := range ev.NextOccurrences(time.Now(), 5) {
			n := formatStart(o.Start, ev.AllDay)
			if o.Status.Marked() {
				n += " (" + string(o.Status) + ")"
			}
			next = append(next, n)
		}
		d.add("next", strings.Join(next, "; "))
	}
	if ev.Place != nil {
		d.add("place", joinNonEmpty(", ", ev.Place.Name, ev.Place.Address())+" ("+ev.Place.Slug+")")
	}
	d.add("online", ev.OnlineURL)
	d.add("booking", ev.BookingURL)
	d.add("organiser", ev.Organiser)
	d.add("accessibility", ev.Accessibility)
	d.add("topics", strings.Join(ev.Tags, ", "))
	d.add("updated", formatDate(ev.UpdatedAt))
	e.printDetails(ev.Title, d, ev.Description)
	return nil
}

// formatEventTime describes an event's first occurrence in its zone.
func formatEventTime(ev *hub.Event) string {
	loc := ev.Location()
	start, end := ev.Start.In(loc), ev.End.In(loc)
	if ev.AllDay {
		last := end.AddDate(0, 0, -1)
		if !last.After(start) {
			return start.Format("Mon 2 Jan 2006") + ", all day"
		}
		return start.Format("Mon 2 Jan 2006") + " to " + last.Format("Mon 2 Jan 2006") + ", all day"
	}
	s := start.Format("Mon 2 Jan 2006 15:04") + "–"
	if y, m, d := start.Date(); end.Year() == y && end.Month() == m && end.Day() == d {
		s += end.Format("15:04")
	} else {
		s += end.Format("Mon 2 Jan 2006 15:04")
	}
	return s + " (" + ev.TimeZone + ")"
}

// lastDay is the local date on which an event's last occurrence ends, or
// its first occurrence for an endless series.
func lastDay(ev *hub.Event) time.Time {
	end := ev.End
	if ev.SeriesEnd != nil {
		end = *ev.SeriesEnd
	}
	end = end.In(ev.Location())
	if ev.AllDay {
		end = end.AddDate(0, 0, -1) // the end is exclusive midnight
	}
	return end
}

func formatStart(t time.Time, allDay bool) string {
	if allDay {
		return t.Format("Mon 2 Jan 2006") + " all day"
	}
	return t.Format("Mon 2 Jan 2006 15:04")
}

func placeName(p *hub.Place) string {
	if p == nil {
		return ""
	}
	return p.Name
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// printTotal says how many more there are beyond a page of results.
func printTotal(e *env, shown, total, offset int, plural string) {
	if total > shown {
		e.printf("\nShowing %d–%d of %d %s; use --offset and --limit for more.\n", offset+1, offset+shown, total, plural)
	}
}

// details is a list of labelled values printed as aligned lines.
type details [][2]string

func (d *details) add(label, value string) {
	if value != "" {
		*d = append(*d, [2]string{label, value})
	}
}

// printDetails prints a heading, aligned labelled values and a body.
func (e *env) printDetails(heading string, d details, body string) {
	e.printf("%s\n%s\n", heading, strings.Repeat("=", min(len([]rune(heading)), 72)))
	tw := tabwriter.NewWriter(e.io.stdout, 0, 0, 2, ' ', 0)
	for _, kv := range d {
		fmt.Fprintf(tw, "%s:\t%s\n", kv[0], kv[1])
	}
	tw.Flush()
	if body = strings.TrimSpace(body); body != "" {
		e.printf("\n%s\n", body)
	}
}
