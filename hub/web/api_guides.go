package web

import (
	"context"
	"net/http"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

type guideJSON struct {
	ID        int64     `json:"id,omitempty"`
	Slug      string    `json:"slug,omitempty"`
	URL       string    `json:"url,omitempty"`
	Title     string    `json:"title"`
	Summary   string    `json:"summary"`
	Body      string    `json:"body"`
	Tags      []string  `json:"tags"`
	Revision  int       `json:"revision,omitempty"`
	Note      string    `json:"note,omitempty"` // input only: what this edit changed
	CreatedAt time.Time `json:"created_at,omitzero"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

func (s *Server) guideOut(g *hub.Guide) guideJSON {
	return guideJSON{ID: g.ID, Slug: g.Slug, URL: s.absURL("/guides/" + g.Slug), Title: g.Title, Summary: g.Summary,
		Body: g.Body, Tags: nonNil(g.Tags), Revision: g.Revision, CreatedAt: g.CreatedAt, UpdatedAt: g.UpdatedAt}
}

type revisionJSON struct {
	Number    int       `json:"number"`
	Title     string    `json:"title"`
	Summary   string    `json:"summary"`
	Body      string    `json:"body"`
	Tags      []string  `json:"tags"`
	Author    string    `json:"author"`
	Note      string    `json:"note"`
	CreatedAt time.Time `json:"created_at"`
}

func revisionOut(rv *hub.GuideRevision) revisionJSON {
	return revisionJSON{Number: rv.Number, Title: rv.Title, Summary: rv.Summary, Body: rv.Body, Tags: nonNil(rv.Tags),
		Author: rv.Author, Note: rv.Note, CreatedAt: rv.CreatedAt}
}

func (s *Server) apiGuideList(w http.ResponseWriter, r *http.Request) error {
	limit, offset, err := pageQuery(r)
	if err != nil {
		return err
	}
	guides, total, err := s.svc.ListGuides(r.Context(), hub.GuideFilter{Tag: r.URL.Query().Get("tag"), Query: r.URL.Query().Get("q"), Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	return writeList(w, guides, total, s.guideOut)
}

func (s *Server) apiGuideGet(w http.ResponseWriter, r *http.Request) error {
	return apiGetByID(w, r, s.svc.Guide, s.guideOut)
}

func (in *guideJSON) guide(id int64) *hub.Guide {
	return &hub.Guide{ID: id, Title: in.Title, Summary: in.Summary, Body: in.Body, Tags: in.Tags}
}

func (s *Server) apiGuideCreate(w http.ResponseWriter, r *http.Request) error {
	return apiCreate(w, r, func(ctx context.Context, in *guideJSON) (*hub.Guide, error) {
		g := in.guide(0)
		return g, s.svc.CreateGuide(ctx, g)
	}, s.guideOut, func(g *hub.Guide) string { return "/api/v1/guides/" + itoa64(g.ID) })
}

func (s *Server) apiGuideUpdate(w http.ResponseWriter, r *http.Request) error {
	return apiUpdate(w, r, func(ctx context.Context, id int64, in *guideJSON) error {
		return s.svc.UpdateGuideWithNote(ctx, in.guide(id), in.Note)
	}, s.svc.Guide, s.guideOut)
}

func (s *Server) apiGuideDelete(w http.ResponseWriter, r *http.Request) error {
	return apiDeleteByID(w, r, s.svc.DeleteGuide)
}

func (s *Server) apiGuideRevisions(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	revs, err := s.svc.GuideRevisions(r.Context(), id)
	if err != nil {
		return err
	}
	return writeList(w, revs, len(revs), revisionOut)
}

func (s *Server) apiGuideRevision(w http.ResponseWriter, r *http.Request) error {
	id, n, err := revisionParams(r)
	if err != nil {
		return err
	}
	rv, err := s.svc.GuideRevision(r.Context(), id, n)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, revisionOut(rv))
}

func (s *Server) apiGuideRestore(w http.ResponseWriter, r *http.Request) error {
	id, n, err := revisionParams(r)
	if err != nil {
		return err
	}
	g, err := s.svc.RestoreGuideRevision(r.Context(), id, n)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.guideOut(g))
}
