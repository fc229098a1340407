package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

func (s *Server) eventAdminList(w http.ResponseWriter, r *http.Request) error {
	page, err := pageNumber(r)
	if err != nil {
		return err
	}
	q := r.URL.Query().Get("q")
	events, total, err := s.svc.ListEvents(r.Context(), hub.EventFilter{Query: q, Limit: listPageSize, Offset: (page - 1) * listPageSize})
	if err != nil {
		return err
	}
	p := s.page(r, s.t(r, "Events"), struct {
		Events []*hub.Event
		Query  string
		Pager  pager
	}{events, q, newPager(page, total)})
	p.Section = "admin"
	return s.views.render(w, http.StatusOK, "admin/events", p)
}

func (s *Server) eventFormView(r *http.Request, f eventForm, id int64) (formView, error) {
	places, err := s.svc.ListPlaces(r.Context())
	if err != nil {
		return formView{}, err
	}
	fv := formView{Form: f, ID: id, Places: places, Zones: commonZones, Weekdays: hub.Weekdays, Action: "/admin/events/new"}
	if id != 0 {
		fv.Action = "/admin/events/" + strconv.FormatInt(id, 10) + "/edit"
	}
	return fv, nil
}

func (s *Server) eventNew(w http.ResponseWriter, r *http.Request) error {
	st := s.settings(r.Context())
	fv, err := s.eventFormView(r, newEventForm(s.svc.Now(), st.TimeZone), 0)
	if err != nil {
		return err
	}
	return s.renderForm(w, r, http.StatusOK, "admin/event_form", "New event", fv)
}

func (s *Server) eventCreate(w http.ResponseWriter, r *http.Request) error {
	return s.eventSave(w, r, 0)
}

func (s *Server) eventEdit(w http.ResponseWriter, r *http.Request) error {
	id, e, err := itemByID(r, s.svc.Event)
	if err != nil {
		return err
	}
	fv, err := s.eventFormView(r, eventFormFrom(e), id)
	if err != nil {
		return err
	}
	fv.ViewURL = "/events/" + e.Slug
	fv.Imported = e.SourceUID != "" && e.SourceFeedID != 0
	return s.renderForm(w, r, http.StatusOK, "admin/event_form", "Edit event", fv)
}

func (s *Server) eventUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	return s.eventSave(w, r, id)
}

// eventSave creates (id 0) or updates an event from the posted form.
func (s *Server) eventSave(w http.ResponseWriter, r *http.Request, id int64) error {
	f := readEventForm(r)
	title := "New event"
	if id != 0 {
		title = "Edit event"
	}
	fv, err := s.eventFormView(r, f, id)
	if err != nil {
		return err
	}
	if isPreview(r) {
		fv.Preview = map[string]template.HTML{"description": s.md.render(f.Description)}
		return s.renderForm(w, r, http.StatusOK, "admin/event_form", title, fv)
	}
	fv.Errors = formErrors{}
	e := f.event(fv.Errors)
	if len(fv.Errors) > 0 {
		// Report the hub's checks too, so every problem shows at once.
		if err := e.Validate(); err != nil {
			fv.Errors.merge(err)
		}
		return s.renderForm(w, r, http.StatusUnprocessableEntity, "admin/event_form", title, fv)
	}
	e.ID = id
	if id == 0 {
		err = s.svc.CreateEvent(r.Context(), e)
	} else {
		err = s.svc.UpdateEvent(r.Context(), e)
	}
	if err != nil {
		return s.failedForm(w, r, err, "admin/event_form", title, fv)
	}
	msg := s.t(r, "Event “%s” published.", e.Title)
	if id != 0 {
		msg = s.t(r, "Event “%s” saved.", e.Title)
	}
	s.redirectWithFlash(w, r, "/admin/events", msg)
	return nil
}

func (s *Server) eventDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	_, e, err := itemByID(r, s.svc.Event)
	if err != nil {
		return err
	}
	d := deleteView{Kind: "event", Name: e.Title, Action: r.URL.Path, Back: "/admin/events"}
	if e.Recurring() {
		d.Consequence = "Every date of this repeating event will be removed."
	}
	return s.confirmDelete(w, r, d)
}

func (s *Server) eventDelete(w http.ResponseWriter, r *http.Request) error {
	id, e, err := itemByID(r, s.svc.Event)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteEvent(r.Context(), id); err != nil {
		return err
	}
	s.redirectWithFlash(w, r, "/admin/events", s.t(r, "Event “%s” deleted.", e.Title))
	return nil
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
		Accessibility: v("accessibility"), BookingURL: v("booking_url"),
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

// event converts the form, collecting what cannot even be parsed in errs;
// the hub validates the rest.
func (f eventForm) event(errs formErrors) *hub.Event {
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
	parse := func(field, date, clock, label string) time.Time {
		date, clock = strings.TrimSpace(date), strings.TrimSpace(clock)
		if date == "" {
			errs[field] = "Enter the " + label + " date."
			return time.Time{}
		}
		if f.AllDay || clock == "" {
			if !f.AllDay && clock == "" {
				errs[field] = "Enter the " + label + " time, or tick “All day”."
			}
			clock = "00:00"
		}
		t, err := time.ParseInLocation("2006-01-02 15:04", date+" "+clock, loc)
		if err != nil {
			errs[field] = "Enter the " + label + " as a date like 2026-12-01 and a time like 19:30."
			return time.Time{}
		}
		return t
	}
	e.Start = parse("start", f.StartDate, f.StartTime, "start")
	endDate := f.EndDate
	if strings.TrimSpace(endDate) == "" && strings.TrimSpace(f.EndTime) != "" {
		endDate = f.StartDate // an end time alone means the same day
	}
	if strings.TrimSpace(endDate) == "" && !f.AllDay {
		errs["end"] = "Enter when the event ends."
	} else if strings.TrimSpace(endDate) == "" && f.AllDay {
		e.End = e.Start.AddDate(0, 0, 1)
	} else {
		e.End = parse("end", endDate, f.EndTime, "end")
		if f.AllDay && !e.End.IsZero() {
			e.End = e.End.AddDate(0, 0, 1) // the form shows the last day; the hub keeps the day after
		}
	}
	switch f.Repeat {
	case "":
	case "CUSTOM":
		e.Recurrence = strings.TrimPrefix(strings.TrimSpace(f.RRule), "RRULE:")
		if e.Recurrence == "" {
			errs["recurrence"] = "Enter a repeat rule, or choose how often the event repeats."
		}
	case "DAILY", "WEEKLY", "MONTHLY", "YEARLY":
		rr := hub.RepeatRule{Frequency: f.Repeat, Interval: 1}
		if v := strings.TrimSpace(f.RepeatInterval); v != "" && v != "1" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 99 {
				errs["repeat_interval"] = "Enter a whole number from 1 to 99."
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
				errs["repeat_month_week"] = "Choose which week of the month."
			}
			rr.MonthWeek = n
		}
		switch f.RepeatEnd {
		case "until":
			if _, err := time.Parse("2006-01-02", strings.TrimSpace(f.RepeatUntil)); err != nil {
				errs["repeat_until"] = "Enter the last date as year-month-day, for example 2027-06-30."
			}
			rr.Until = strings.TrimSpace(f.RepeatUntil)
		case "count":
			n, err := strconv.Atoi(strings.TrimSpace(f.RepeatCount))
			if err != nil || n < 1 || n > 5000 {
				errs["repeat_count"] = "Enter how many times, from 1 to 5000."
			}
			rr.Count = n
		}
		e.Recurrence = rr.RRule(e.Start)
	default:
		errs["recurrence"] = "Choose how often the event repeats."
	}
	switch f.PlaceID {
	case "":
	case "new":
		p := &hub.Place{
			Name: f.PlaceName, StreetAddress: f.PlaceStreet, Locality: f.PlaceLocality,
			Region: f.PlaceRegion, PostalCode: f.PlacePostcode, Country: f.PlaceCountry,
		}
		var ok bool
		if p.Latitude, ok = parseFloatPtr(f.PlaceLat); !ok {
			errs["place_latitude"] = "Enter the latitude as a number such as 53.4668, or leave it empty."
		}
		if p.Longitude, ok = parseFloatPtr(f.PlaceLng); !ok {
			errs["place_longitude"] = "Enter the longitude as a number such as -2.2469, or leave it empty."
		}
		if strings.TrimSpace(p.Name) == "" {
			errs["place_name"] = "Give the new place a name, or choose an existing place."
		}
		e.Place = p
	default:
		id, err := strconv.ParseInt(f.PlaceID, 10, 64)
		if err != nil {
			errs["place_id"] = "Choose a place from the list."
		}
		e.PlaceID = id
	}
	return e
}
