package federation

import (
	"context"
	"net/http"

	"github.com/commonplace-hub/commonplace/hub"
)

// onAcceptOrReject records a peer's answer to our Follow. The answer must
// come from the actor we followed; its object is our Follow, by IRI or
// embedded.
func (in *inbox) onAcceptOrReject(ctx context.Context, act doc, from *hub.RemoteActor) error {
	if in.commons == nil {
		return nil
	}
	var p *hub.Followed
	var err error
	followID := act.ref("object")
	if inner := act.obj("object"); inner != nil {
		// An embedded Follow must be the hub's follow of the one answering.
		if (inner.typ() != "" && !inner.is("Follow")) || (inner.ref("actor") != "" && inner.ref("actor") != in.actorID) ||
			(inner.ref("object") != "" && inner.ref("object") != from.ID) {
			return refuse(http.StatusUnprocessableEntity, "the %s is not about this hub's Follow of %s", act.typ(), from.ID)
		}
		if inner.id() == "" && inner.is("Follow") && inner.ref("actor") == in.actorID {
			followID = "" // an embedded Follow without id: match by who answers
		}
	}
	if followID != "" {
		p, err = in.commons.FollowedByFollow(ctx, followID)
	} else {
		p, err = in.commons.Followed(ctx, from.ID)
	}
	if hub.ErrorCode(err) == hub.ENOTFOUND {
		return nil // not a Follow of ours: acknowledged, ignored
	}
	if err != nil {
		return err
	}
	if p.ActorID != from.ID {
		return refuse(http.StatusForbidden, "only %s can answer the hub's Follow of it", p.ActorID)
	}
	p.NextRetryAt = nil // answered
	if act.is("Reject") {
		p.State = hub.PeerRejected
		in.log.Info("peer refused our follow", "actor", p.ActorID)
		return in.commons.SaveFollowed(ctx, p)
	}
	if p.State == hub.PeerAccepted {
		return nil
	}
	p.State, p.LastError = hub.PeerAccepted, ""
	if err := in.commons.SaveFollowed(ctx, p); err != nil {
		return err
	}
	in.log.Info("peer accepted our follow", "actor", p.ActorID)
	in.peers.wakeBackfill()
	return nil
}
