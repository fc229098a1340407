package web

import (
	"context"
	"html/template"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/qrsvg"
	"github.com/commonplace-hub/commonplace/internal/uris"
)

// posterDates is how many next dates a recurring event's poster lists.
const posterDates = 6

// posterPage is a poster's Data: an event's next date (or its first, if
// it has happened), its next dates when it repeats, and the QR code of
// its page.
type posterPage struct {
	Event    *hub.Event
	Current  hub.Occurrence
	Upcoming []hub.Occurrence
	// Cancelled is set when the whole event is cancelled, or its only
	// date is.
	Cancelled bool
	URL       string // the event's public address
	QR        template.HTML
	A5        bool // two A5 copies to an A4 sheet
	Copies    []int
}

// posterShow is /events/{slug}/poster: an A4 print page (?size=a5: two
// A5 copies on an A4 sheet), in the hub's language unless ?lang= chose
// another, with no script.
func (s *Server) posterShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if !s.langOf(r).chosen {
		r = r.WithContext(context.WithValue(ctx, langKey{}, requestLanguage{tag: s.hubLanguage(ctx)}))
	}
	size := r.URL.Query().Get("size")
	if size != "" && size != "a4" && size != "a5" {
		return hub.Errorf(hub.EINVALID, "Choose the size a4 or a5.")
	}
	e, err := s.svc.EventBySlug(ctx, chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	data := &posterPage{Event: e, Current: e.First(), URL: s.absURL(uris.Item(hub.KindEvent, e.Slug)), A5: size == "a5", Copies: []int{0}}
	if data.A5 {
		data.Copies = []int{0, 1}
	}
	upcoming := e.NextOccurrences(s.svc.Now(), posterDates+1)
	if len(upcoming) > 0 {
		data.Current = upcoming[0]
	}
	if e.Recurring() && len(upcoming) > 1 {
		data.Upcoming = upcoming
		if len(upcoming) > posterDates {
			data.Upcoming = upcoming[:posterDates]
		}
	}
	whole, _ := e.WholeStatus()
	data.Cancelled = whole.Status == hub.StatusCancelled || (!e.Recurring() && data.Current.Status == hub.StatusCancelled)
	if data.QR, err = qrsvg.SVG(data.URL, s.t(r, "QR code of %s", data.URL)); err != nil {
		return err
	}
	p := s.page(r, s.t(r, "Poster: %s", e.Title), data)
	p.NoIndex = true
	s.withPicture(p, r, hub.OwnerEvent, e.ID)
	return s.views.render(w, http.StatusOK, "public/poster", p)
}
