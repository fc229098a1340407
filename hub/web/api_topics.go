package web

import (
	"context"
	"net/http"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/apijson"
	"github.com/commonplace-hub/commonplace/internal/uris"
)

// The API's topics (the domain's tags) are at /api/v1/topics, and at
// /api/v1/tags as before the rename: both answer the same.

func (s *Server) apiTopicList(w http.ResponseWriter, r *http.Request) error {
	return apiListAll(w, r, s.svc.ListTags, s.enc().Topic)
}

// apiTopicCreate makes a topic before any content uses it; ECONFLICT (409)
// when one with the same slug exists.
func (s *Server) apiTopicCreate(w http.ResponseWriter, r *http.Request) error {
	return apiCreate(w, r, func(ctx context.Context, in *apijson.Topic) (*hub.Tag, error) {
		t := in.Hub()
		return t, s.svc.CreateTag(ctx, t)
	}, s.enc().Topic, func(t *hub.Tag) string { return "/api/v1" + uris.Topic(t.Slug) })
}

func (s *Server) apiTopicGet(w http.ResponseWriter, r *http.Request) error {
	t, err := s.topicInPath(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.enc().Topic(t))
}

func (s *Server) apiTopicUpdate(w http.ResponseWriter, r *http.Request) error {
	t, err := s.topicInPath(r)
	if err != nil {
		return err
	}
	var in apijson.Topic
	if err := readJSON(r, &in); err != nil {
		return err
	}
	t.Name, t.Description = in.Name, in.Description
	if err := s.svc.UpdateTag(r.Context(), t); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.enc().Topic(t))
}

func (s *Server) apiTopicDelete(w http.ResponseWriter, r *http.Request) error {
	t, err := s.topicInPath(r)
	if err != nil {
		return err
	}
	return noContent(w, s.svc.DeleteTag(r.Context(), t.ID))
}
