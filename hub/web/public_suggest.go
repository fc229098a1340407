package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// The suggestion form (/events/suggest): anyone may suggest an event,
// without an account or a cookie. hub.Service.SuggestEvent keeps spam out
// and stores it for organisers; nothing is published until one approves.

// suggestForm is the suggestion form as typed.
type suggestForm struct {
	Title, Description                     string
	StartDate, StartTime, EndDate, EndTime string
	Place, OnlineURL, Name, Email          string
	Token                                  string
	Errors                                 formErrors
	Sent                                   bool // the thank-you page
	EmailDays, MaxLinks                    int
	TimeZone                               string
}

func readSuggestForm(r *http.Request) suggestForm {
	v := func(k string) string { return r.PostFormValue(k) }
	return suggestForm{
		Title: v("title"), Description: v("description"),
		StartDate: v("start_date"), StartTime: v("start_time"), EndDate: v("end_date"), EndTime: v("end_time"),
		Place: v("place"), OnlineURL: v("online_url"), Name: v("name"), Email: v("email"), Token: v("token"),
	}
}

// suggestion converts the form in the hub's zone; what cannot be read
// goes in errs.
func (f suggestForm) suggestion(zone string, tr translator, errs formErrors) hub.Suggestion {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	ef := eventForm{StartDate: f.StartDate, StartTime: f.StartTime, EndDate: f.EndDate, EndTime: f.EndTime}
	start, end := ef.times(loc, tr, errs)
	return hub.Suggestion{
		Title: f.Title, Description: f.Description, Start: start, End: end, TimeZone: loc.String(),
		Place: f.Place, OnlineURL: strings.TrimSpace(f.OnlineURL), Name: f.Name, Email: f.Email,
	}
}

func (s *Server) renderSuggest(w http.ResponseWriter, r *http.Request, status int, f suggestForm) error {
	if !f.Sent {
		token, err := s.svc.NewSuggestToken(r.Context())
		if err != nil {
			return err
		}
		f.Token = token
	}
	if f.Errors == nil {
		f.Errors = formErrors{}
	}
	f.EmailDays, f.MaxLinks = hub.SuggestionEmailDays, hub.SuggestMaxLinks
	// The hub names the times' errors start and end; here they sit by the
	// date fields.
	for from, to := range map[string]string{"start": "start_date", "end": "end_date"} {
		if m, ok := f.Errors[from]; ok {
			delete(f.Errors, from)
			if _, taken := f.Errors[to]; !taken {
				f.Errors[to] = m
			}
		}
	}
	p := s.page(r, s.t(r, "Suggest an event"), f)
	p.Section = hub.KindEvent.Path()
	p.NoIndex = f.Sent
	return s.views.render(w, status, "public/suggest", p)
}

// suggestNew shows a blank form with a fresh token.
func (s *Server) suggestNew(w http.ResponseWriter, r *http.Request) error {
	f := suggestForm{TimeZone: s.settings(r.Context()).TimeZone}
	return s.renderSuggest(w, r, http.StatusOK, f)
}

// suggestCreate takes a suggestion. A refused one comes back as typed,
// with the reasons, and a new token.
func (s *Server) suggestCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := readSuggestForm(r)
	zone := s.settings(r.Context()).TimeZone
	f.TimeZone = zone
	f.Errors = formErrors{}
	tr := s.translator(r)
	sg := f.suggestion(zone, tr, f.Errors)
	if len(f.Errors) > 0 {
		if err := sg.Validate(); err != nil {
			f.Errors.merge(tr, err)
		}
		return s.renderSuggest(w, r, http.StatusUnprocessableEntity, f)
	}
	_, err := s.svc.SuggestEvent(r.Context(), hub.SuggestionForm{
		Suggestion: sg, Token: f.Token, Honeypot: r.PostFormValue("website"), ClientKey: clientKey(clientIP(r)),
	})
	switch hub.ErrorCode(err) {
	case "":
		return s.renderSuggest(w, r, http.StatusOK, suggestForm{Sent: true})
	case hub.EINVALID:
		f.Errors.merge(tr, err)
		if _, ok := f.Errors["_form"]; !ok && hub.ErrorFields(err) == nil {
			f.Errors["_form"] = s.errorMessage(r, err)
		}
		return s.renderSuggest(w, r, http.StatusUnprocessableEntity, f)
	case hub.ETOOMANY:
		f.Errors["_form"] = s.errorMessage(r, err)
		return s.renderSuggest(w, r, http.StatusTooManyRequests, f)
	}
	return err
}
