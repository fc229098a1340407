package web

import (
	"context"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/go-chi/chi/v5"
)

// Forms keep exactly what the organiser typed, so a failed submit shows it
// again beside the messages, and convert it to hub types.

// formErrors maps a field name to its message.
type formErrors map[string]string

// merge adds the field messages of a hub validation error; it returns
// false when err is of another kind.
func (f formErrors) merge(tr translator, err error) bool {
	if hub.ErrorCode(err) != hub.EINVALID {
		return false
	}
	fields := translateFields(tr, err)
	for k, v := range fields {
		if _, ok := f[k]; !ok {
			f[k] = v
		}
	}
	if len(fields) == 0 {
		f["_form"] = translateError(tr, err)
	}
	return true
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == ';' }) {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func parseFloatPtr(s string) (*float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, true
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, false
	}
	return &v, true
}

// parseCoordinates reads a latitude and a longitude, either empty; what is
// not a number is reported in errs under latField or lngField.
func parseCoordinates(lat, lng, latField, lngField string, tr translator, errs formErrors) (*float64, *float64) {
	latitude, ok := parseFloatPtr(lat)
	if !ok {
		errs[latField] = tr.T("Enter the latitude as a number such as 53.4668, or leave it empty.")
	}
	longitude, ok := parseFloatPtr(lng)
	if !ok {
		errs[lngField] = tr.T("Enter the longitude as a number such as -2.2469, or leave it empty.")
	}
	return latitude, longitude
}

// placeIDField reads a place chosen from a list.
func placeIDField(v string, tr translator, errs formErrors) int64 {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		errs["place_id"] = tr.T("Choose a place from the list.")
	}
	return id
}

func formatFloatPtr(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

func idParam(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, hub.Errorf(hub.ENOTFOUND, "There is no such item.")
	}
	return id, nil
}

// formView is what every editor template gets.
type formView struct {
	Form     any
	Errors   formErrors
	ID       int64  // 0 when creating
	Action   string // form action URL
	ViewURL  string // public page of the item, when it exists
	Preview  map[string]template.HTML
	Places   []*hub.Place
	Zones    []string
	Weekdays []string
	// Imported is set for an event imported from a calendar feed, whose
	// next refresh replaces edits.
	Imported bool
	// Picture is the item's picture part, nil for kinds without one.
	Picture *pictureForm
	// Adaptable are the commons items a guide or case study can say it
	// is adapted from (hub/adapted.go).
	Adaptable []*hub.RemoteItem
	// Adaptations are other hubs' adaptations of the item, hidden ones
	// included, for organisers to hide or show (admin_adaptations.go).
	Adaptations []*hub.Adaptation
}

// commonZones are offered in the time zone list; any IANA name is accepted.
var commonZones = []string{
	"Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin", "Europe/Madrid",
	"Europe/Amsterdam", "Europe/Brussels", "Europe/Rome", "Europe/Stockholm", "Europe/Warsaw", "Europe/Athens",
	"UTC", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Toronto",
	"America/Sao_Paulo", "Africa/Lagos", "Africa/Johannesburg", "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney",
	"Pacific/Auckland",
}

// renderForm renders an editor; title is a message, translated here.
func (s *Server) renderForm(w http.ResponseWriter, r *http.Request, status int, view, title string, fv formView) error {
	if fv.Errors == nil {
		fv.Errors = formErrors{}
	}
	return s.adminRender(w, r, status, view, s.t(r, title), fv)
}

// adminPage renders an organiser page (200) under title, translated.
func (s *Server) adminPage(w http.ResponseWriter, r *http.Request, view, title string, data any) error {
	return s.adminRender(w, r, http.StatusOK, view, title, data)
}

// adminRender renders an organiser page with status under title, translated.
func (s *Server) adminRender(w http.ResponseWriter, r *http.Request, status int, view, title string, data any) error {
	p := s.page(r, title, data)
	p.Section = "admin"
	return s.views.render(w, status, view, p)
}

// failedForm re-renders a form after a validation error, keeping what was
// typed; other errors go to the error page.
func (s *Server) failedForm(w http.ResponseWriter, r *http.Request, err error, view, title string, fv formView) error {
	if fv.Errors == nil {
		fv.Errors = formErrors{}
	}
	if !fv.Errors.merge(s.translator(r), err) {
		switch hub.ErrorCode(err) {
		case hub.ECONFLICT:
			fv.Errors["_form"] = s.errorMessage(r, err)
			for k, v := range s.errorFields(r, err) {
				fv.Errors[k] = v
			}
			return s.renderForm(w, r, http.StatusConflict, view, title, fv)
		case hub.EUNAVAILABLE:
			// The disk is full or read-only: say so above the form, which
			// keeps what was typed for saving again later.
			s.log.Error("saving failed", slog.Group("request", "method", r.Method, "path", r.URL.Path), "error", err)
			fv.Errors["_form"] = s.errorMessage(r, err)
			return s.renderForm(w, r, http.StatusServiceUnavailable, view, title, fv)
		}
		return err
	}
	return s.renderForm(w, r, http.StatusUnprocessableEntity, view, title, fv)
}

func isPreview(r *http.Request) bool { return r.PostFormValue("action") == "preview" }

// deleteView is the confirmation page before removing anything. Kind is a
// message (confirmDelete translates it); Consequence comes translated.
type deleteView struct {
	Kind, Name, Action, Back, Consequence string
}

func (s *Server) confirmDelete(w http.ResponseWriter, r *http.Request, d deleteView) error {
	d.Kind = s.t(r, d.Kind)
	return s.adminPage(w, r, "admin/confirm_delete", s.t(r, "Delete %s", d.Kind), d)
}

// itemByID reads the {id} in r's path and loads that item with load.
func itemByID[T any](r *http.Request, load func(context.Context, int64) (T, error)) (int64, T, error) {
	id, err := idParam(r)
	if err != nil {
		var none T
		return 0, none, err
	}
	v, err := load(r.Context(), id)
	return id, v, err
}
