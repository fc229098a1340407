package web

import (
	"net/http"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/apijson"
)

// The commons over the API: peers, mirrored items, re-shares, comments
// and blocks. Roles are the service's: admins follow and block, editors
// re-share and moderate comments.

func (s *Server) apiPeerList(w http.ResponseWriter, r *http.Request) error {
	peers, err := s.svc.Peers(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, apijson.Peers{Peers: apijson.NonNil(peers)})
}

func (s *Server) apiPeerFollow(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Target string `json:"target"`
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	p, err := s.svc.FollowPeer(r.Context(), in.Target)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, p)
}

func (s *Server) apiPeerUnfollow(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, s.svc.UnfollowPeer(r.Context(), r.URL.Query().Get("actor")))
}

func (s *Server) apiCommonsList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	page, err := pageNumber(r)
	if err != nil {
		return err
	}
	items, total, err := s.svc.RemoteItems(r.Context(), hub.RemoteItemFilter{Kind: hub.Kind(q.Get("kind")), Host: q.Get("from"), Limit: 50, Offset: (page - 1) * 50})
	if err != nil {
		return err
	}
	enc := s.enc()
	return writeJSON(w, http.StatusOK, apijson.List[apijson.CommonsItem]{Items: apijson.Each(items, enc.CommonsItem), Total: total})
}

func (s *Server) apiReshare(undo bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := idParam(r)
		if err != nil {
			return err
		}
		return noContent(w, s.svc.Reshare(r.Context(), id, undo))
	}
}

func (s *Server) apiCommentList(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.svc.RecentComments(r.Context(), 100)
	if err != nil {
		return err
	}
	if cs == nil {
		cs = []*hub.Comment{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"comments": cs})
}

func (s *Server) apiCommentHide(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Hidden bool `json:"hidden"`
	}
	id, err := readIDAndJSON(r, &in)
	if err != nil {
		return err
	}
	return noContent(w, s.svc.HideComment(r.Context(), id, in.Hidden))
}

func (s *Server) apiCommentDelete(w http.ResponseWriter, r *http.Request) error {
	return apiDeleteByID(w, r, s.svc.DeleteComment)
}

func (s *Server) apiBlockList(w http.ResponseWriter, r *http.Request) error {
	p, err := s.svc.ModerationPolicy(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

func (s *Server) apiBlockAdd(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Kind  string `json:"kind"`
		Value string `json:"value"`
		Note  string `json:"note"`
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	return noContent(w, s.svc.Block(r.Context(), hub.Block{Kind: in.Kind, Value: in.Value, Note: in.Note}))
}

func (s *Server) apiBlockRemove(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	return noContent(w, s.svc.Unblock(r.Context(), q.Get("kind"), q.Get("value")))
}
