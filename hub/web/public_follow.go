package web

import (
	"net/http"
	"strings"

	"github.com/commonplace-hub/commonplace/hub"
)

// followFromServer answers the follow box (partials/follow.html): it looks
// the reader's server up (the ActivityPub side's SSRF-safe client) and
// sends them to its follow page with 303.
func (s *Server) followFromServer(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		return hub.Errorf(hub.EINVALID, "Type your server's name, for example mastodon.social.")
	}
	server := strings.TrimSpace(r.PostForm.Get("server"))
	if server == "" || len(server) > 300 {
		return hub.Errorf(hub.EINVALID, "Type your server's name, for example mastodon.social.")
	}
	to, err := s.cfg.ActivityPub.FollowIntent(r.Context(), server)
	if err != nil {
		if hub.ErrorCode(err) == hub.EINVALID {
			return hub.Errorf(hub.EINVALID, "That does not look like a server's name. Type it as in your address, for example mastodon.social.")
		}
		return err
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}
