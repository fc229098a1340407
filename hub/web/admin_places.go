package web

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/commonplace-hub/commonplace/hub"
)

func (s *Server) placeAdminList(w http.ResponseWriter, r *http.Request) error {
	places, err := s.svc.ListPlaces(r.Context())
	if err != nil {
		return err
	}
	p := s.page(r, s.t(r, "Places"), places)
	p.Section = "admin"
	return s.views.render(w, http.StatusOK, "admin/places", p)
}

func placeAction(id int64) string {
	if id == 0 {
		return "/admin/places/new"
	}
	return "/admin/places/" + strconv.FormatInt(id, 10) + "/edit"
}

func (s *Server) placeNew(w http.ResponseWriter, r *http.Request) error {
	return s.renderForm(w, r, http.StatusOK, "admin/place_form", "New place", formView{Form: placeForm{}, Action: placeAction(0)})
}

func (s *Server) placeCreate(w http.ResponseWriter, r *http.Request) error {
	return s.placeSave(w, r, 0)
}

func (s *Server) placeEdit(w http.ResponseWriter, r *http.Request) error {
	id, pl, err := itemByID(r, s.svc.Place)
	if err != nil {
		return err
	}
	return s.renderForm(w, r, http.StatusOK, "admin/place_form", "Edit place", formView{Form: placeFormFrom(pl), ID: id, Action: placeAction(id), ViewURL: "/places/" + pl.Slug})
}

func (s *Server) placeUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	return s.placeSave(w, r, id)
}

func (s *Server) placeSave(w http.ResponseWriter, r *http.Request, id int64) error {
	f := readPlaceForm(r)
	title := "New place"
	if id != 0 {
		title = "Edit place"
	}
	fv := formView{Form: f, ID: id, Action: placeAction(id), Errors: formErrors{}}
	if isPreview(r) {
		fv.Preview = map[string]template.HTML{"description": s.md.render(f.Description)}
		return s.renderForm(w, r, http.StatusOK, "admin/place_form", title, fv)
	}
	pl := f.place(fv.Errors)
	if len(fv.Errors) > 0 {
		if err := pl.Validate(); err != nil {
			fv.Errors.merge(err)
		}
		return s.renderForm(w, r, http.StatusUnprocessableEntity, "admin/place_form", title, fv)
	}
	pl.ID = id
	var err error
	if id == 0 {
		err = s.svc.CreatePlace(r.Context(), pl)
	} else {
		err = s.svc.UpdatePlace(r.Context(), pl)
	}
	if err != nil {
		return s.failedForm(w, r, err, "admin/place_form", title, fv)
	}
	s.redirectWithFlash(w, r, "/admin/places", s.t(r, "Place “%s” saved.", pl.Name))
	return nil
}

func (s *Server) placeDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	_, pl, err := itemByID(r, s.svc.Place)
	if err != nil {
		return err
	}
	return s.confirmDelete(w, r, deleteView{Kind: "place", Name: pl.Name, Action: r.URL.Path, Back: "/admin/places",
		Consequence: "A place that events or case studies still use cannot be deleted; move them to another place first."})
}

func (s *Server) placeDelete(w http.ResponseWriter, r *http.Request) error {
	id, pl, err := itemByID(r, s.svc.Place)
	if err != nil {
		return err
	}
	if err := s.svc.DeletePlace(r.Context(), id); err != nil {
		return err
	}
	s.redirectWithFlash(w, r, "/admin/places", s.t(r, "Place “%s” deleted.", pl.Name))
	return nil
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

func (f placeForm) place(errs formErrors) *hub.Place {
	p := &hub.Place{
		Name: f.Name, Description: f.Description, StreetAddress: f.StreetAddress, Locality: f.Locality,
		Region: f.Region, PostalCode: f.PostalCode, Country: f.Country,
	}
	var ok bool
	if p.Latitude, ok = parseFloatPtr(f.Latitude); !ok {
		errs["latitude"] = "Enter the latitude as a number such as 53.4668, or leave it empty."
	}
	if p.Longitude, ok = parseFloatPtr(f.Longitude); !ok {
		errs["longitude"] = "Enter the longitude as a number such as -2.2469, or leave it empty."
	}
	return p
}
