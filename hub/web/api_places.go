package web

import (
	"context"
	"net/http"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/apijson"
)

// placeOut is p as the API shows it; nil for none.
func (s *Server) placeOut(p *hub.Place) *apijson.Place { return s.enc().Place(p) }

func (s *Server) apiPlaceList(w http.ResponseWriter, r *http.Request) error {
	return apiListAll(w, r, s.svc.ListPlaces, s.placeOut)
}

func (s *Server) apiPlaceGet(w http.ResponseWriter, r *http.Request) error {
	return apiGetByID(w, r, s.svc.Place, s.placeOut)
}

func (s *Server) apiPlaceCreate(w http.ResponseWriter, r *http.Request) error {
	return apiCreate(w, r, func(ctx context.Context, in *apijson.Place) (*hub.Place, error) {
		p := in.Hub()
		return p, s.svc.CreatePlace(ctx, p)
	}, s.placeOut, func(p *hub.Place) string { return "/api/v1/places/" + itoa64(p.ID) })
}

func (s *Server) apiPlaceUpdate(w http.ResponseWriter, r *http.Request) error {
	return apiUpdate(w, r, func(ctx context.Context, id int64, in *apijson.Place) error {
		p := in.Hub()
		p.ID = id
		return s.svc.UpdatePlace(ctx, p)
	}, s.svc.Place, s.placeOut)
}

func (s *Server) apiPlaceDelete(w http.ResponseWriter, r *http.Request) error {
	return apiDeleteByID(w, r, s.svc.DeletePlace)
}
