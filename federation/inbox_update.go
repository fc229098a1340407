package federation

import (
	"context"

	"github.com/commonplace-hub/commonplace/hub"
)

// onUpdate handles Update: of the signer's own actor, or of an object
// (as Create does).
func (in *inbox) onUpdate(ctx context.Context, act doc, from *hub.RemoteActor) error {
	if obj := act.ref("object"); obj != from.ID {
		if HostOf(obj) == HostOf(from.ID) {
			in.relays.forget(obj)
		}
		return in.onCreateOrUpdate(ctx, act, from)
	}
	// The actor changed (names, inboxes, key): read it again from its own
	// id rather than believing the body, so an Update cannot slip another
	// server's key id into the cache.
	a, _, err := in.remote.fetchActor(ctx, from.ID)
	if err != nil {
		in.log.Info("inbox: updated actor not readable", "actor", from.ID, "err", err)
		return nil
	}
	return in.refreshFollower(ctx, a)
}

// refreshFollower updates a follower's inboxes and names after an Update.
func (in *inbox) refreshFollower(ctx context.Context, a *hub.RemoteActor) error {
	rec, err := in.store.Follower(ctx, a.ID)
	if hub.ErrorCode(err) == hub.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	rec.Inbox, rec.SharedInbox, rec.Username, rec.Name, rec.URL = a.Inbox, a.SharedInbox, a.Username, a.Name, a.URL
	return in.store.SaveFollower(ctx, rec)
}
