package federation

import (
	"context"
	"net/http"

	"github.com/commonplace-hub/commonplace/hub"
)

// onAnnounce keeps an item a followed peer re-shares. An item on the
// peer's own server is its own (FEP-1b12 groups announce what they
// publish); one from elsewhere is fetched from its origin, never taken
// from the Announce as sent.
func (in *inbox) onAnnounce(ctx context.Context, act doc, from *hub.RemoteActor) error {
	if in.commons == nil || !isPublic(act) {
		return nil
	}
	p, err := in.commons.Followed(ctx, from.ID)
	if hub.ErrorCode(err) == hub.ENOTFOUND || (err == nil && p.State == hub.PeerRejected) {
		return nil
	}
	if err != nil {
		return err
	}
	iri := act.ref("object")
	if inner := act.obj("object"); inner != nil && (inner.is("Create") || inner.is("Update")) {
		iri = inner.ref("object")
	}
	if iri == "" || in.policy.refusedHost(ctx, HostOf(iri)) {
		return nil
	}
	obj, err := in.remote.fetchItem(ctx, iri)
	if err != nil {
		return refuse(http.StatusUnprocessableEntity, "cannot fetch the re-shared object %s: %v", iri, err)
	}
	if itemKindOf(obj) == "" {
		return nil
	}
	if HostOf(iri) == p.Host {
		return in.keepItem(ctx, obj, p, hub.ItemSource{PeerActor: p.ActorID})
	}
	return in.keepItem(ctx, obj, p, hub.ItemSource{PeerActor: p.ActorID, Share: true, ActivityID: act.id()})
}
