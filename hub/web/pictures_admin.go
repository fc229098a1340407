package web

import (
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/apijson"
)

// headerUpdate saves, describes or removes the hub's header image
// (settings page). A refused file shows the settings again with why.
func (s *Server) headerUpdate(w http.ResponseWriter, r *http.Request) error {
	errs := formErrors{}
	in := s.readPictureInput(r, errs, true)
	if err := s.svc.CheckPictureBudget(r.Context(), hub.OwnerHeader, 0, in.upload); err != nil && !errs.merge(s.translator(r), err) {
		return err
	}
	flash := s.t(r, "Header image saved.")
	if len(errs) == 0 {
		var err error
		switch {
		case in.upload != nil || in.remove:
			if in.remove && in.upload == nil {
				flash = s.t(r, "Header image removed.")
			}
			err = s.savePicture(r.Context(), hub.OwnerHeader, 0, in)
		default:
			err = s.describeCurrent(r, hub.OwnerHeader, 0, in.alt)
		}
		if err != nil && !errs.merge(s.translator(r), err) {
			return err
		}
	}
	if len(errs) > 0 {
		st, err := s.svc.Settings(r.Context())
		if err != nil {
			return err
		}
		return s.renderForm(w, r, http.StatusUnprocessableEntity, "admin/settings", "Hub settings", formView{
			Form: s.settingsFormFrom(st), Zones: commonZones, Action: "/admin/settings", Errors: errs,
			Picture: s.editorPicture(r, hub.OwnerHeader, 0, &in),
		})
	}
	s.redirectWithFlash(w, r, "/admin/settings", flash)
	return nil
}

// describeCurrent sets the description of an owner's current picture; with
// none, the form needed a file.
func (s *Server) describeCurrent(r *http.Request, owner hub.PictureOwner, id int64, alt string) error {
	p, err := s.svc.Picture(r.Context(), owner, id)
	if hub.ErrorCode(err) == hub.ENOTFOUND {
		e := hub.Errorf(hub.EINVALID, "Choose a picture file.")
		e.Fields = map[string]string{"image": e.Message}
		return e
	}
	if err != nil {
		return err
	}
	return s.svc.DescribePicture(r.Context(), p.ID, alt)
}

// describedPicture is a picture on the "needs a description" page.
type describedPicture struct {
	ID      int64
	Picture *shownPicture
	Of      string // what it belongs to, translated
	Link    string // the organiser page of its owner, "" for none
}

// picturesPage is /admin/pictures: the pictures that need a description
// and the space pictures take.
type picturesPage struct {
	List  []describedPicture
	Space *pictureSpace
}

// picturesWithoutAlt lists the pictures that need a description, each
// with a form to add one.
func (s *Server) picturesWithoutAlt(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.PicturesWithoutAlt(r.Context())
	if err != nil {
		return err
	}
	return s.adminPage(w, r, "admin/pictures", s.t(r, "Pictures that need a description"), picturesPage{List: s.describedPictures(r, list), Space: s.pictureSpaceOf(r)})
}

// describedPictures says what each picture belongs to, with a link to its
// owner's organiser page (this page and the moderation queue list them).
func (s *Server) describedPictures(r *http.Request, list []*hub.Picture) []describedPicture {
	out := make([]describedPicture, 0, len(list))
	for _, p := range list {
		d := describedPicture{ID: p.ID, Picture: s.showPicture(p)}
		if k := p.Owner.Kind(); k != "" {
			d.Of, d.Link = s.t(r, k.Info().Label), "/admin/"+k.Path()+"/"+strconv.FormatInt(p.OwnerID, 10)+"/edit"
		} else if p.Owner == hub.OwnerCommons {
			d.Of, d.Link = s.t(r, "From a peer hub, in the commons"), "/commons/"+strconv.FormatInt(p.OwnerID, 10)
		} else if p.Owner == hub.OwnerPlace {
			d.Of, d.Link = s.t(r, "Place"), "/admin/places/"+strconv.FormatInt(p.OwnerID, 10)+"/edit"
		} else {
			d.Of, d.Link = s.t(r, "Header image"), "/admin/settings"
		}
		out = append(out, d)
	}
	return out
}

// pictureDescribe saves a description from the "needs a description" page.
func (s *Server) pictureDescribe(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	if err := s.svc.DescribePicture(r.Context(), id, r.PostFormValue("image_alt")); err != nil {
		if hub.ErrorCode(err) != hub.EINVALID {
			return err
		}
		s.redirectWithFlash(w, r, "/admin/pictures", s.errorMessage(r, err))
		return nil
	}
	s.redirectWithFlash(w, r, "/admin/pictures", s.t(r, "Description saved."))
	return nil
}

// ---- API ----

// apiPicture is a picture as the API answers it.
type apiPicture = apijson.Picture

func (s *Server) apiPictureOf(p *hub.Picture) apiPicture { return s.enc().Picture(p) }

// apiPictureOwner reads whose picture an API path names.
func apiPictureOwner(owner hub.PictureOwner) func(*http.Request) (hub.PictureOwner, int64, error) {
	return func(r *http.Request) (hub.PictureOwner, int64, error) {
		if owner == hub.OwnerHeader {
			return owner, 0, nil
		}
		id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
		if err != nil || id <= 0 {
			return "", 0, hub.Errorf(hub.ENOTFOUND, "No picture.")
		}
		return owner, id, nil
	}
}

// apiPictureGet answers an owner's picture.
func (s *Server) apiPictureGet(of func(*http.Request) (hub.PictureOwner, int64, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		owner, id, err := of(r)
		if err != nil {
			return err
		}
		p, err := s.svc.Picture(r.Context(), owner, id)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, s.apiPictureOf(p))
	}
}

// apiPicturePut sets an owner's picture: a multipart body (image, alt,
// focus), or the file itself as the body with ?alt= and ?focus=.
func (s *Server) apiPicturePut(of func(*http.Request) (hub.PictureOwner, int64, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		owner, id, err := of(r)
		if err != nil {
			return err
		}
		up, err := readAPIPicture(r)
		if err != nil {
			return err
		}
		p, err := s.svc.SetPicture(r.Context(), owner, id, up)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, s.apiPictureOf(p))
	}
}

func readAPIPicture(r *http.Request) (hub.PictureUpload, error) {
	var up hub.PictureUpload
	var focus string
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := parseForm(r); err != nil {
			return up, err
		}
		up.Alt, focus = r.PostFormValue("alt"), r.PostFormValue("focus")
		up.Data, err = formFile(r, "image")
	} else {
		up.Alt, focus = r.URL.Query().Get("alt"), r.URL.Query().Get("focus")
		up.Data, err = io.ReadAll(io.LimitReader(r.Body, hub.MaxPictureBytes+1))
	}
	if err != nil {
		return up, err
	}
	up.FocusX, up.FocusY, err = hub.ParseFocus(focus)
	return up, err
}

// apiPictureDelete removes an owner's picture.
func (s *Server) apiPictureDelete(of func(*http.Request) (hub.PictureOwner, int64, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		owner, id, err := of(r)
		if err != nil {
			return err
		}
		return noContent(w, s.svc.RemovePicture(r.Context(), owner, id))
	}
}

// apiPicturesWithoutAlt lists the pictures that need a description.
func (s *Server) apiPicturesWithoutAlt(w http.ResponseWriter, r *http.Request) error {
	return apiListAll(w, r, s.svc.PicturesWithoutAlt, s.apiPictureOf)
}

// apiPictureDescribe sets a picture's description: {"alt": "..."}.
func (s *Server) apiPictureDescribe(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var in struct {
		Alt string `json:"alt"`
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	return s.svc.DescribePicture(r.Context(), id, in.Alt)
}
