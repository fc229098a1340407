package web

import (
	"context"
	"net/http"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/apijson"
)

// caseStudyOut is c as the API shows it.
func (s *Server) caseStudyOut(c *hub.CaseStudy) apijson.CaseStudy { return s.enc().CaseStudy(c) }

func (s *Server) apiCaseStudyList(w http.ResponseWriter, r *http.Request) error {
	return apiPaged(w, r, func(ctx context.Context, limit, offset int) ([]*hub.CaseStudy, int, error) {
		placeID, err := queryInt(r, "place_id", 0, 1<<62)
		if err != nil {
			return nil, 0, err
		}
		return s.svc.ListCaseStudies(ctx, hub.CaseStudyFilter{Tag: r.URL.Query().Get("tag"), PlaceID: int64(placeID), Query: r.URL.Query().Get("q"), Limit: limit, Offset: offset})
	}, s.caseStudyOut)
}

func (s *Server) apiCaseStudyGet(w http.ResponseWriter, r *http.Request) error {
	return apiGetByID(w, r, s.svc.CaseStudy, s.caseStudyOut)
}

func (s *Server) apiCaseStudyCreate(w http.ResponseWriter, r *http.Request) error {
	return apiCreate(w, r, func(ctx context.Context, in *apijson.CaseStudy) (*hub.CaseStudy, error) {
		c := in.Hub()
		if err := s.svc.CreateCaseStudy(ctx, c); err != nil {
			return nil, err
		}
		return s.svc.CaseStudy(ctx, c.ID)
	}, s.caseStudyOut, func(c *hub.CaseStudy) string { return "/api/v1/case-studies/" + itoa64(c.ID) })
}

func (s *Server) apiCaseStudyUpdate(w http.ResponseWriter, r *http.Request) error {
	return apiUpdate(w, r, func(ctx context.Context, id int64, in *apijson.CaseStudy) error {
		c := in.Hub()
		c.ID = id
		return s.svc.UpdateCaseStudy(ctx, c)
	}, s.svc.CaseStudy, s.caseStudyOut)
}

func (s *Server) apiCaseStudyDelete(w http.ResponseWriter, r *http.Request) error {
	return apiDeleteByID(w, r, s.svc.DeleteCaseStudy)
}
