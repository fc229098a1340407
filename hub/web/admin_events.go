package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/uris"
)

func (s *Server) eventAdminList(w http.ResponseWriter, r *http.Request) error {
	return adminSearchList(s, w, r, "admin/events", msg("Events"), func(ctx context.Context, q string, limit, offset int) ([]*hub.Event, int, error) {
		return s.svc.ListEvents(ctx, hub.EventFilter{Query: q, Limit: limit, Offset: offset})
	})
}

// withPlaces gives an editor the places to choose from.
func (s *Server) withPlaces(r *http.Request, fv *formView) error {
	places, err := s.svc.ListPlaces(r.Context())
	fv.Places = places
	return err
}

// eventItems is the event editor and delete pages.
func (s *Server) eventItems() *itemEditor[*hub.Event, eventForm] {
	return &itemEditor[*hub.Event, eventForm]{
		itemDeleter: itemDeleter[*hub.Event]{
			s: s, base: "/admin/" + hub.KindEvent.Path(), kind: hub.KindEvent.Info().Noun, deleted: msg("Event “%s” deleted."),
			find: byID(s.svc.Event), remove: s.svc.DeleteEvent, name: func(e *hub.Event) string { return e.Title },
			consequence: func(r *http.Request, e *hub.Event) string {
				if !e.Recurring() {
					return ""
				}
				return s.t(r, "Every date of this repeating event will be removed.")
			},
		},
		view: "admin/event_form", newTitle: msg("New event"), editTitle: msg("Edit event"),
		saved: msg("Event “%s” saved."), published: msg("Event “%s” published."),
		blank: func(r *http.Request) eventForm {
			if f, ok := s.suggestionForm(r); ok {
				return f
			}
			return newEventForm(s.svc.Now(), s.settings(r.Context()).TimeZone)
		},
		read: readEventForm, form: eventFormFrom, convert: eventForm.event,
		store: func(ctx context.Context, id int64, e *hub.Event, f eventForm) error {
			if e.ID = id; id == 0 && f.Suggestion != "" {
				return s.approveSuggestion(ctx, f.Suggestion, e)
			}
			if id == 0 {
				return s.svc.CreateEvent(ctx, e)
			}
			return s.svc.UpdateEvent(ctx, e)
		},
		preview: func(f eventForm) map[string]string { return map[string]string{"description": f.Description} },
		extend: func(r *http.Request, fv *formView) error {
			fv.Zones, fv.Weekdays = commonZones, hub.Weekdays
			return s.withPlaces(r, fv)
		},
		picture: hub.OwnerEvent, idOf: func(e *hub.Event) int64 { return e.ID },
		editing: func(e *hub.Event, fv *formView) {
			fv.ViewURL = uris.Item(hub.KindEvent, e.Slug)
			fv.Imported = e.SourceUID != "" && e.SourceFeedID != 0
		},
	}
}

// eventForm is the event editor.
type eventForm struct {
	Title, Description                       string
	StartDate, StartTime, EndDate, EndTime   string
	AllDay                                   bool
	TimeZone                                 string
	Repeat                                   string // "", DAILY, WEEKLY, MONTHLY, YEARLY, CUSTOM
	RepeatInterval                           string
	RepeatDays                               []string
	RepeatMonthWeek                          string
	RepeatEnd                                string // never, until, count
	RepeatUntil, RepeatCount                 string
	RRule                                    string // custom rule
	Exceptions                               string
	PlaceID                                  string // "", "new" or an ID
	PlaceName, PlaceStreet, PlaceLocality    string
	PlaceRegion, PlacePostcode, PlaceCountry string
	PlaceLat, PlaceLng                       string
	OnlineURL, Tags, Organiser               string
	Accessibility, BookingURL                string
	// Suggestion is the reader's suggestion being approved, if any
	// (admin_queue.go): saving publishes it.
	Suggestion string
}

func readEventForm(r *http.Request) eventForm {
	v := func(k string) string { return r.PostFormValue(k) }
	return eventForm{
		Title: v("title"), Description: v("description"),
		StartDate: v("start_date"), StartTime: v("start_time"), EndDate: v("end_date"), EndTime: v("end_time"),
		AllDay: v("all_day") != "", TimeZone: v("timezone"),
		Repeat: v("repeat"), RepeatInterval: v("repeat_interval"), RepeatDays: r.PostForm["repeat_days"],
		RepeatMonthWeek: v("repeat_month_week"), RepeatEnd: v("repeat_end"), RepeatUntil: v("repeat_until"),
		RepeatCount: v("repeat_count"), RRule: v("rrule"), Exceptions: v("exceptions"),
		PlaceID: v("place_id"), PlaceName: v("place_name"), PlaceStreet: v("place_street_address"),
		PlaceLocality: v("place_locality"), PlaceRegion: v("place_region"), PlacePostcode: v("place_postal_code"),
		PlaceCountry: v("place_country"), PlaceLat: v("place_latitude"), PlaceLng: v("place_longitude"),
		OnlineURL: v("online_url"), Tags: v("tags"), Organiser: v("organiser"),
		Accessibility: v("accessibility"), BookingURL: v("booking_url"), Suggestion: v("suggestion"),
	}
}

// newEventForm is a blank form: tomorrow 7pm to 9pm in the hub's zone.
func newEventForm(now time.Time, tz string) eventForm {
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc = time.UTC
	}
	d := now.In(loc).AddDate(0, 0, 1).Format("2006-01-02")
	return eventForm{StartDate: d, StartTime: "19:00", EndDate: d, EndTime: "21:00", TimeZone: tz, RepeatEnd: "never", RepeatInterval: "1"}
}

func eventFormFrom(e *hub.Event) eventForm {
	f := eventForm{
		Title: e.Title, Description: e.Description, AllDay: e.AllDay, TimeZone: e.TimeZone,
		OnlineURL: e.OnlineURL, Tags: strings.Join(e.Tags, ", "), Organiser: e.Organiser,
		Accessibility: e.Accessibility, BookingURL: e.BookingURL, Exceptions: strings.Join(e.Exceptions, "\n"),
		RepeatEnd: "never", RepeatInterval: "1",
	}
	loc := e.Location()
	start, end := e.Start.In(loc), e.End.In(loc)
	f.StartDate, f.StartTime = start.Format("2006-01-02"), start.Format("15:04")
	if e.AllDay {
		end = end.AddDate(0, 0, -1)
		f.StartTime, f.EndTime = "", ""
	} else {
		f.EndTime = end.Format("15:04")
	}
	f.EndDate = end.Format("2006-01-02")
	if e.Recurrence != "" {
		// The simple choices are shown only when they give back exactly the
		// stored rule; otherwise saving the form would change it.
		if rr, ok := hub.ParseRepeatRule(e.Recurrence); ok && rr.RRule(start) == e.Recurrence {
			f.Repeat = rr.Frequency
			if rr.Interval > 1 {
				f.RepeatInterval = strconv.Itoa(rr.Interval)
			}
			f.RepeatDays = rr.Weekdays
			if rr.MonthWeek != 0 {
				f.RepeatMonthWeek = strconv.Itoa(rr.MonthWeek)
			}
			switch {
			case rr.Count > 0:
				f.RepeatEnd, f.RepeatCount = "count", strconv.Itoa(rr.Count)
			case rr.Until != "":
				f.RepeatEnd, f.RepeatUntil = "until", rr.Until
			}
		} else {
			f.Repeat, f.RRule = "CUSTOM", e.Recurrence
		}
	}
	if e.PlaceID != 0 {
		f.PlaceID = strconv.FormatInt(e.PlaceID, 10)
	}
	return f
}

// event converts the form, collecting what cannot even be parsed in errs
// (in tr's language); the hub validates the rest.
func (f eventForm) event(tr translator, errs formErrors) *hub.Event {
	e := &hub.Event{
		Title: f.Title, Description: f.Description, AllDay: f.AllDay, TimeZone: strings.TrimSpace(f.TimeZone),
		OnlineURL: strings.TrimSpace(f.OnlineURL), Tags: splitList(f.Tags), Organiser: f.Organiser,
		Accessibility: f.Accessibility, BookingURL: strings.TrimSpace(f.BookingURL),
		Exceptions: splitList(strings.ReplaceAll(f.Exceptions, " ", "\n")),
	}
	loc, err := time.LoadLocation(e.TimeZone)
	if err != nil || e.TimeZone == "" {
		loc = time.UTC // hub validation reports the zone itself
	}
	e.Start, e.End = f.times(loc, tr, errs)
	e.Recurrence = f.recurrence(e.Start, tr, errs)
	e.PlaceID, e.Place = f.place(tr, errs)
	return e
}

// timeMessages are what the form says of a date and time it cannot read.
type timeMessages struct{ noDate, noTime, unreadable string }

var (
	startMessages = timeMessages{msg("Enter the start date."), msg("Enter the start time, or tick “All day”."),
		msg("Enter the start as a date like 2026-12-01 and a time like 19:30.")}
	endMessages = timeMessages{msg("Enter the end date."), msg("Enter the end time, or tick “All day”."),
		msg("Enter the end as a date like 2026-12-01 and a time like 19:30.")}
)

// parseTime reads one date and time of the form in loc; the zero time
// when it cannot, with the reason in errs[field].
func (f eventForm) parseTime(field, date, clock string, m timeMessages, loc *time.Location, tr translator, errs formErrors) time.Time {
	date, clock = strings.TrimSpace(date), strings.TrimSpace(clock)
	if date == "" {
		errs[field] = tr.T(m.noDate)
		return time.Time{}
	}
	if f.AllDay || clock == "" {
		if !f.AllDay && clock == "" {
			errs[field] = tr.T(m.noTime)
		}
		clock = "00:00"
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", date+" "+clock, loc)
	if err != nil {
		errs[field] = tr.T(m.unreadable)
		return time.Time{}
	}
	return t
}

// times reads when the event starts and ends; an all-day event ends on
// the day after the last day the form shows.
func (f eventForm) times(loc *time.Location, tr translator, errs formErrors) (start, end time.Time) {
	start = f.parseTime("start", f.StartDate, f.StartTime, startMessages, loc, tr, errs)
	endDate := f.EndDate
	if strings.TrimSpace(endDate) == "" && strings.TrimSpace(f.EndTime) != "" {
		endDate = f.StartDate // an end time alone means the same day
	}
	switch {
	case strings.TrimSpace(endDate) == "" && !f.AllDay:
		errs["end"] = tr.T("Enter when the event ends.")
	case strings.TrimSpace(endDate) == "" && f.AllDay:
		end = start.AddDate(0, 0, 1)
	default:
		end = f.parseTime("end", endDate, f.EndTime, endMessages, loc, tr, errs)
		if f.AllDay && !end.IsZero() {
			end = end.AddDate(0, 0, 1) // the form shows the last day; the hub keeps the day after
		}
	}
	return start, end
}

// recurrence is the RRULE of the repeat choices, or the custom rule.
func (f eventForm) recurrence(start time.Time, tr translator, errs formErrors) string {
	switch f.Repeat {
	case "":
		return ""
	case "CUSTOM":
		rule := strings.TrimPrefix(strings.TrimSpace(f.RRule), "RRULE:")
		if rule == "" {
			errs["recurrence"] = tr.T("Enter a repeat rule, or choose how often the event repeats.")
		}
		return rule
	case "DAILY", "WEEKLY", "MONTHLY", "YEARLY":
		return f.repeatRule(tr, errs).RRule(start)
	default:
		errs["recurrence"] = tr.T("Choose how often the event repeats.")
		return ""
	}
}

// repeatRule reads the simple repeat choices.
func (f eventForm) repeatRule(tr translator, errs formErrors) hub.RepeatRule {
	rr := hub.RepeatRule{Frequency: f.Repeat, Interval: 1}
	if v := strings.TrimSpace(f.RepeatInterval); v != "" && v != "1" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 99 {
			errs["repeat_interval"] = tr.T("Enter a whole number from 1 to 99.")
		}
		rr.Interval = n
	}
	if f.Repeat == "WEEKLY" {
		for _, d := range f.RepeatDays {
			for _, w := range hub.Weekdays {
				if d == w {
					rr.Weekdays = append(rr.Weekdays, d)
				}
			}
		}
	}
	if f.Repeat == "MONTHLY" && f.RepeatMonthWeek != "" {
		n, err := strconv.Atoi(f.RepeatMonthWeek)
		if err != nil || n < -1 || n > 4 {
			errs["repeat_month_week"] = tr.T("Choose which week of the month.")
		}
		rr.MonthWeek = n
	}
	switch f.RepeatEnd {
	case "until":
		if _, err := time.Parse("2006-01-02", strings.TrimSpace(f.RepeatUntil)); err != nil {
			errs["repeat_until"] = tr.T("Enter the last date as year-month-day, for example 2027-06-30.")
		}
		rr.Until = strings.TrimSpace(f.RepeatUntil)
	case "count":
		n, err := strconv.Atoi(strings.TrimSpace(f.RepeatCount))
		if err != nil || n < 1 || n > 5000 {
			errs["repeat_count"] = tr.T("Enter how many times, from 1 to 5000.")
		}
		rr.Count = n
	}
	return rr
}

// place is the chosen place's ID, or the new place typed in the form.
func (f eventForm) place(tr translator, errs formErrors) (int64, *hub.Place) {
	switch f.PlaceID {
	case "":
		return 0, nil
	case "new":
		p := &hub.Place{
			Name: f.PlaceName, StreetAddress: f.PlaceStreet, Locality: f.PlaceLocality,
			Region: f.PlaceRegion, PostalCode: f.PlacePostcode, Country: f.PlaceCountry,
		}
		p.Latitude, p.Longitude = parseCoordinates(f.PlaceLat, f.PlaceLng, "place_latitude", "place_longitude", tr, errs)
		if strings.TrimSpace(p.Name) == "" {
			errs["place_name"] = tr.T("Give the new place a name, or choose an existing place.")
		}
		return 0, p
	default:
		return placeIDField(f.PlaceID, tr, errs), nil
	}
}
