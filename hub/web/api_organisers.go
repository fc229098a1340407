package web

import (
	"net/http"
	"strconv"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/apijson"
)

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

func (s *Server) apiOrganiserList(w http.ResponseWriter, r *http.Request) error {
	return apiListAll(w, r, s.svc.ListOrganisers, apijson.Encoder{}.Organiser)
}

func (s *Server) apiOrganiserGet(w http.ResponseWriter, r *http.Request) error {
	return apiGetByID(w, r, s.svc.Organiser, apijson.Encoder{}.Organiser)
}

func (s *Server) apiOrganiserCreate(w http.ResponseWriter, r *http.Request) error {
	var in apijson.Organiser
	if err := readJSON(r, &in); err != nil {
		return err
	}
	o := &hub.Organiser{Email: in.Email, Name: in.Name, Role: in.Role}
	if err := s.svc.CreateOrganiser(r.Context(), o, in.Password); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/organisers/"+itoa64(o.ID))
	return writeJSON(w, http.StatusCreated, apijson.Encoder{}.Organiser(o))
}

// apiOrganiserUpdate changes email, name and role, and the password when
// one is given: your own with current_password (a token alone is not the
// login), or as an admin someone else's. The password comes first, so
// that a refusal changes nothing.
func (s *Server) apiOrganiserUpdate(w http.ResponseWriter, r *http.Request) error {
	var in apijson.OrganiserUpdate
	id, err := readIDAndJSON(r, &in)
	if err != nil {
		return err
	}
	o := &hub.Organiser{ID: id, Email: in.Email, Name: in.Name, Role: in.Role}
	if in.Password != "" {
		if err := o.Validate(); err != nil {
			return err
		}
		if me := hub.OrganiserFrom(r.Context()); me != nil && me.ID == id {
			err = s.changeOwnPassword(w, r, in.CurrentPassword, in.Password)
		} else {
			err = s.svc.SetPassword(r.Context(), id, in.Password)
		}
		if err != nil {
			return err
		}
	}
	if err := s.svc.UpdateOrganiser(r.Context(), o); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, apijson.Encoder{}.Organiser(o))
}

func (s *Server) apiOrganiserDelete(w http.ResponseWriter, r *http.Request) error {
	return apiDeleteByID(w, r, s.svc.DeleteOrganiser)
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, apijson.Encoder{}.Organiser(hub.OrganiserFrom(r.Context())))
}
