package federation

import (
	"context"
	"encoding/json"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// A Follow of a peer still unanswered is sent again, with the same id (a
// server that already accepted it answers with the Accept again): its
// Accept may have been refused by this hub's own moderation (an allowlist
// turned on seconds before) or lost. The first retry comes after
// followRetryFirst; then the wait grows with the time pending, up to a day.
const (
	followRetryFirst = 10 * time.Minute
	followRetryMax   = 24 * time.Hour
)

// nextFollowRetry is when a Follow pending since created, sent again at
// now, is next sent.
func nextFollowRetry(created, now time.Time) time.Time {
	wait := min(max(now.Sub(created), followRetryFirst), followRetryMax)
	return now.Add(wait)
}

// Problems shown with a peer in 'peer list' and on the commons page, one
// function each for the later translation of what organisers read.

// problemAnswerRefused: the peer's answer came while this hub refused its
// server.
func problemAnswerRefused(host string) string {
	return "Its answer to our Follow was refused: this hub did not federate with " + host + " at the time. The Follow is sent again."
}

// problemStillRefused: the Follow is not sent again while the server is
// blocked or off the allowlist.
func problemStillRefused(host string) string {
	return "Not sent again: " + host + " is blocked or not on the allowlist."
}

// answerRefused is told that the inbox refused a request from host by this
// hub's moderation: a pending Follow of an actor there may have lost its
// Accept, so it is due to be sent again as soon as the server is allowed.
func (ps *peers) answerRefused(ctx context.Context, host string) {
	if ps.commons == nil || host == "" {
		return
	}
	list, err := ps.commons.FollowedList(ctx)
	if err != nil {
		return
	}
	now := ps.now()
	due := false
	for _, p := range list {
		if p.State != hub.PeerPending || p.Host != host {
			continue
		}
		due = ps.updateFollowed(ctx, p, "recording a refused answer", func(cur *hub.Followed) bool {
			if cur.State != hub.PeerPending {
				return false
			}
			cur.LastError, cur.NextRetryAt = problemAnswerRefused(host), &now
			return true
		}) || due
	}
	if due {
		// The refusal may come from a policy kept from before a change
		// made elsewhere (another process, the command line): look again
		// once that has expired.
		ps.wakeLater(policyLifetime + time.Second)
	}
}

// wakeLater nudges the backfill loop after d, unless a nudge is already
// scheduled: a flood of refused requests starts one timer, not one each.
func (ps *peers) wakeLater(d time.Duration) {
	if !ps.lateWake.CompareAndSwap(false, true) {
		return
	}
	time.AfterFunc(d, func() {
		ps.lateWake.Store(false)
		ps.wakeBackfill()
	})
}

// retryFollowsDue sends again the Follow of every pending peer whose retry
// has come, unless its server is refused now.
func (ps *peers) retryFollowsDue(ctx context.Context) {
	list := ps.listFor(ctx, "listing peers to follow again")
	now := ps.now()
	for _, p := range list {
		if p.State != hub.PeerPending || p.NextRetryAt == nil || p.NextRetryAt.After(now) || ctx.Err() != nil {
			continue
		}
		next := nextFollowRetry(p.CreatedAt, now)
		if ps.policy.refusedActor(ctx, p.ActorID) {
			if p.LastError == problemAnswerRefused(p.Host) {
				// Still due: the refusal may come from a policy kept from
				// before a change elsewhere, which expires in seconds.
				continue
			}
			p.LastError, p.NextRetryAt = problemStillRefused(p.Host), &next
		} else if err := ps.sendFollowAgain(ctx, p, now); err != nil {
			ps.log.Error("sending a Follow again", "peer", p.ActorID, "err", err)
			continue
		} else {
			p.NextRetryAt = &next
			ps.log.Info("sent an unanswered Follow again", "peer", p.ActorID)
		}
		// The peer may have answered or been unfollowed meanwhile.
		ps.updateFollowed(ctx, p, "recording a Follow sent again", func(cur *hub.Followed) bool {
			if cur.State != hub.PeerPending {
				return false
			}
			cur.LastError, cur.NextRetryAt = p.LastError, p.NextRetryAt
			return true
		})
	}
}

// sendFollowAgain queues the peer's Follow, with its id, once more.
func (ps *peers) sendFollowAgain(ctx context.Context, p *hub.Followed, now time.Time) error {
	body, err := json.Marshal(map[string]any{"@context": asContext, "id": p.FollowID, "type": "Follow", "actor": ps.actorID,
		"object": p.ActorID, "to": []any{p.ActorID}})
	if err != nil {
		return err
	}
	// The queue keeps each sending as its own row; the activity inside
	// is the same Follow.
	act := &hub.OutActivity{IRI: p.FollowID + "#again-" + now.UTC().Format("20060102T150405.000000000"), Type: "Follow",
		ObjectIRI: p.ActorID, Body: body, CreatedAt: now}
	if err := ps.store.Enqueue(ctx, hub.Enqueued{Activity: act, Inboxes: []string{p.Inbox}}); err != nil {
		return err
	}
	ps.out.nudge()
	return nil
}

// updateFollowed changes the record of a followed peer read earlier as p,
// if it is still there with the same Follow: change says what, and
// whether to save. It reports whether it saved.
func (ps *peers) updateFollowed(ctx context.Context, p *hub.Followed, what string, change func(cur *hub.Followed) bool) bool {
	ps.records.Lock()
	defer ps.records.Unlock()
	cur, err := ps.commons.Followed(ctx, p.ActorID)
	if err != nil || cur.FollowID != p.FollowID || !change(cur) {
		return false
	}
	if err := ps.commons.SaveFollowed(ctx, cur); err != nil {
		ps.log.Error(what, "peer", p.ActorID, "err", err)
		return false
	}
	return true
}
