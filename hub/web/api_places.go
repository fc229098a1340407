package web

import (
	"context"
	"net/http"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

type placeJSON struct {
	ID            int64     `json:"id,omitempty"`
	Slug          string    `json:"slug,omitempty"`
	URL           string    `json:"url,omitempty"`
	Name          string    `json:"name"`
	Description   string    `json:"description,omitempty"`
	StreetAddress string    `json:"street_address,omitempty"`
	Locality      string    `json:"locality,omitempty"`
	Region        string    `json:"region,omitempty"`
	PostalCode    string    `json:"postal_code,omitempty"`
	Country       string    `json:"country,omitempty"`
	Latitude      *float64  `json:"latitude,omitempty"`
	Longitude     *float64  `json:"longitude,omitempty"`
	CreatedAt     time.Time `json:"created_at,omitzero"`
	UpdatedAt     time.Time `json:"updated_at,omitzero"`
}

func (s *Server) placeOut(p *hub.Place) *placeJSON {
	if p == nil {
		return nil
	}
	return &placeJSON{
		ID: p.ID, Slug: p.Slug, URL: s.absURL("/places/" + p.Slug), Name: p.Name, Description: p.Description,
		StreetAddress: p.StreetAddress, Locality: p.Locality, Region: p.Region, PostalCode: p.PostalCode,
		Country: p.Country, Latitude: p.Latitude, Longitude: p.Longitude, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
	}
}

func (p *placeJSON) place() *hub.Place {
	return &hub.Place{
		Name: p.Name, Description: p.Description, StreetAddress: p.StreetAddress, Locality: p.Locality,
		Region: p.Region, PostalCode: p.PostalCode, Country: p.Country, Latitude: p.Latitude, Longitude: p.Longitude,
	}
}

func (s *Server) apiPlaceList(w http.ResponseWriter, r *http.Request) error {
	places, err := s.svc.ListPlaces(r.Context())
	if err != nil {
		return err
	}
	return writeList(w, places, len(places), s.placeOut)
}

func (s *Server) apiPlaceGet(w http.ResponseWriter, r *http.Request) error {
	return apiGetByID(w, r, s.svc.Place, s.placeOut)
}

func (s *Server) apiPlaceCreate(w http.ResponseWriter, r *http.Request) error {
	return apiCreate(w, r, func(ctx context.Context, in *placeJSON) (*hub.Place, error) {
		p := in.place()
		return p, s.svc.CreatePlace(ctx, p)
	}, s.placeOut, func(p *hub.Place) string { return "/api/v1/places/" + itoa64(p.ID) })
}

func (s *Server) apiPlaceUpdate(w http.ResponseWriter, r *http.Request) error {
	return apiUpdate(w, r, func(ctx context.Context, id int64, in *placeJSON) error {
		p := in.place()
		p.ID = id
		return s.svc.UpdatePlace(ctx, p)
	}, s.svc.Place, s.placeOut)
}

func (s *Server) apiPlaceDelete(w http.ResponseWriter, r *http.Request) error {
	return apiDeleteByID(w, r, s.svc.DeletePlace)
}
