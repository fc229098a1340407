package web

import (
	"fmt"
	"net/http"

	"github.com/commonplace-hub/commonplace/hub"
)

// themeCSS serves the hub's colours as CSS custom properties, so pages need
// no inline styles.
func (s *Server) themeCSS(w http.ResponseWriter, r *http.Request) error {
	st := s.settings(r.Context())
	accent := st.AccentColour
	if !hub.IsHexColour(accent) {
		accent = hub.DefaultSettings().AccentColour
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	fmt.Fprintf(w, ":root { --accent: %s; }\n", accent)
	return nil
}

func (s *Server) logo(w http.ResponseWriter, r *http.Request) error {
	data, mime, err := s.svc.Logo(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", mime)
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(data)
	return nil
}
