package web

import (
	"net/http"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

type tokenJSON struct {
	ID          int64      `json:"id"`
	OrganiserID int64      `json:"organiser_id"`
	Name        string     `json:"name"`
	Secret      string     `json:"secret,omitempty"` // only in the answer to its creation
	CreatedAt   time.Time  `json:"created_at"`
	LastUsedAt  *time.Time `json:"last_used_at,omitempty"`
}

func tokenOut(t *hub.APIToken) tokenJSON {
	return tokenJSON{ID: t.ID, OrganiserID: t.OrganiserID, Name: t.Name, CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt}
}

func (s *Server) apiTokenList(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.ListTokens(r.Context())
	if err != nil {
		return err
	}
	return writeList(w, list, len(list), tokenOut)
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
	out := tokenOut(t)
	out.Secret = secret
	return writeJSON(w, http.StatusCreated, out)
}

func (s *Server) apiTokenDelete(w http.ResponseWriter, r *http.Request) error {
	return apiDeleteByID(w, r, s.svc.DeleteToken)
}
