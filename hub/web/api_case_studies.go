package web

import (
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
	limit, err := queryInt(r, "limit", 50, 500)
	if err != nil {
		return err
	}
	offset, err := queryInt(r, "offset", 0, 1<<30)
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
	out := listBody[caseStudyJSON]{Items: []caseStudyJSON{}, Total: total}
	for _, c := range list {
		out.Items = append(out.Items, s.caseStudyOut(c))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiCaseStudyGet(w http.ResponseWriter, r *http.Request) error {
	return apiGetByID(w, r, s.svc.CaseStudy, s.caseStudyOut)
}

func (s *Server) apiCaseStudyCreate(w http.ResponseWriter, r *http.Request) error {
	var in caseStudyJSON
	if err := readJSON(r, &in); err != nil {
		return err
	}
	c := in.caseStudy()
	if err := s.svc.CreateCaseStudy(r.Context(), c); err != nil {
		return err
	}
	c, err := s.svc.CaseStudy(r.Context(), c.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/case-studies/"+itoa64(c.ID))
	return writeJSON(w, http.StatusCreated, s.caseStudyOut(c))
}

func (s *Server) apiCaseStudyUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var in caseStudyJSON
	if err := readJSON(r, &in); err != nil {
		return err
	}
	c := in.caseStudy()
	c.ID = id
	if err := s.svc.UpdateCaseStudy(r.Context(), c); err != nil {
		return err
	}
	if c, err = s.svc.CaseStudy(r.Context(), id); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.caseStudyOut(c))
}

func (s *Server) apiCaseStudyDelete(w http.ResponseWriter, r *http.Request) error {
	return apiDeleteByID(w, r, s.svc.DeleteCaseStudy)
}
