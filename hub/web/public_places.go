package web

import (
	"fmt"
	"net/http"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/uris"
	"github.com/go-chi/chi/v5"
)

func (s *Server) placeList(w http.ResponseWriter, r *http.Request) error {
	places, err := s.svc.ListPlaces(r.Context())
	if err != nil {
		return err
	}
	return s.listPage(w, r, "public/places", "places", msg("Places"), msg("Where the events of %s happen."), places, func(p *pageData) {
		s.addThumbnails(p, r, hub.OwnerPlace, placeIDs(places))
	})
}

func (s *Server) placeShow(w http.ResponseWriter, r *http.Request) error {
	pl, err := s.svc.PlaceBySlug(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	p := s.page(r, pl.Name, nil)
	lists, err := s.lists(p, r, 3, hub.OccurrenceFilter{PlaceID: pl.ID, Limit: 30}, nil, &hub.CaseStudyFilter{PlaceID: pl.ID, Limit: 50})
	if err != nil {
		return err
	}
	p.Section = "places"
	p.Description = pl.Address()
	if d := s.plainText(pl.Description, 200); d != "" {
		p.Description += ". " + d
	}
	ld := placeJSONLD(pl)
	ld["@context"] = "https://schema.org"
	ld["url"] = s.absURL(uris.Place(pl.Slug))
	p.JSONLD = ld
	p.Calendar, p.CalendarLabel = uris.PlaceCalendar(pl.Slug), s.t(r, "[calendar of a place] events at %s", pl.Name)
	p.Data = struct {
		Place *hub.Place
		pageLists
		MapURL string
	}{pl, lists, osmLink(pl)}
	s.withPicture(p, r, hub.OwnerPlace, pl.ID)
	return s.views.render(w, http.StatusOK, "public/place", p)
}

// osmLink is a plain link to OpenStreetMap: readers who follow it choose
// to; the page itself loads nothing from elsewhere.
func osmLink(p *hub.Place) string {
	if p.Latitude == nil || p.Longitude == nil {
		return ""
	}
	return fmt.Sprintf("https://www.openstreetmap.org/?mlat=%.5f&mlon=%.5f#map=17/%.5f/%.5f", *p.Latitude, *p.Longitude, *p.Latitude, *p.Longitude)
}
