package web

import (
	"bytes"
	"fmt"
	"net/http"
	"time"

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

// logo serves the hub's logo, uploaded or generated (hub.Reader.Logo),
// revalidated on each use so that a new one shows at once.
func (s *Server) logo(w http.ResponseWriter, r *http.Request) error {
	l, err := s.svc.Logo(r.Context())
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", l.MIME)
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", l.ETag)
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(l.Data))
	return nil
}
