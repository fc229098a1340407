package web

import (
	"context"
	"net/http"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/go-chi/chi/v5"
)

func (s *Server) guideList(w http.ResponseWriter, r *http.Request) error {
	guides, pg, err := paged(r, func(ctx context.Context, limit, offset int) ([]*hub.Guide, int, error) {
		return s.svc.ListGuides(ctx, hub.GuideFilter{Limit: limit, Offset: offset})
	})
	if err != nil {
		return err
	}
	return s.listPage(w, r, "public/guides", hub.KindGuide.Path(), msg("Guides"), msg("How-to guides written by %s."), struct {
		Guides []*hub.Guide
		Pager  pager
	}{guides, pg}, func(p *pageData) { s.addThumbnails(p, r, hub.OwnerGuide, guideIDs(guides)) })
}

func (s *Server) guideShow(w http.ResponseWriter, r *http.Request) error {
	g, err := s.svc.GuideBySlug(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	p := s.articlePage(r, article{hub.KindGuide, g.ID, g.Slug, g.Title, g.Summary, g.Body, g.Tags, g.CreatedAt, g.UpdatedAt}, g, nil)
	return s.views.render(w, http.StatusOK, "public/guide", p)
}
