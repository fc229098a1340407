package federation

import (
	"context"
	"errors"
	"net/http"

	"github.com/commonplace-hub/commonplace/hub"
)

// onDelete handles Delete: of the signer's own account (the follower and
// the cached actor go), or of an object.
func (in *inbox) onDelete(ctx context.Context, act doc, from *hub.RemoteActor) error {
	if act.ref("object") == from.ID { // the account itself is gone
		if err := in.store.DeleteFollower(ctx, from.ID); err != nil && hub.ErrorCode(err) != hub.ENOTFOUND {
			return err
		}
		return in.store.DeleteRemoteActor(ctx, from.ID)
	}
	return in.onDeleteObject(ctx, act, from)
}

// onDeleteObject removes a remote item or a comment whose origin deletes it:
// the actor credited with it, or anyone on its server once the server
// itself confirms the object is gone (a Mobilizon member removing a group
// event). Nobody else can remove it.
func (in *inbox) onDeleteObject(ctx context.Context, act doc, from *hub.RemoteActor) error {
	iri := act.ref("object")
	if iri == "" || HostOf(iri) != HostOf(from.ID) {
		return nil
	}
	in.relays.forget(iri)
	if in.commons == nil {
		return nil
	}
	if c, err := in.commons.CommentByObject(ctx, iri); err == nil {
		if c.Author.ActorID != from.ID {
			return refuse(http.StatusForbidden, "only the author of %s can delete it", iri)
		}
		_, err := in.commons.DeleteCommentByObject(ctx, iri)
		in.log.Info("comment deleted by its author", "object", iri)
		return err
	}
	if err := in.forgetAdaptation(ctx, iri, from); err != nil {
		return err
	}
	found, err := originDeletes(ctx, in, iri, from, in.commons.RemoteItemByObject, func(it *hub.RemoteItem) string { return it.Origin.ActorID })
	if !found || err != nil {
		return err
	}
	gone, err := in.commons.DeleteRemoteItem(ctx, iri)
	if gone {
		in.log.Info("commons item deleted by its origin", "object", iri, "by", from.ID)
	}
	return err
}

// originDeletes finds what iri names (find) and checks that from may
// delete it: the actor credited with it (owner), or anyone on its server
// once the server says it is gone. found is false when there is nothing.
func originDeletes[T any](ctx context.Context, in *inbox, iri string, from *hub.RemoteActor, find func(context.Context, string) (T, error), owner func(T) string) (found bool, err error) {
	v, err := find(ctx, iri)
	if hub.ErrorCode(err) == hub.ENOTFOUND {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if o := owner(v); o != from.ID && !in.goneAtOrigin(ctx, iri) {
		return true, refuse(http.StatusForbidden, "only %s can delete %s, and its server still serves it", o, iri)
	}
	return true, nil
}

// goneAtOrigin reports whether the object's own server says it is gone
// (404, 410 or a Tombstone).
func (in *inbox) goneAtOrigin(ctx context.Context, iri string) bool {
	d, err := in.remote.fetchDoc(ctx, iri)
	var fe *FetchError
	if errors.As(err, &fe) {
		return fe.Status == http.StatusNotFound || fe.Status == http.StatusGone
	}
	return err == nil && d.id() == iri && d.is("Tombstone")
}
