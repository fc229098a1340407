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
func (f formErrors) merge(err error) bool {
	if hub.ErrorCode(err) != hub.EINVALID {
		return false
	}
	for k, v := range hub.ErrorFields(err) {
		if _, ok := f[k]; !ok {
			f[k] = v
		}
	}
	if len(hub.ErrorFields(err)) == 0 {
		f["_form"] = hub.ErrorMessage(err)
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
}

// commonZones are offered in the time zone list; any IANA name is accepted.
var commonZones = []string{
	"Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin", "Europe/Madrid",
	"Europe/Amsterdam", "Europe/Brussels", "Europe/Rome", "Europe/Stockholm", "Europe/Warsaw", "Europe/Athens",
	"UTC", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Toronto",
	"America/Sao_Paulo", "Africa/Lagos", "Africa/Johannesburg", "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney",
	"Pacific/Auckland",
}

func (s *Server) renderForm(w http.ResponseWriter, r *http.Request, status int, view, title string, fv formView) error {
	if fv.Errors == nil {
		fv.Errors = formErrors{}
	}
	p := s.page(r, title, fv)
	p.Section = "admin"
	return s.views.render(w, status, view, p)
}

// failedForm re-renders a form after a validation error, keeping what was
// typed; other errors go to the error page.
func (s *Server) failedForm(w http.ResponseWriter, r *http.Request, err error, view, title string, fv formView) error {
	if fv.Errors == nil {
		fv.Errors = formErrors{}
	}
	if !fv.Errors.merge(err) {
		switch hub.ErrorCode(err) {
		case hub.ECONFLICT:
			fv.Errors["_form"] = hub.ErrorMessage(err)
			for k, v := range hub.ErrorFields(err) {
				fv.Errors[k] = v
			}
			return s.renderForm(w, r, http.StatusConflict, view, title, fv)
		case hub.EUNAVAILABLE:
			// The disk is full or read-only: say so above the form, which
			// keeps what was typed for saving again later.
			s.log.Error("saving failed", slog.Group("request", "method", r.Method, "path", r.URL.Path), "error", err)
			fv.Errors["_form"] = hub.ErrorMessage(err)
			return s.renderForm(w, r, http.StatusServiceUnavailable, view, title, fv)
		}
		return err
	}
	return s.renderForm(w, r, http.StatusUnprocessableEntity, view, title, fv)
}

func isPreview(r *http.Request) bool { return r.PostFormValue("action") == "preview" }

// deleteView is the confirmation page before removing anything.
type deleteView struct {
	Kind, Name, Action, Back, Consequence string
}

func (s *Server) confirmDelete(w http.ResponseWriter, r *http.Request, d deleteView) error {
	p := s.page(r, s.t(r, "Delete %s", d.Kind), d)
	p.Section = "admin"
	return s.views.render(w, http.StatusOK, "admin/confirm_delete", p)
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
