package federation

import (
	"context"
	"fmt"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// Backfill: once a peer accepts the hub's Follow, the hub reads the
// peer's outbox for its recent public items; new ones then arrive by
// delivery. A peer whose outbox has not been read (the hub restarted, the
// peer was down) is tried again every backfillRetry.

const (
	backfillPages = 5   // outbox pages read at most
	backfillItems = 100 // items taken at most
	backfillRetry = 10 * time.Minute
)

// wakeBackfill nudges the backfill loop without blocking.
func (f *Federation) wakeBackfill() {
	select {
	case f.backfillWake <- struct{}{}:
	default:
	}
}

// backfillLoop backfills accepted peers whose outbox is still to be read.
func (f *Federation) backfillLoop(ctx context.Context) {
	tick := time.NewTicker(backfillRetry)
	defer tick.Stop()
	for {
		f.BackfillDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-f.backfillWake:
		case <-tick.C:
		}
	}
}

// BackfillDue reads the outbox of every accepted peer not yet backfilled.
func (f *Federation) BackfillDue(ctx context.Context) {
	if f.commons == nil {
		return
	}
	peers, err := f.commons.FollowedList(ctx)
	if err != nil {
		if ctx.Err() == nil {
			f.log.Error("listing peers to backfill", "err", err)
		}
		return
	}
	for _, p := range peers {
		if p.State != hub.PeerAccepted || p.BackfilledAt != nil || ctx.Err() != nil {
			continue
		}
		n, err := f.backfill(ctx, p)
		now := f.now()
		p.LastError = ""
		if err != nil {
			p.LastError = err.Error()
			f.log.Warn("backfill failed", "peer", p.ActorID, "items", n, "err", err)
		} else {
			p.BackfilledAt = &now
			f.log.Info("backfilled peer", "peer", p.ActorID, "items", n)
		}
		// The peer may have been unfollowed meanwhile: only update.
		if cur, gerr := f.commons.Followed(ctx, p.ActorID); gerr == nil && cur.FollowID == p.FollowID {
			cur.BackfilledAt, cur.LastError = p.BackfilledAt, p.LastError
			if err := f.commons.SaveFollowed(ctx, cur); err != nil {
				f.log.Error("recording backfill", "peer", p.ActorID, "err", err)
			}
		}
	}
}

// backfill reads a peer's outbox and keeps its public items, fetching each
// from its origin so deleted or edited ones come as they are now.
func (f *Federation) backfill(ctx context.Context, p *hub.Followed) (int, error) {
	if p.Outbox == "" {
		return 0, nil
	}
	if HostOf(p.Outbox) != p.Host {
		return 0, fmt.Errorf("the outbox %s is not on the peer's server", p.Outbox)
	}
	coll, err := f.fetchDoc(ctx, p.Outbox)
	if err != nil {
		return 0, err
	}
	page := coll.obj("first")
	next := coll.ref("first")
	if page == nil && coll.objs("orderedItems") != nil {
		page, next = coll, ""
	}
	seen := map[string]bool{}
	kept := 0
	for pages := 0; pages < backfillPages && kept < backfillItems; pages++ {
		if page == nil {
			if next == "" || HostOf(next) != p.Host {
				break
			}
			if page, err = f.fetchDoc(ctx, next); err != nil {
				return kept, err
			}
		}
		items := page.objs("orderedItems")
		if items == nil {
			items = page.objs("items")
		}
		for _, act := range items {
			if kept >= backfillItems || ctx.Err() != nil {
				break
			}
			var iri string
			share := false
			switch {
			case act.is("Create"), act.is("Update"):
				iri = act.ref("object")
			case act.is("Announce"):
				iri, share = act.ref("object"), true
			}
			if iri == "" || seen[iri] || f.refusedHost(ctx, HostOf(iri)) {
				continue
			}
			seen[iri] = true
			if !share && HostOf(iri) != p.Host {
				continue
			}
			obj, err := f.fetchItem(ctx, iri)
			if err != nil || itemKindOf(obj) == "" {
				continue // deleted since, or not an item
			}
			src := hub.ItemSource{PeerActor: p.ActorID}
			if share && HostOf(iri) != p.Host {
				src = hub.ItemSource{PeerActor: p.ActorID, Share: true, ActivityID: act.id()}
			}
			if err := f.inbox.keepItem(ctx, obj, p, src); err != nil {
				f.log.Debug("backfill: item skipped", "object", iri, "err", err)
				continue
			}
			kept++
		}
		next, page = page.ref("next"), nil
	}
	return kept, nil
}
