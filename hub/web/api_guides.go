package web

import (
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
	limit, err := queryInt(r, "limit", 50, 500)
	if err != nil {
		return err
	}
	offset, err := queryInt(r, "offset", 0, 1<<30)
	if err != nil {
		return err
	}
	guides, total, err := s.svc.ListGuides(r.Context(), hub.GuideFilter{Tag: r.URL.Query().Get("tag"), Query: r.URL.Query().Get("q"), Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	out := listBody[guideJSON]{Items: []guideJSON{}, Total: total}
	for _, g := range guides {
		out.Items = append(out.Items, s.guideOut(g))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiGuideGet(w http.ResponseWriter, r *http.Request) error {
	return apiGetByID(w, r, s.svc.Guide, s.guideOut)
}

func (s *Server) apiGuideCreate(w http.ResponseWriter, r *http.Request) error {
	var in guideJSON
	if err := readJSON(r, &in); err != nil {
		return err
	}
	g := &hub.Guide{Title: in.Title, Summary: in.Summary, Body: in.Body, Tags: in.Tags}
	if err := s.svc.CreateGuide(r.Context(), g); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/guides/"+itoa64(g.ID))
	return writeJSON(w, http.StatusCreated, s.guideOut(g))
}

func (s *Server) apiGuideUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var in guideJSON
	if err := readJSON(r, &in); err != nil {
		return err
	}
	g := &hub.Guide{ID: id, Title: in.Title, Summary: in.Summary, Body: in.Body, Tags: in.Tags}
	if err := s.svc.UpdateGuideWithNote(r.Context(), g, in.Note); err != nil {
		return err
	}
	if g, err = s.svc.Guide(r.Context(), id); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.guideOut(g))
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
	out := listBody[revisionJSON]{Items: []revisionJSON{}, Total: len(revs)}
	for _, rv := range revs {
		out.Items = append(out.Items, revisionOut(rv))
	}
	return writeJSON(w, http.StatusOK, out)
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
