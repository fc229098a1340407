package web

import (
	"context"
	"net/http"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/uris"
)

// placeItems is the place editor and delete pages.
func (s *Server) placeItems() *itemEditor[*hub.Place, placeForm] {
	return &itemEditor[*hub.Place, placeForm]{
		itemDeleter: itemDeleter[*hub.Place]{
			s: s, base: "/admin/places", kind: msg("place"), deleted: msg("Place “%s” deleted."),
			find: byID(s.svc.Place), remove: s.svc.DeletePlace, name: func(p *hub.Place) string { return p.Name },
			consequence: func(r *http.Request, _ *hub.Place) string {
				return s.t(r, "A place that events or case studies still use cannot be deleted; move them to another place first.")
			},
		},
		view: "admin/place_form", newTitle: msg("New place"), editTitle: msg("Edit place"), saved: msg("Place “%s” saved."),
		read: readPlaceForm, form: placeFormFrom, convert: placeForm.place,
		store: func(ctx context.Context, id int64, p *hub.Place, _ placeForm) error {
			if p.ID = id; id == 0 {
				return s.svc.CreatePlace(ctx, p)
			}
			return s.svc.UpdatePlace(ctx, p)
		},
		preview: func(f placeForm) map[string]string { return map[string]string{"description": f.Description} },
		picture: hub.OwnerPlace, idOf: func(p *hub.Place) int64 { return p.ID },
		editing: func(p *hub.Place, fv *formView) { fv.ViewURL = uris.Place(p.Slug) },
	}
}

// placeForm is the place editor.
type placeForm struct {
	Name, Description, StreetAddress, Locality, Region, PostalCode, Country string
	Latitude, Longitude                                                     string
}

func readPlaceForm(r *http.Request) placeForm {
	v := r.PostFormValue
	return placeForm{
		Name: v("name"), Description: v("description"), StreetAddress: v("street_address"), Locality: v("locality"),
		Region: v("region"), PostalCode: v("postal_code"), Country: v("country"), Latitude: v("latitude"), Longitude: v("longitude"),
	}
}

func placeFormFrom(p *hub.Place) placeForm {
	return placeForm{
		Name: p.Name, Description: p.Description, StreetAddress: p.StreetAddress, Locality: p.Locality,
		Region: p.Region, PostalCode: p.PostalCode, Country: p.Country,
		Latitude: formatFloatPtr(p.Latitude), Longitude: formatFloatPtr(p.Longitude),
	}
}

func (f placeForm) place(tr translator, errs formErrors) *hub.Place {
	p := &hub.Place{
		Name: f.Name, Description: f.Description, StreetAddress: f.StreetAddress, Locality: f.Locality,
		Region: f.Region, PostalCode: f.PostalCode, Country: f.Country,
	}
	p.Latitude, p.Longitude = parseCoordinates(f.Latitude, f.Longitude, "latitude", "longitude", tr, errs)
	return p
}
