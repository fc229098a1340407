package federation

import (
	"context"
	"encoding/json"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/uris"
)

// SendFlag reports objects (the reported account's IRI first, then what
// it posted) to the account's server, as Mastodon does: a Flag from the
// hub actor with the organiser's comment as content, through the delivery
// queue (so retried like any delivery) to the account's shared inbox, or
// its own inbox when it has none. The Flag's id is not served, as
// Mastodon's is not. hub.Federation.
func (f *Federation) SendFlag(ctx context.Context, actorID string, objects []string, content string) (string, error) {
	a, _, err := f.fetchActor(ctx, actorID)
	if err != nil {
		f.log.Info("report: the reported account could not be read", "actor", actorID, "err", err)
		return "", hub.Errorf(hub.EUNAVAILABLE, "The reported account's server could not be reached, so no report was sent. Try again later.")
	}
	inbox := a.SharedInbox
	if inbox == "" {
		inbox = a.Inbox
	}
	id := uris.Base(f.baseStr).Activity(randomID())
	body, err := json.Marshal(map[string]any{
		"@context": asContext,
		"id":       id,
		"type":     "Flag",
		"actor":    f.ActorID(),
		"content":  content,
		"object":   objects,
	})
	if err != nil {
		return "", hub.Internal(err, "sending a report")
	}
	act := &hub.OutActivity{IRI: id, Type: "Flag", ObjectIRI: actorID, Body: body, CreatedAt: f.now()}
	if err := f.store.Enqueue(ctx, hub.Enqueued{Activity: act, Inboxes: []string{inbox}}); err != nil {
		return "", err
	}
	f.nudge()
	f.log.Info("report sent", "actor", actorID, "inbox", inbox)
	return id, nil
}
