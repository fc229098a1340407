package web

import (
	"io"
	"net/http"
	"strconv"

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
}

func (s *Server) settingsFormFrom(st hub.Settings) settingsForm {
	return settingsForm{
		Name: st.Name, Description: st.Description, TimeZone: st.TimeZone, Language: st.Language,
		AccentColour: st.AccentColour, HasLogo: st.LogoType != "",
		Handle: st.Handle, Discoverable: st.Discoverable, Indexable: st.Indexable,
		ManuallyApprovesFollowers: st.ManuallyApprovesFollowers, Host: s.base.Host,
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
	return s.renderForm(w, r, http.StatusOK, "admin/settings", "Hub settings", formView{
		Form: s.settingsFormFrom(st), Zones: commonZones, Action: "/admin/settings",
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
	st.Name, st.Description, st.TimeZone, st.Language, st.AccentColour = f.Name, f.Description, f.TimeZone, f.Language, f.AccentColour
	st.Handle, st.Discoverable, st.Indexable, st.ManuallyApprovesFollowers = f.Handle, f.Discoverable, f.Indexable, f.ManuallyApprovesFollowers
	if err := s.svc.UpdateSettings(r.Context(), st); err != nil {
		return s.failedForm(w, r, err, "admin/settings", "Hub settings", formView{Form: f, Zones: commonZones, Action: "/admin/settings"})
	}
	s.redirectWithFlash(w, r, "/admin/settings", "Settings saved.")
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
		if err := s.svc.UpdateLogo(r.Context(), nil, ""); err != nil {
			return err
		}
		s.redirectWithFlash(w, r, "/admin/settings", "Logo removed.")
		return nil
	}
	file, _, err := r.FormFile("logo")
	if err != nil {
		return fail("Choose an image file for the logo.")
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, hub.MaxLogoSize+1))
	if err != nil {
		return fail("The file could not be read. Please try again.")
	}
	if err := s.svc.UpdateLogo(r.Context(), data, http.DetectContentType(data)); err != nil {
		if hub.ErrorCode(err) == hub.EINVALID {
			return fail(hub.ErrorMessage(err))
		}
		return err
	}
	s.redirectWithFlash(w, r, "/admin/settings", "Logo updated.")
	return nil
}

// ---- organisers ----

func (s *Server) organiserList(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.ListOrganisers(r.Context())
	if err != nil {
		return err
	}
	p := s.page(r, "Organisers", list)
	p.Section = "admin"
	return s.views.render(w, http.StatusOK, "admin/organisers", p)
}

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
	s.redirectWithFlash(w, r, "/admin/organisers", o.Name+" can now log in with "+o.Email+" and the password you chose.")
	return nil
}

func (s *Server) organiserEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	o, err := s.svc.Organiser(r.Context(), id)
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
	s.redirectWithFlash(w, r, "/admin/organisers", "Organiser “"+o.Name+"” saved.")
	return nil
}

func (s *Server) organiserDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	o, err := s.svc.Organiser(r.Context(), id)
	if err != nil {
		return err
	}
	return s.confirmDelete(w, r, deleteView{Kind: "organiser", Name: o.Name + " (" + o.Email + ")", Action: r.URL.Path, Back: "/admin/organisers",
		Consequence: "They will be logged out and their API tokens revoked. What they published stays."})
}

func (s *Server) organiserDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	o, err := s.svc.Organiser(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteOrganiser(r.Context(), id); err != nil {
		return err
	}
	s.redirectWithFlash(w, r, "/admin/organisers", "Organiser “"+o.Name+"” removed.")
	return nil
}

// ---- own account and API tokens ----

func (s *Server) accountForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderForm(w, r, http.StatusOK, "admin/account", "Your account", formView{Action: "/admin/account/password"})
}

// accountPassword changes your own password, given the current one.
func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request) error {
	current, pw, again := r.PostFormValue("current_password"), r.PostFormValue("password"), r.PostFormValue("password_again")
	fv := formView{Action: "/admin/account/password", Errors: formErrors{}}
	if pw != again {
		fv.Errors["password_again"] = "The two passwords are not the same."
		return s.renderForm(w, r, http.StatusUnprocessableEntity, "admin/account", "Your account", fv)
	}
	if err := s.changeOwnPassword(w, r, current, pw); err != nil {
		if hub.ErrorCode(err) == hub.ETOOMANY {
			fv.Errors["_form"] = hub.ErrorMessage(err)
			return s.renderForm(w, r, http.StatusTooManyRequests, "admin/account", "Your account", fv)
		}
		return s.failedForm(w, r, err, "admin/account", "Your account", fv)
	}
	// Changing a password ends every session, this one included.
	http.Redirect(w, r, "/admin/login?changed=1", http.StatusSeeOther)
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
	p := s.page(r, "API tokens", v)
	p.Section = "admin"
	return s.views.render(w, status, "admin/tokens", p)
}

func (s *Server) tokenList(w http.ResponseWriter, r *http.Request) error {
	return s.renderTokens(w, r, http.StatusOK, tokensView{})
}

func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request) error {
	name := r.PostFormValue("name")
	_, secret, err := s.svc.CreateToken(r.Context(), 0, name)
	if err != nil {
		v := tokensView{Name: name, Errors: formErrors{}}
		if !v.Errors.merge(err) {
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
	if err := s.svc.DeleteToken(r.Context(), id); err != nil {
		return err
	}
	s.redirectWithFlash(w, r, "/admin/tokens", "Token revoked: programs using it can no longer act for you.")
	return nil
}
