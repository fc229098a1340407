package web

import (
	"html/template"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/uris"
)

// embedBuilder is the organisers' "Embed on your website" page: a form
// (method get) choosing what to embed, the embed previewed in a frame,
// the <iframe> snippet and a plain list of links for sites that forbid
// frames; admins also set the partner websites allowed to frame it.
type embedBuilder struct {
	Query      embedQuery
	Event      string // an event's slug: embed that one event
	EmbedURL   string // absolute
	Path       string // the embed's path and query, for the preview
	IFrame     string // the snippet
	LinkList   string // the snippet
	Events     []*hub.Event
	Tags       []*hub.Tag
	Places     []*hub.Place
	Organisers []string
	Origins    string // the EmbedOrigins setting as typed
	Errors     formErrors
}

func (s *Server) embedBuilderShow(w http.ResponseWriter, r *http.Request) error {
	b, err := s.embedBuilderFor(r)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if len(b.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return s.adminRender(w, r, status, "admin/embed", s.t(r, "Embed on your website"), b)
}

// embedBuilderFor reads the builder's choices and makes its snippets.
func (s *Server) embedBuilderFor(r *http.Request) (*embedBuilder, error) {
	ctx := r.Context()
	q := r.URL.Query()
	b := &embedBuilder{Event: q.Get("event"), Errors: formErrors{}}
	eq, err := parseEmbedQuery(q)
	if err != nil {
		b.Errors["limit"] = s.errorMessage(r, err)
		eq.Limit = embedDefaultLimit
	}
	b.Query = eq
	st := s.settings(ctx)
	b.Origins = strings.Join(st.EmbedOrigins, "\n")
	if b.Tags, err = s.svc.ListTags(ctx); err != nil {
		return nil, err
	}
	if b.Places, err = s.svc.ListPlaces(ctx); err != nil {
		return nil, err
	}
	now := s.svc.Now()
	occ, err := s.svc.Occurrences(ctx, hub.OccurrenceFilter{From: now, To: now.AddDate(1, 0, 0), Limit: 500})
	if err != nil {
		return nil, err
	}
	seen, orgs := map[int64]bool{}, map[string]bool{}
	for _, o := range occ {
		if !seen[o.Event.ID] {
			seen[o.Event.ID] = true
			b.Events = append(b.Events, o.Event)
		}
		if o.Event.Organiser != "" {
			orgs[o.Event.Organiser] = true
		}
	}
	for o := range orgs {
		b.Organisers = append(b.Organisers, o)
	}
	sort.Strings(b.Organisers)

	title := s.t(r, "Events from %s", st.Name)
	b.Path = "/embed/events"
	if b.Event != "" {
		e, err := s.svc.EventBySlug(ctx, b.Event)
		if err != nil {
			if hub.ErrorCode(err) != hub.ENOTFOUND {
				return nil, err
			}
			b.Errors["event"] = s.t(r, "There is no such event.")
		} else {
			b.Path, title = "/embed/events/"+e.Slug, e.Title
		}
	}
	v := eq.Values()
	if b.Path != "/embed/events" {
		v.Del("topic")
		v.Del("place")
		v.Del("organiser")
		v.Del("limit")
	}
	if len(v) > 0 {
		b.Path += "?" + v.Encode()
	}
	b.EmbedURL = s.absURL(b.Path)
	height := 120 + 70*eq.Limit
	if b.Path != "/embed/events" && strings.HasPrefix(b.Path, "/embed/events/") {
		height = 320
	}
	b.IFrame = iframeSnippet(b.EmbedURL, title, "100%", strconv.Itoa(min(height, 900)))
	b.LinkList, err = s.linkListSnippet(r, b)
	return b, err
}

// iframeSnippet is the <iframe> element a partner pastes.
func iframeSnippet(src, title, width, height string) string {
	return `<iframe src="` + template.HTMLEscapeString(src) + `" title="` + template.HTMLEscapeString(title) + `" width="` + template.HTMLEscapeString(width) +
		`" height="` + template.HTMLEscapeString(height) + `" loading="lazy" style="border:0"></iframe>`
}

// linkListSnippet is the builder's events as a plain list of links, for
// websites that forbid frames: a copy of today's list, which the partner
// pastes again when it changes.
func (s *Server) linkListSnippet(r *http.Request, b *embedBuilder) (string, error) {
	ctx := r.Context()
	tr := s.translator(r)
	var occ []hub.Occurrence
	if strings.HasPrefix(b.Path, "/embed/events/") {
		e, err := s.svc.EventBySlug(ctx, b.Event)
		if err != nil {
			return "", err
		}
		occ = e.NextOccurrences(s.svc.Now(), b.Query.Limit)
	} else {
		now := s.svc.Now()
		f := hub.OccurrenceFilter{From: now, To: now.AddDate(1, 0, 0), Tag: b.Query.Topic, Organiser: b.Query.Organiser, Limit: b.Query.Limit}
		if b.Query.Place != "" {
			if pl, err := s.svc.PlaceBySlug(ctx, b.Query.Place); err == nil {
				f.PlaceID = pl.ID
			}
		}
		var err error
		if occ, err = s.svc.Occurrences(ctx, f); err != nil {
			return "", err
		}
	}
	var sb strings.Builder
	sb.WriteString("<ul>\n")
	for _, o := range occ {
		link := s.absURL(uris.Item(hub.KindEvent, o.Event.Slug))
		if o.Event.Recurring() {
			link = s.absURL(uris.Occurrence(o.Event.Slug, o.Date()))
		}
		sb.WriteString(`  <li><a href="` + template.HTMLEscapeString(link) + `">` + template.HTMLEscapeString(o.Event.Title) + `</a>, ` +
			template.HTMLEscapeString(tr.When(o.Start, o.End, o.Event.AllDay)))
		if o.Status.Marked() {
			sb.WriteString(" (" + template.HTMLEscapeString(tr.statusText(o)) + ")")
		}
		sb.WriteString("</li>\n")
	}
	sb.WriteString("</ul>\n")
	return sb.String(), nil
}

// embedOriginsSave saves the partner websites allowed to frame the
// embeds; admins only (hub.Service checks).
func (s *Server) embedOriginsSave(w http.ResponseWriter, r *http.Request) error {
	st, err := s.svc.Settings(r.Context())
	if err != nil {
		return err
	}
	typed := r.PostFormValue("embed_origins")
	fail := func(err error) error {
		b, berr := s.embedBuilderFor(r)
		if berr != nil {
			return berr
		}
		b.Origins = typed
		if !b.Errors.merge(s.translator(r), err) {
			return err
		}
		return s.adminRender(w, r, http.StatusUnprocessableEntity, "admin/embed", s.t(r, "Embed on your website"), b)
	}
	origins, err := hub.ParseEmbedOrigins(typed)
	if err != nil {
		return fail(err)
	}
	st.EmbedOrigins = origins
	if err := s.svc.UpdateSettings(r.Context(), st); err != nil {
		return fail(err)
	}
	s.redirectWithFlash(w, r, "/admin/embed", s.t(r, "Partner websites saved."))
	return nil
}
