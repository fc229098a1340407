package web

import (
	"context"
	"net/http"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/apijson"
)

// guideOut is g as the API shows it.
func (s *Server) guideOut(g *hub.Guide) apijson.Guide { return s.enc().Guide(g) }

func (s *Server) apiGuideList(w http.ResponseWriter, r *http.Request) error {
	return apiPaged(w, r, func(ctx context.Context, limit, offset int) ([]*hub.Guide, int, error) {
		return s.svc.ListGuides(ctx, hub.GuideFilter{Tag: r.URL.Query().Get("tag"), Query: r.URL.Query().Get("q"), Limit: limit, Offset: offset})
	}, s.guideOut)
}

func (s *Server) apiGuideGet(w http.ResponseWriter, r *http.Request) error {
	return apiGetByID(w, r, s.svc.Guide, s.guideOut)
}

func (s *Server) apiGuideCreate(w http.ResponseWriter, r *http.Request) error {
	return apiCreate(w, r, func(ctx context.Context, in *apijson.Guide) (*hub.Guide, error) {
		g := in.Hub(0)
		return g, s.svc.CreateGuide(ctx, g)
	}, s.guideOut, func(g *hub.Guide) string { return "/api/v1/guides/" + itoa64(g.ID) })
}

func (s *Server) apiGuideUpdate(w http.ResponseWriter, r *http.Request) error {
	return apiUpdate(w, r, func(ctx context.Context, id int64, in *apijson.Guide) error {
		return s.svc.UpdateGuideWithNote(ctx, in.Hub(id), in.Note)
	}, s.svc.Guide, s.guideOut)
}

func (s *Server) apiGuideDelete(w http.ResponseWriter, r *http.Request) error {
	return apiDeleteByID(w, r, s.svc.DeleteGuide)
}

func (s *Server) apiGuideRevisions(w http.ResponseWriter, r *http.Request) error {
	_, revs, err := itemByID(r, s.svc.GuideRevisions)
	if err != nil {
		return err
	}
	return writeList(w, revs, len(revs), s.enc().Revision)
}

func (s *Server) apiGuideRevision(w http.ResponseWriter, r *http.Request) error {
	_, _, rv, err := revisionBy(r, s.svc.GuideRevision)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.enc().Revision(rv))
}

func (s *Server) apiGuideRestore(w http.ResponseWriter, r *http.Request) error {
	_, _, g, err := revisionBy(r, s.svc.RestoreGuideRevision)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.guideOut(g))
}
