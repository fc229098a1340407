package web

import (
	"context"
	"net/http"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/go-chi/chi/v5"
)

func (s *Server) caseStudyList(w http.ResponseWriter, r *http.Request) error {
	studies, pg, err := paged(r, func(ctx context.Context, limit, offset int) ([]*hub.CaseStudy, int, error) {
		return s.svc.ListCaseStudies(ctx, hub.CaseStudyFilter{Limit: limit, Offset: offset})
	})
	if err != nil {
		return err
	}
	return s.listPage(w, r, "public/case_studies", hub.KindCaseStudy.Path(), msg("Case studies"), msg("What groups tried, and what happened: case studies from %s."), struct {
		CaseStudies []*hub.CaseStudy
		Pager       pager
	}{studies, pg}, func(p *pageData) { s.addThumbnails(p, r, hub.OwnerCaseStudy, caseStudyIDs(studies)) })
}

func (s *Server) caseStudyShow(w http.ResponseWriter, r *http.Request) error {
	c, err := s.svc.CaseStudyBySlug(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	a := article{hub.KindCaseStudy, c.ID, c.Slug, c.Title, c.Summary, c.Problem, c.Tags, c.CreatedAt, c.UpdatedAt}
	p := s.articlePage(r, a, c, func(ld map[string]any) {
		if c.Organisation != "" {
			ld["author"] = map[string]any{"@type": "Organization", "name": c.Organisation}
		}
		if c.Place != nil {
			ld["contentLocation"] = placeJSONLD(c.Place)
		}
	})
	return s.views.render(w, http.StatusOK, "public/case_study", p)
}
