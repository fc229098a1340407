package web

import (
	"net/http"

	"github.com/commonplace-hub/commonplace/hub"
)

func (s *Server) accountForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderForm(w, r, http.StatusOK, "admin/account", "Your account", formView{Action: "/admin/account/password"})
}

// accountPassword changes your own password, given the current one.
func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request) error {
	current, pw, again := r.PostFormValue("current_password"), r.PostFormValue("password"), r.PostFormValue("password_again")
	fv := formView{Action: "/admin/account/password", Errors: formErrors{}}
	if pw != again {
		fv.Errors["password_again"] = s.t(r, "The two passwords are not the same.")
		return s.renderForm(w, r, http.StatusUnprocessableEntity, "admin/account", "Your account", fv)
	}
	if err := s.changeOwnPassword(w, r, current, pw); err != nil {
		if hub.ErrorCode(err) == hub.ETOOMANY {
			fv.Errors["_form"] = s.errorMessage(r, err)
			return s.renderForm(w, r, http.StatusTooManyRequests, "admin/account", "Your account", fv)
		}
		return s.failedForm(w, r, err, "admin/account", "Your account", fv)
	}
	// Changing a password ends every session, this one included.
	s.redirect(w, r, "/admin/login?changed=1")
	return nil
}

type tokensView struct {
	Tokens []*hub.APIToken
	Name   string
	Secret string // shown once, right after creation
	Errors formErrors
}

func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, status int, v tokensView) error {
	list, err := s.svc.ListTokens(r.Context())
	if err != nil {
		return err
	}
	v.Tokens = list
	if v.Errors == nil {
		v.Errors = formErrors{}
	}
	return s.adminRender(w, r, status, "admin/tokens", s.t(r, "API tokens"), v)
}

func (s *Server) tokenList(w http.ResponseWriter, r *http.Request) error {
	return s.renderTokens(w, r, http.StatusOK, tokensView{})
}

func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request) error {
	name := r.PostFormValue("name")
	_, secret, err := s.svc.CreateToken(r.Context(), 0, name)
	if err != nil {
		v := tokensView{Name: name, Errors: formErrors{}}
		if !v.Errors.merge(s.translator(r), err) {
			return err
		}
		return s.renderTokens(w, r, http.StatusUnprocessableEntity, v)
	}
	return s.renderTokens(w, r, http.StatusOK, tokensView{Secret: secret})
}

func (s *Server) tokenDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	return s.redirectDone(w, r, s.svc.DeleteToken(r.Context(), id), "/admin/tokens", s.t(r, "Token revoked: programs using it can no longer act for you."))
}
