package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/commonplace-hub/commonplace/hub"
)

// ---- the commons and moderation page: peers, re-shares, comments,
// blocks, the allowlist and known servers ----

// commonsAdminView is what admin/commons shows.
type commonsAdminView struct {
	Running   bool // false when the hub runs without federation
	CanManage bool // admins follow, block and change the allowlist
	Peers     []hub.Peer
	Items     []*hub.RemoteItem
	Comments  []*hub.Comment
	Policy    *hub.Policy
	Servers   []hub.KnownServer
}

func (s *Server) commonsAdmin(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := commonsAdminView{CanManage: hub.OrganiserFrom(ctx).IsAdmin()}
	peers, err := s.svc.Peers(ctx)
	switch {
	case hub.ErrorCode(err) == hub.ENOTFOUND:
		// No federation: the page says so.
	case err != nil:
		return err
	default:
		v.Running, v.Peers = true, peers
		if v.Items, _, err = s.svc.RemoteItems(ctx, hub.RemoteItemFilter{Limit: 50}); err != nil {
			return err
		}
		if v.Comments, err = s.svc.RecentComments(ctx, 100); err != nil {
			return err
		}
		if v.Policy, err = s.svc.ModerationPolicy(ctx); err != nil {
			return err
		}
		if v.Servers, err = s.svc.KnownServers(ctx); err != nil {
			return err
		}
	}
	return s.adminPage(w, r, "admin/commons", s.t(r, "Commons and moderation"), v)
}

// done redirects back to the commons page with a message; an error a
// person can fix (a mistyped handle, a server that did not answer) is
// shown the same way, so nothing typed is lost but the form.
func (s *Server) commonsDone(w http.ResponseWriter, r *http.Request, err error, msg string) error {
	switch hub.ErrorCode(err) {
	case "":
		s.redirectWithFlash(w, r, "/admin/commons", s.t(r, msg))
		return nil
	case hub.EINVALID, hub.ECONFLICT, hub.ENOTFOUND:
		s.redirectWithFlash(w, r, "/admin/commons", s.t(r, "Not done: %s", s.errorMessage(r, err)))
		return nil
	}
	return err
}

func (s *Server) peerFollow(w http.ResponseWriter, r *http.Request) error {
	p, err := s.svc.FollowPeer(r.Context(), r.PostFormValue("target"))
	if err != nil {
		return s.commonsDone(w, r, err, "")
	}
	return s.commonsDone(w, r, nil, s.t(r, "Asked to follow %s. What it publishes appears in the commons once it accepts.", p.Handle()))
}

func (s *Server) peerUnfollow(w http.ResponseWriter, r *http.Request) error {
	err := s.svc.UnfollowPeer(r.Context(), r.PostFormValue("actor"))
	return s.commonsDone(w, r, err, msg("Unfollowed. Its items have left the commons."))
}

func (s *Server) itemReshare(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PostFormValue("item"), 10, 64)
	if err != nil {
		return hub.Errorf(hub.EINVALID, "No item was chosen.")
	}
	undo := r.PostFormValue("undo") == "1"
	err = s.svc.Reshare(r.Context(), id, undo)
	done := msg("Re-shared with the hub’s followers.")
	if undo {
		done = msg("The re-share is withdrawn.")
	}
	return s.commonsDone(w, r, err, done)
}

func commentID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return 0, hub.Errorf(hub.ENOTFOUND, "There is no such comment.")
	}
	return id, nil
}

func (s *Server) commentHide(w http.ResponseWriter, r *http.Request) error {
	id, err := commentID(r)
	if err != nil {
		return err
	}
	hidden := r.PostFormValue("hidden") != "0"
	err = s.svc.HideComment(r.Context(), id, hidden)
	done := msg("The comment is hidden from readers. You can show it again.")
	if !hidden {
		done = msg("The comment is shown again.")
	}
	return s.commonsDone(w, r, err, done)
}

func (s *Server) commentDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := commentID(r)
	if err != nil {
		return err
	}
	return s.commonsDone(w, r, s.svc.DeleteComment(r.Context(), id), msg("The comment is deleted."))
}

func (s *Server) blockAdd(w http.ResponseWriter, r *http.Request) error {
	b := hub.Block{Kind: r.PostFormValue("kind"), Value: r.PostFormValue("value"), Note: r.PostFormValue("note")}
	err := s.svc.Block(r.Context(), b)
	return s.commonsDone(w, r, err, msg("Blocked. What it had sent here is removed, and nothing more is taken from it or sent to it."))
}

func (s *Server) blockRemove(w http.ResponseWriter, r *http.Request) error {
	err := s.svc.Unblock(r.Context(), r.PostFormValue("kind"), r.PostFormValue("value"))
	return s.commonsDone(w, r, err, msg("The block is lifted."))
}

func (s *Server) allowlistSet(w http.ResponseWriter, r *http.Request) error {
	return s.commonsSwitch(w, r, s.svc.SetAllowlist,
		msg("Allowlist mode is on: the hub federates only with allowed servers and those of hubs it follows."),
		msg("Allowlist mode is off: the hub federates with every server not blocked."))
}

// commonsSwitch turns a setting of the commons page on (on=1) or off with
// set, and says which with the message on or off.
func (s *Server) commonsSwitch(w http.ResponseWriter, r *http.Request, set func(context.Context, bool) error, on, off string) error {
	turnOn := r.PostFormValue("on") == "1"
	done := off
	if turnOn {
		done = on
	}
	return s.commonsDone(w, r, set(r.Context(), turnOn), done)
}

func (s *Server) allowServer(w http.ResponseWriter, r *http.Request) error {
	allowed := r.PostFormValue("allowed") != "0"
	err := s.svc.AllowServer(r.Context(), r.PostFormValue("host"), allowed)
	done := msg("Added to the allowlist.")
	if !allowed {
		done = msg("Taken off the allowlist.")
	}
	return s.commonsDone(w, r, err, done)
}
