package web

import (
	"net/http"
	"strconv"

	"github.com/commonplace-hub/commonplace/hub"
)

// Organisers hide, or show again, another hub's "adapted by" credit on one
// of their guides or case studies (hub/adapted_hide.go); the buttons are
// on the item's editor page, under its form.

// adaptationHide answers the editor page's Hide and Show buttons.
func (s *Server) adaptationHide(w http.ResponseWriter, r *http.Request) error {
	hidden := r.PostFormValue("hidden") == "1"
	a, err := s.svc.HideAdaptation(r.Context(), r.PostFormValue("object_id"), hidden)
	switch hub.ErrorCode(err) {
	case "":
	case hub.ENOTFOUND, hub.EINVALID:
		s.redirectWithFlash(w, r, "/admin", s.t(r, "Not done: %s", s.errorMessage(r, err)))
		return nil
	default:
		return err
	}
	done := msg("The credit to %s is shown again.")
	if hidden {
		done = msg("The credit to %s is hidden: this hub's pages no longer show it.")
	}
	back := "/admin/" + a.Kind.Path() + "/" + strconv.FormatInt(a.ItemID, 10) + "/edit"
	s.redirectWithFlash(w, r, back, s.t(r, done, a.By.DisplayName()))
	return nil
}
