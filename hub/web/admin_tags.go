package web

import (
	"net/http"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/uris"
	"github.com/go-chi/chi/v5"
)

type tagForm struct{ Name, Description, Slug string }

func (s *Server) tagEdit(w http.ResponseWriter, r *http.Request) error {
	t, err := s.svc.TagBySlug(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	return s.renderForm(w, r, http.StatusOK, "admin/tag_form", "Edit topic", formView{
		Form: tagForm{t.Name, t.Description, t.Slug}, ID: t.ID, Action: r.URL.Path, ViewURL: uris.Tag(t.Slug),
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
		return s.failedForm(w, r, err, "admin/tag_form", "Edit topic", formView{Form: f, ID: t.ID, Action: r.URL.Path, ViewURL: uris.Tag(t.Slug)})
	}
	s.redirectWithFlash(w, r, "/admin/tags", s.t(r, "Topic “%s” saved.", t.Name))
	return nil
}

// tagDeleter is the topic delete pages; topics are named by slug.
func (s *Server) tagDeleter() *itemDeleter[*hub.Tag] {
	return &itemDeleter[*hub.Tag]{
		s: s, base: "/admin/tags", kind: msg("topic"), deleted: msg("Topic “%s” deleted."),
		find: func(r *http.Request) (int64, *hub.Tag, error) {
			t, err := s.svc.TagBySlug(r.Context(), chi.URLParam(r, "slug"))
			if err != nil {
				return 0, nil, err
			}
			return t.ID, t, nil
		},
		remove: s.svc.DeleteTag, name: func(t *hub.Tag) string { return t.Name },
		consequence: func(r *http.Request, t *hub.Tag) string {
			return s.t(r, "It will be removed from the %d items that use it; the items stay.", t.Uses)
		},
	}
}
