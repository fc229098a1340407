package web

import (
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"
)

func (s *Server) tagAdminList(w http.ResponseWriter, r *http.Request) error {
	tags, err := s.svc.ListTags(r.Context())
	if err != nil {
		return err
	}
	p := s.page(r, s.t(r, "Topics"), tags)
	p.Section = "admin"
	return s.views.render(w, http.StatusOK, "admin/tags", p)
}

type tagForm struct{ Name, Description, Slug string }

func (s *Server) tagEdit(w http.ResponseWriter, r *http.Request) error {
	t, err := s.svc.TagBySlug(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	return s.renderForm(w, r, http.StatusOK, "admin/tag_form", "Edit topic", formView{
		Form: tagForm{t.Name, t.Description, t.Slug}, ID: t.ID, Action: r.URL.Path, ViewURL: "/tags/" + t.Slug,
	})
}

func (s *Server) tagUpdate(w http.ResponseWriter, r *http.Request) error {
	t, err := s.svc.TagBySlug(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	f := tagForm{Name: r.PostFormValue("name"), Description: r.PostFormValue("description"), Slug: t.Slug}
	t.Name, t.Description = f.Name, f.Description
	if err := s.svc.UpdateTag(r.Context(), t); err != nil {
		return s.failedForm(w, r, err, "admin/tag_form", "Edit topic", formView{Form: f, ID: t.ID, Action: r.URL.Path, ViewURL: "/tags/" + t.Slug})
	}
	s.redirectWithFlash(w, r, "/admin/tags", s.t(r, "Topic “%s” saved.", t.Name))
	return nil
}

func (s *Server) tagDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	t, err := s.svc.TagBySlug(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	return s.confirmDelete(w, r, deleteView{Kind: "topic", Name: t.Name, Action: r.URL.Path, Back: "/admin/tags",
		Consequence: fmt.Sprintf("It will be removed from the %d items that use it; the items stay.", t.Uses)})
}

func (s *Server) tagDelete(w http.ResponseWriter, r *http.Request) error {
	t, err := s.svc.TagBySlug(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	if err := s.svc.DeleteTag(r.Context(), t.ID); err != nil {
		return err
	}
	s.redirectWithFlash(w, r, "/admin/tags", s.t(r, "Topic “%s” deleted.", t.Name))
	return nil
}
