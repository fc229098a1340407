package web

import (
	"net/http"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/uris"
	"github.com/go-chi/chi/v5"
)

func (s *Server) caseStudyList(w http.ResponseWriter, r *http.Request) error {
	page, err := pageNumber(r)
	if err != nil {
		return err
	}
	studies, total, err := s.svc.ListCaseStudies(r.Context(), hub.CaseStudyFilter{Limit: listPageSize, Offset: (page - 1) * listPageSize})
	if err != nil {
		return err
	}
	p := s.page(r, s.t(r, "Case studies"), nil)
	p.Section = hub.KindCaseStudy.Path()
	p.Description = s.t(r, "What groups tried, and what happened: case studies from %s.", p.Site.Name)
	p.Data = struct {
		CaseStudies []*hub.CaseStudy
		Pager       pager
	}{studies, newPager(page, total)}
	s.addThumbnails(p, r, hub.OwnerCaseStudy, caseStudyIDs(studies))
	return s.views.render(w, http.StatusOK, "public/case_studies", p)
}

func (s *Server) caseStudyShow(w http.ResponseWriter, r *http.Request) error {
	c, err := s.svc.CaseStudyBySlug(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	p := s.page(r, c.Title, nil)
	s.withActivityJSON(p, r)
	s.withOEmbed(p, r)
	p.Section = hub.KindCaseStudy.Path()
	p.OGType = "article"
	p.Description = c.Summary
	if p.Description == "" {
		p.Description = s.plainText(c.Problem, 200)
	}
	ld := s.articleJSONLD(p, uris.Item(hub.KindCaseStudy, c.Slug), c.Title, p.Description, c.Tags, c.CreatedAt, c.UpdatedAt)
	if c.Organisation != "" {
		ld["author"] = map[string]any{"@type": "Organization", "name": c.Organisation}
	}
	if c.Place != nil {
		ld["contentLocation"] = placeJSONLD(c.Place)
	}
	p.JSONLD = ld
	p.Data = c
	s.withComments(p, r, hub.KindCaseStudy, c.ID)
	s.withPicture(p, r, hub.OwnerCaseStudy, c.ID)
	return s.views.render(w, http.StatusOK, "public/case_study", p)
}
