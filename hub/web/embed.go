package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/uris"
)

// Embeds: small pages of the hub's events that partner websites show in
// an <iframe>. They are the only pages that may be framed, and only by the
// websites the hub's EmbedOrigins setting lists (any, by default); they
// have no script, set no cookies, and their links open the hub's pages in
// the top window.

const (
	embedDefaultLimit = 10
	embedMaxLimit     = 50
)

// embedQuery is an embed's options, from its query string.
type embedQuery struct {
	Topic, Place, Organiser string
	Limit                   int
	Descriptions            bool // with each event's description, not compact
	Plain                   bool // ?style=plain: no theme
}

// parseEmbedQuery reads an embed's query; a bad limit is EINVALID.
func parseEmbedQuery(q url.Values) (embedQuery, error) {
	eq := embedQuery{Topic: q.Get("topic"), Place: q.Get("place"), Organiser: strings.TrimSpace(q.Get("organiser")), Limit: embedDefaultLimit}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > embedMaxLimit {
			return eq, hub.Errorf(hub.EINVALID, "Choose a limit from 1 to %d.", embedMaxLimit)
		}
		eq.Limit = n
	}
	eq.Descriptions = q.Get("show") == "descriptions"
	eq.Plain = q.Get("style") == "plain"
	return eq, nil
}

// Values is the query the options came from, in a stable order.
func (eq embedQuery) Values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"topic": eq.Topic, "place": eq.Place, "organiser": eq.Organiser} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if eq.Limit != embedDefaultLimit && eq.Limit != 0 {
		v.Set("limit", strconv.Itoa(eq.Limit))
	}
	if eq.Descriptions {
		v.Set("show", "descriptions")
	}
	if eq.Plain {
		v.Set("style", "plain")
	}
	return v
}

// embedPage is what an embed's template gets as Data.
type embedPage struct {
	Query   embedQuery
	Heading string
	Events  []embeddedOccurrence
	More    string // the hub's page of these events, absolute
	Event   *hub.Event
	Current hub.Occurrence
	Summary string
}

// embeddedOccurrence is one line of an events embed.
type embeddedOccurrence struct {
	hub.Occurrence
	URL     string // absolute
	Summary string
}

// frameable replaces the page headers' frame-ancestors 'none' and
// X-Frame-Options with the hub's partner origins: the one way a route
// becomes framable (embedRoutes).
func (s *Server) frameable(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origins := s.settings(r.Context()).EmbedOrigins
		// Checked again as they are used: a list written to the database
		// by other means must not widen the policy.
		if checked, err := hub.ParseEmbedOrigins(strings.Join(origins, " ")); err != nil {
			s.log.Warn("embed origins setting refused; embeds framable by the hub alone", "error", err)
			origins = nil
		} else {
			origins = checked
		}
		h := w.Header()
		h["Content-Security-Policy"] = []string{embedCSP + hub.FrameAncestors(origins)}
		delete(h, "X-Frame-Options")
		next.ServeHTTP(w, r)
	})
}

// embedCSP is the embeds' policy before their frame-ancestors sources: no
// script at all, and no forms.
const embedCSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors "

// embedEvents is /embed/events: the next events, filtered.
func (s *Server) embedEvents(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	eq, err := parseEmbedQuery(r.URL.Query())
	if err != nil {
		return err
	}
	p := s.page(r, s.t(r, "Events"), nil)
	p.NoIndex = true
	f := hub.OccurrenceFilter{From: s.svc.Now(), Organiser: eq.Organiser, Limit: eq.Limit}
	f.To = f.From.AddDate(1, 0, 0)
	heading := s.t(r, "What's on at %s", p.Site.Name)
	more := url.Values{}
	// narrow adds a filter's name to the heading and, for the list page's
	// own filters, its slug as key to the "more" link.
	narrow := func(name, key, slug string) {
		heading = s.t(r, "[embed heading: what it shows, a filter] %s: %s", heading, name)
		if key != "" {
			more.Set(key, slug)
		}
	}
	if eq.Topic != "" {
		t, err := s.svc.TagBySlug(ctx, eq.Topic)
		if err != nil {
			return err
		}
		f.Tag = t.Slug
		narrow(t.Name, "tag", t.Slug)
	}
	if eq.Place != "" {
		pl, err := s.svc.PlaceBySlug(ctx, eq.Place)
		if err != nil {
			return err
		}
		f.PlaceID = pl.ID
		narrow(pl.Name, "place", pl.Slug)
	}
	if eq.Organiser != "" {
		narrow(eq.Organiser, "", "")
	}
	occ, err := s.svc.Occurrences(ctx, f)
	if err != nil {
		return err
	}
	data := &embedPage{Query: eq, Heading: heading, More: s.absURL(uris.List(hub.KindEvent))}
	if len(more) > 0 {
		data.More += "?" + more.Encode()
	}
	for _, o := range occ {
		eo := embeddedOccurrence{Occurrence: o, URL: s.absURL(uris.Occurrence(o.Event.Slug, o.Date()))}
		if !o.Event.Recurring() {
			eo.URL = s.absURL(uris.Item(hub.KindEvent, o.Event.Slug))
		}
		if eq.Descriptions {
			eo.Summary = s.plainText(o.Event.Description, 200)
		}
		data.Events = append(data.Events, eo)
	}
	p.Data = data
	return s.views.render(w, http.StatusOK, "public/embed_events", p)
}

// embedEvent is /embed/events/{slug}: one event, its next date.
func (s *Server) embedEvent(w http.ResponseWriter, r *http.Request) error {
	eq, err := parseEmbedQuery(r.URL.Query())
	if err != nil {
		return err
	}
	e, err := s.svc.EventBySlug(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	current := e.First()
	if next := e.NextOccurrences(s.svc.Now(), 1); len(next) > 0 {
		current = next[0]
	}
	p := s.page(r, e.Title, nil)
	p.NoIndex = true
	p.Data = &embedPage{
		Query: eq, Heading: e.Title, Event: e, Current: current,
		More: s.absURL(uris.Item(hub.KindEvent, e.Slug)), Summary: s.plainText(e.Description, 300),
	}
	return s.views.render(w, http.StatusOK, "public/embed_event", p)
}

func init() {
	requiredViews = append(requiredViews, "public/embed_events", "public/embed_event", "public/embed_item", "public/poster", "public/events_month", "admin/embed")
}
