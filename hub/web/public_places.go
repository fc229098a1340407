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
	ctx := r.Context()
	pl, err := s.svc.PlaceBySlug(ctx, chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	from := s.svc.Now()
	occ, err := s.svc.Occurrences(ctx, hub.OccurrenceFilter{From: from, To: from.AddDate(0, 3, 0), PlaceID: pl.ID, Limit: 30})
	if err != nil {
		return err
	}
	studies, _, err := s.svc.ListCaseStudies(ctx, hub.CaseStudyFilter{PlaceID: pl.ID, Limit: 50})
	if err != nil {
		return err
	}
	p := s.page(r, pl.Name, nil)
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
	days := groupByDay(occ, s.today(p.Site).Location())
	s.addListThumbnails(p, r, days, nil, studies)
	p.Data = struct {
		Place       *hub.Place
		Days        []dayGroup
		CaseStudies []*hub.CaseStudy
		MapURL      string
	}{pl, days, studies, osmLink(pl)}
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
