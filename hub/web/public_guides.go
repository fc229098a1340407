package web

import (
	"net/http"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/uris"
	"github.com/go-chi/chi/v5"
)

func (s *Server) guideList(w http.ResponseWriter, r *http.Request) error {
	page, err := pageNumber(r)
	if err != nil {
		return err
	}
	guides, total, err := s.svc.ListGuides(r.Context(), hub.GuideFilter{Limit: listPageSize, Offset: (page - 1) * listPageSize})
	if err != nil {
		return err
	}
	p := s.page(r, s.t(r, "Guides"), nil)
	p.Section = hub.KindGuide.Path()
	p.Description = s.t(r, "How-to guides written by %s.", p.Site.Name)
	p.Data = struct {
		Guides []*hub.Guide
		Pager  pager
	}{guides, newPager(page, total)}
	s.addThumbnails(p, r, hub.OwnerGuide, guideIDs(guides))
	return s.views.render(w, http.StatusOK, "public/guides", p)
}

func (s *Server) guideShow(w http.ResponseWriter, r *http.Request) error {
	g, err := s.svc.GuideBySlug(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	p := s.page(r, g.Title, nil)
	s.withActivityJSON(p, r)
	s.withOEmbed(p, r)
	p.Section = hub.KindGuide.Path()
	p.OGType = "article"
	p.Description = g.Summary
	if p.Description == "" {
		p.Description = s.plainText(g.Body, 200)
	}
	p.JSONLD = s.articleJSONLD(p, uris.Item(hub.KindGuide, g.Slug), g.Title, p.Description, g.Tags, g.CreatedAt, g.UpdatedAt)
	p.Data = g
	s.withComments(p, r, hub.KindGuide, g.ID)
	s.withPicture(p, r, hub.OwnerGuide, g.ID)
	return s.views.render(w, http.StatusOK, "public/guide", p)
}
