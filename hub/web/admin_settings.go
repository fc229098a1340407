package web

import (
	"io"
	"net/http"

	"github.com/commonplace-hub/commonplace/hub"
)

// ---- settings ----

type settingsForm struct {
	Name, Description, TimeZone, Language, AccentColour string
	HasLogo                                             bool

	// The Fediverse fieldset.
	Handle                                             string
	Discoverable, Indexable, ManuallyApprovesFollowers bool
	Host                                               string // the hub's host, shown in @handle@host

	// The area fieldset.
	AreaName, AreaLatitude, AreaLongitude string
	AnswersNetworkSearch                  bool
}

func (s *Server) settingsFormFrom(st hub.Settings) settingsForm {
	return settingsForm{
		Name: st.Name, Description: st.Description, TimeZone: st.TimeZone, Language: st.Language,
		AccentColour: st.AccentColour, HasLogo: st.LogoType != "",
		Handle: st.Handle, Discoverable: st.Discoverable, Indexable: st.Indexable,
		ManuallyApprovesFollowers: st.ManuallyApprovesFollowers, Host: s.base.Host,
		AreaName: st.Area.Name, AreaLatitude: formatFloatPtr(st.Area.Latitude), AreaLongitude: formatFloatPtr(st.Area.Longitude),
		AnswersNetworkSearch: st.AnswersNetworkSearch,
	}
}

func (s *Server) settingsForm(w http.ResponseWriter, r *http.Request) error {
	st, err := s.svc.Settings(r.Context())
	if err != nil {
		return err
	}
	if !hub.OrganiserFrom(r.Context()).IsAdmin() {
		return hub.Errorf(hub.EFORBIDDEN, "Only admins can change the hub's settings. Ask an admin of this hub.")
	}
	header := s.editorPicture(r, hub.OwnerHeader, 0, nil)
	header.Space = s.pictureSpaceOf(r)
	return s.renderForm(w, r, http.StatusOK, "admin/settings", "Hub settings", formView{
		Form: s.settingsFormFrom(st), Zones: commonZones, Action: "/admin/settings", Picture: header,
	})
}

func (s *Server) settingsUpdate(w http.ResponseWriter, r *http.Request) error {
	st, err := s.svc.Settings(r.Context())
	if err != nil {
		return err
	}
	v := r.PostFormValue
	f := s.settingsFormFrom(st)
	f.Name, f.Description, f.TimeZone, f.Language, f.AccentColour = v("name"), v("description"), v("timezone"), v("language"), v("accent_colour")
	// A form without the handle field comes from a page opened before the
	// Fediverse fieldset existed: keep those settings rather than reading
	// its missing checkboxes as "off".
	if _, ok := r.PostForm["handle"]; ok {
		f.Handle = v("handle")
		f.Discoverable, f.Indexable, f.ManuallyApprovesFollowers = v("discoverable") != "", v("indexable") != "", v("manually_approves_followers") != ""
	}
	errs := formErrors{}
	// Likewise a form from before the area fieldset keeps the area.
	if _, ok := r.PostForm["area_name"]; ok {
		f.AreaName, f.AreaLatitude, f.AreaLongitude = v("area_name"), v("area_latitude"), v("area_longitude")
		st.Area.Name = f.AreaName
		f.AnswersNetworkSearch = v("answers_network_search") != ""
		st.AnswersNetworkSearch = f.AnswersNetworkSearch
		st.Area.Latitude, st.Area.Longitude = parseCoordinates(f.AreaLatitude, f.AreaLongitude, "area_latitude", "area_longitude", s.translator(r), errs)
	}
	st.Name, st.Description, st.TimeZone, st.Language, st.AccentColour = f.Name, f.Description, f.TimeZone, f.Language, f.AccentColour
	st.Handle, st.Discoverable, st.Indexable, st.ManuallyApprovesFollowers = f.Handle, f.Discoverable, f.Indexable, f.ManuallyApprovesFollowers
	view := formView{Form: f, Zones: commonZones, Action: "/admin/settings", Errors: errs}
	if len(errs) > 0 {
		return s.renderForm(w, r, http.StatusUnprocessableEntity, "admin/settings", "Hub settings", view)
	}
	if err := s.svc.UpdateSettings(r.Context(), st); err != nil {
		return s.failedForm(w, r, err, "admin/settings", "Hub settings", view)
	}
	s.forgetHubLanguage()
	s.redirectWithFlash(w, r, "/admin/settings", s.t(r, "Settings saved."))
	return nil
}

func (s *Server) logoUpdate(w http.ResponseWriter, r *http.Request) error {
	st, err := s.svc.Settings(r.Context())
	if err != nil {
		return err
	}
	form := s.settingsFormFrom(st)
	fail := func(msg string) error {
		return s.renderForm(w, r, http.StatusUnprocessableEntity, "admin/settings", "Hub settings", formView{
			Form: form, Zones: commonZones, Action: "/admin/settings", Errors: formErrors{"logo": msg},
		})
	}
	if r.PostFormValue("remove") != "" {
		return s.redirectDone(w, r, s.svc.UpdateLogo(r.Context(), nil, ""), "/admin/settings", s.t(r, "Logo removed."))
	}
	file, _, err := r.FormFile("logo")
	if err != nil {
		return fail(s.t(r, "Choose an image file for the logo."))
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, hub.MaxLogoSize+1))
	if err != nil {
		return fail(s.t(r, "The file could not be read. Please try again."))
	}
	if err := s.svc.UpdateLogo(r.Context(), data, http.DetectContentType(data)); err != nil {
		if hub.ErrorCode(err) == hub.EINVALID {
			return fail(s.errorMessage(r, err))
		}
		return err
	}
	s.redirectWithFlash(w, r, "/admin/settings", s.t(r, "Logo updated."))
	return nil
}
