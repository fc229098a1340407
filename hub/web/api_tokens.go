package web

import (
	"net/http"

	"github.com/commonplace-hub/commonplace/hub/apijson"
)

func (s *Server) apiTokenList(w http.ResponseWriter, r *http.Request) error {
	return apiListAll(w, r, s.svc.ListTokens, apijson.Encoder{}.Token)
}

func (s *Server) apiTokenCreate(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name        string `json:"name"`
		OrganiserID int64  `json:"organiser_id"`
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	t, secret, err := s.svc.CreateToken(r.Context(), in.OrganiserID, in.Name)
	if err != nil {
		return err
	}
	out := apijson.Encoder{}.Token(t)
	out.Secret = secret
	return writeJSON(w, http.StatusCreated, out)
}

func (s *Server) apiTokenDelete(w http.ResponseWriter, r *http.Request) error {
	return apiDeleteByID(w, r, s.svc.DeleteToken)
}
