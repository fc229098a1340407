package federation

import (
	"context"
	"net/http"

	"github.com/commonplace-hub/commonplace/hub"
)

// onFollow records a follower and answers Accept, unless organisers
// approve followers by hand.
func (in *inbox) onFollow(ctx context.Context, act doc, from *hub.RemoteActor) error {
	if act.ref("object") != in.actorID {
		return refuse(http.StatusUnprocessableEntity, "only the hub actor %s can be followed here", in.actorID)
	}
	if act.id() == "" {
		return refuse(http.StatusBadRequest, "a Follow needs an id")
	}
	st, err := in.content.Settings(ctx)
	if err != nil {
		return err
	}
	prev, err := in.store.Follower(ctx, from.ID)
	if err != nil && hub.ErrorCode(err) != hub.ENOTFOUND {
		return err
	}
	rec := &hub.FollowerRecord{ActorID: from.ID, FollowID: act.id(), Inbox: from.Inbox, SharedInbox: from.SharedInbox,
		Username: from.Username, Name: from.Name, URL: from.URL, Pending: st.ManuallyApprovesFollowers, CreatedAt: in.now()}
	if prev != nil {
		rec.Pending = prev.Pending && st.ManuallyApprovesFollowers
		rec.CreatedAt = prev.CreatedAt
	}
	if err := in.store.SaveFollower(ctx, rec); err != nil {
		return err
	}
	in.log.Info("new follower", "actor", from.ID, "pending", rec.Pending)
	if rec.Pending {
		return nil
	}
	return in.answerFollow(ctx, "Accept", rec)
}

// answerFollow queues an Accept or Reject of a follower's Follow to their
// own inbox.
func (in *inbox) answerFollow(ctx context.Context, typ string, rec *hub.FollowerRecord) error {
	follow := map[string]any{"id": rec.FollowID, "type": "Follow", "actor": rec.ActorID, "object": in.actorID}
	act, err := in.out.directActivity(typ, follow, rec.FollowID, rec.ActorID)
	if err != nil {
		return err
	}
	if err := in.store.Enqueue(ctx, hub.Enqueued{Activity: act, Inboxes: []string{rec.Inbox}}); err != nil {
		return err
	}
	in.out.nudge()
	return nil
}

// approveFollower accepts a pending follower (Federation.ApproveFollower).
func (in *inbox) approveFollower(ctx context.Context, actorID string) error {
	rec, err := in.store.Follower(ctx, actorID)
	if err != nil {
		return err
	}
	if !rec.Pending {
		return nil
	}
	rec.Pending = false
	if err := in.store.SaveFollower(ctx, rec); err != nil {
		return err
	}
	return in.answerFollow(ctx, "Accept", rec)
}

// rejectFollower refuses a pending follower or removes an accepted one,
// telling them with Reject (Federation.RejectFollower).
func (in *inbox) rejectFollower(ctx context.Context, actorID string) error {
	rec, err := in.store.Follower(ctx, actorID)
	if err != nil {
		return err
	}
	if err := in.store.DeleteFollower(ctx, actorID); err != nil {
		return err
	}
	return in.answerFollow(ctx, "Reject", rec)
}
