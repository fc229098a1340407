package web

import (
	"net/http"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/uris"
	"github.com/go-chi/chi/v5"
)

func (s *Server) tagList(w http.ResponseWriter, r *http.Request) error {
	tags, err := s.svc.ListTags(r.Context())
	if err != nil {
		return err
	}
	p := s.page(r, s.t(r, "Topics"), nil)
	p.Section = "tags"
	p.Description = s.t(r, "Topics of the events, guides and case studies on %s.", p.Site.Name)
	p.Data = tags
	return s.views.render(w, http.StatusOK, "public/tags", p)
}

func (s *Server) tagShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t, err := s.svc.TagBySlug(ctx, chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	from := s.svc.Now()
	occ, err := s.svc.Occurrences(ctx, hub.OccurrenceFilter{From: from, To: from.AddDate(0, 6, 0), Tag: t.Slug, Limit: 30})
	if err != nil {
		return err
	}
	guides, _, err := s.svc.ListGuides(ctx, hub.GuideFilter{Tag: t.Slug, Limit: 50})
	if err != nil {
		return err
	}
	studies, _, err := s.svc.ListCaseStudies(ctx, hub.CaseStudyFilter{Tag: t.Slug, Limit: 50})
	if err != nil {
		return err
	}
	p := s.page(r, s.t(r, "Topic: %s", t.Name), nil)
	p.Section = "tags"
	p.Description = t.Description
	if p.Description == "" {
		p.Description = s.t(r, "Events, guides and case studies about %s on %s.", t.Name, p.Site.Name)
	}
	p.Calendar, p.CalendarLabel = uris.TagCalendar(t.Slug), s.t(r, "[calendar of a topic] %s events", t.Name)
	p.Data = struct {
		Tag         *hub.Tag
		Days        []dayGroup
		Guides      []*hub.Guide
		CaseStudies []*hub.CaseStudy
	}{t, groupByDay(occ, s.today(p.Site).Location()), guides, studies}
	return s.views.render(w, http.StatusOK, "public/tag", p)
}
