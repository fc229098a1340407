package federation

import (
	"context"
	"net/http"

	"github.com/commonplace-hub/commonplace/hub"
)

// onUndo handles Undo: of the signer's Follow of the hub (embedded, or as
// the IRI the hub recorded), or of a re-share. An Undo of anything else (a
// Like) changes nothing.
func (in *inbox) onUndo(ctx context.Context, act doc, from *hub.RemoteActor) error {
	inner := act.obj("object")
	switch {
	case inner != nil && inner.is("Follow"):
		if inner.ref("object") != in.actorID || (inner.ref("actor") != "" && inner.ref("actor") != from.ID) {
			return refuse(http.StatusUnprocessableEntity, "the undone Follow is not %s's follow of this hub (%s)", from.ID, in.actorID)
		}
		return in.onUnfollow(ctx, from, "")
	case inner != nil && inner.is("Announce"):
		return in.onUndoAnnounce(ctx, inner, from)
	case inner == nil && act.ref("object") != "":
		return in.onUnfollow(ctx, from, act.ref("object"))
	}
	return nil
}

// onUnfollow removes a follower whose Follow is undone. The signer is the
// actor, so only their own follow can go. An embedded Follow may carry a
// fresh id (some servers do that), so the actor is what counts; an Undo
// naming only an IRI must name the Follow the hub recorded.
func (in *inbox) onUnfollow(ctx context.Context, from *hub.RemoteActor, followIRI string) error {
	rec, err := in.store.Follower(ctx, from.ID)
	if hub.ErrorCode(err) == hub.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if followIRI != "" && followIRI != rec.FollowID {
		return nil
	}
	in.log.Info("follower left", "actor", rec.ActorID)
	return in.store.DeleteFollower(ctx, rec.ActorID)
}

// onUndoAnnounce drops a peer's re-share.
func (in *inbox) onUndoAnnounce(ctx context.Context, announce doc, from *hub.RemoteActor) error {
	if in.commons == nil {
		return nil
	}
	iri := announce.ref("object")
	if inner := announce.obj("object"); inner != nil && (inner.is("Create") || inner.is("Update")) {
		iri = inner.ref("object")
	}
	if iri == "" {
		return nil
	}
	return in.commons.RemoveShare(ctx, iri, from.ID)
}
