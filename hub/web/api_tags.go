package web

import (
	"net/http"

	"github.com/commonplace-hub/commonplace/hub/apijson"
	"github.com/go-chi/chi/v5"
)

func (s *Server) apiTagList(w http.ResponseWriter, r *http.Request) error {
	tags, err := s.svc.ListTags(r.Context())
	if err != nil {
		return err
	}
	return writeList(w, tags, len(tags), s.enc().Tag)
}

func (s *Server) apiTagGet(w http.ResponseWriter, r *http.Request) error {
	t, err := s.svc.TagBySlug(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.enc().Tag(t))
}

func (s *Server) apiTagUpdate(w http.ResponseWriter, r *http.Request) error {
	t, err := s.svc.TagBySlug(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	var in apijson.Tag
	if err := readJSON(r, &in); err != nil {
		return err
	}
	t.Name, t.Description = in.Name, in.Description
	if err := s.svc.UpdateTag(r.Context(), t); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.enc().Tag(t))
}

func (s *Server) apiTagDelete(w http.ResponseWriter, r *http.Request) error {
	t, err := s.svc.TagBySlug(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	if err := s.svc.DeleteTag(r.Context(), t.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
