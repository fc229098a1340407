package web

import (
	"context"
	"net/http"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

type caseStudyJSON struct {
	ID           int64      `json:"id,omitempty"`
	Slug         string     `json:"slug,omitempty"`
	URL          string     `json:"url,omitempty"`
	Title        string     `json:"title"`
	Summary      string     `json:"summary"`
	Problem      string     `json:"problem"`
	Approach     string     `json:"approach"`
	Tools        string     `json:"tools"`
	Outcome      string     `json:"outcome"`
	Lessons      string     `json:"lessons"`
	Organisation string     `json:"organisation"`
	PlaceID      int64      `json:"place_id,omitempty"`
	Place        *placeJSON `json:"place,omitempty"`
	Tags         []string   `json:"tags"`
	Contact      string     `json:"contact"`
	CreatedAt    time.Time  `json:"created_at,omitzero"`
	UpdatedAt    time.Time  `json:"updated_at,omitzero"`
}

func (s *Server) caseStudyOut(c *hub.CaseStudy) caseStudyJSON {
	return caseStudyJSON{ID: c.ID, Slug: c.Slug, URL: s.absURL("/case-studies/" + c.Slug), Title: c.Title,
		Summary: c.Summary, Problem: c.Problem, Approach: c.Approach, Tools: c.Tools, Outcome: c.Outcome,
		Lessons: c.Lessons, Organisation: c.Organisation, PlaceID: c.PlaceID, Place: s.placeOut(c.Place),
		Tags: nonNil(c.Tags), Contact: c.Contact, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

func (in *caseStudyJSON) caseStudy() *hub.CaseStudy {
	return &hub.CaseStudy{Title: in.Title, Summary: in.Summary, Problem: in.Problem, Approach: in.Approach,
		Tools: in.Tools, Outcome: in.Outcome, Lessons: in.Lessons, Organisation: in.Organisation,
		PlaceID: in.PlaceID, Tags: in.Tags, Contact: in.Contact}
}

func (s *Server) apiCaseStudyList(w http.ResponseWriter, r *http.Request) error {
	limit, offset, err := pageQuery(r)
	if err != nil {
		return err
	}
	placeID, err := queryInt(r, "place_id", 0, 1<<62)
	if err != nil {
		return err
	}
	list, total, err := s.svc.ListCaseStudies(r.Context(), hub.CaseStudyFilter{Tag: r.URL.Query().Get("tag"), PlaceID: int64(placeID), Query: r.URL.Query().Get("q"), Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	return writeList(w, list, total, s.caseStudyOut)
}

func (s *Server) apiCaseStudyGet(w http.ResponseWriter, r *http.Request) error {
	return apiGetByID(w, r, s.svc.CaseStudy, s.caseStudyOut)
}

func (s *Server) apiCaseStudyCreate(w http.ResponseWriter, r *http.Request) error {
	return apiCreate(w, r, func(ctx context.Context, in *caseStudyJSON) (*hub.CaseStudy, error) {
		c := in.caseStudy()
		if err := s.svc.CreateCaseStudy(ctx, c); err != nil {
			return nil, err
		}
		return s.svc.CaseStudy(ctx, c.ID)
	}, s.caseStudyOut, func(c *hub.CaseStudy) string { return "/api/v1/case-studies/" + itoa64(c.ID) })
}

func (s *Server) apiCaseStudyUpdate(w http.ResponseWriter, r *http.Request) error {
	return apiUpdate(w, r, func(ctx context.Context, id int64, in *caseStudyJSON) error {
		c := in.caseStudy()
		c.ID = id
		return s.svc.UpdateCaseStudy(ctx, c)
	}, s.svc.CaseStudy, s.caseStudyOut)
}

func (s *Server) apiCaseStudyDelete(w http.ResponseWriter, r *http.Request) error {
	return apiDeleteByID(w, r, s.svc.DeleteCaseStudy)
}
