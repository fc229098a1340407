package web

import (
	"net/http"

	"github.com/commonplace-hub/commonplace/hub"
)

// Replies held for review (hub/held.go): the queue page's Approve and
// Reject, the same in the API, and the commons page's setting.

// heldCommentDecide approves (shows) or rejects (deletes) a held reply
// from the queue page.
func (s *Server) heldCommentDecide(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	switch r.PostFormValue("decision") {
	case "approve":
		err = s.svc.ApproveComment(r.Context(), id)
	case "reject":
		err = s.svc.RejectComment(r.Context(), id)
	default:
		return hub.Errorf(hub.EINVALID, "Choose to approve or to reject the reply.")
	}
	if err != nil {
		return err
	}
	done := msg("The reply is shown under its item.")
	if r.PostFormValue("decision") == "reject" {
		done = msg("The reply is deleted.")
	}
	s.redirectWithFlash(w, r, "/admin/queue", s.t(r, done))
	return nil
}

// holdRepliesSet turns holding replies for review on or off (commons page).
func (s *Server) holdRepliesSet(w http.ResponseWriter, r *http.Request) error {
	return s.commonsSwitch(w, r, s.svc.SetHoldReplies,
		msg("Replies from servers this hub follows nobody on now wait in the moderation queue."),
		msg("Replies from every server that is not blocked are shown at once."))
}

func (s *Server) apiHeldCommentApprove(w http.ResponseWriter, r *http.Request) error {
	return apiDeleteByID(w, r, s.svc.ApproveComment)
}

func (s *Server) apiHeldCommentReject(w http.ResponseWriter, r *http.Request) error {
	return apiDeleteByID(w, r, s.svc.RejectComment)
}
