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
	var done string
	switch r.PostFormValue("decision") {
	case "approve":
		err, done = s.svc.ApproveComment(r.Context(), id), msg("The reply is shown under its item.")
	case "reject":
		err, done = s.svc.RejectComment(r.Context(), id), msg("The reply is deleted.")
	default:
		return hub.Errorf(hub.EINVALID, "Choose to approve or to reject the reply.")
	}
	return s.redirectDone(w, r, err, "/admin/queue", s.t(r, done))
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
