package web

import (
	"net/http"
	"strconv"

	"github.com/commonplace-hub/commonplace/hub"
)

type organiserForm struct {
	Email, Name, Role, Password string
}

func organiserAction(id int64) string {
	if id == 0 {
		return "/admin/organisers/new"
	}
	return "/admin/organisers/" + strconv.FormatInt(id, 10) + "/edit"
}

func (s *Server) organiserNew(w http.ResponseWriter, r *http.Request) error {
	if !hub.OrganiserFrom(r.Context()).IsAdmin() {
		return hub.Errorf(hub.EFORBIDDEN, "Only admins can add organisers.")
	}
	return s.renderForm(w, r, http.StatusOK, "admin/organiser_form", "Add an organiser", formView{Form: organiserForm{Role: hub.RoleEditor}, Action: organiserAction(0)})
}

func (s *Server) organiserCreate(w http.ResponseWriter, r *http.Request) error {
	f := organiserForm{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"), Role: r.PostFormValue("role"), Password: r.PostFormValue("password")}
	o := &hub.Organiser{Email: f.Email, Name: f.Name, Role: f.Role}
	if err := s.svc.CreateOrganiser(r.Context(), o, f.Password); err != nil {
		f.Password = "" // never echo a password back into a page
		return s.failedForm(w, r, err, "admin/organiser_form", "Add an organiser", formView{Form: f, Action: organiserAction(0)})
	}
	s.redirectWithFlash(w, r, "/admin/organisers", s.t(r, "%s can now log in with %s and the password you chose.", o.Name, o.Email))
	return nil
}

func (s *Server) organiserEdit(w http.ResponseWriter, r *http.Request) error {
	id, o, err := itemByID(r, s.svc.Organiser)
	if err != nil {
		return err
	}
	return s.renderForm(w, r, http.StatusOK, "admin/organiser_form", "Edit organiser", formView{Form: organiserForm{Email: o.Email, Name: o.Name, Role: o.Role}, ID: id, Action: organiserAction(id)})
}

func (s *Server) organiserUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	f := organiserForm{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"), Role: r.PostFormValue("role")}
	fv := formView{Form: f, ID: id, Action: organiserAction(id)}
	o := &hub.Organiser{ID: id, Email: f.Email, Name: f.Name, Role: f.Role}
	if pw := r.PostFormValue("password"); pw != "" {
		// An admin resetting someone's password, before anything else is
		// saved, so that a refusal (your own password needs the current
		// one: Your account) changes nothing.
		if err := o.Validate(); err != nil {
			return s.failedForm(w, r, err, "admin/organiser_form", "Edit organiser", fv)
		}
		if err := s.svc.SetPassword(r.Context(), id, pw); err != nil {
			return s.failedForm(w, r, err, "admin/organiser_form", "Edit organiser", fv)
		}
	}
	if err := s.svc.UpdateOrganiser(r.Context(), o); err != nil {
		return s.failedForm(w, r, err, "admin/organiser_form", "Edit organiser", fv)
	}
	s.redirectWithFlash(w, r, "/admin/organisers", s.t(r, "Organiser “%s” saved.", o.Name))
	return nil
}

func (s *Server) organiserDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	_, o, err := itemByID(r, s.svc.Organiser)
	if err != nil {
		return err
	}
	return s.confirmDelete(w, r, deleteView{Kind: "organiser", Name: o.Name + " (" + o.Email + ")", Action: r.URL.Path, Back: "/admin/organisers",
		Consequence: s.t(r, "They will be logged out and their API tokens revoked. What they published stays.")})
}

func (s *Server) organiserDelete(w http.ResponseWriter, r *http.Request) error {
	id, o, err := itemByID(r, s.svc.Organiser)
	if err != nil {
		return err
	}
	return s.redirectDone(w, r, s.svc.DeleteOrganiser(r.Context(), id), "/admin/organisers", s.t(r, "Organiser “%s” removed.", o.Name))
}
