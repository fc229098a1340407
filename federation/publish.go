package federation

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/uris"
)

// ItemChanged publishes a stored change to followers: Create, Update or
// Delete for each object the item has, through the delivery queue. It
// implements hub.ChangeNotifier; errors are logged, not returned.
func (f *Federation) ItemChanged(ctx context.Context, c hub.Change) {
	if err := f.SyncItem(ctx, c.Kind, c.ID); err != nil {
		f.log.Error("publishing a change to followers", "kind", c.Kind, "id", c.ID, "op", c.Op, "err", err)
	}
}

// wanted is an object the hub should have published for an item.
type wanted struct {
	iri        string
	occurrence string
	startsAt   *time.Time
	obj        map[string]any
}

// desired returns the objects an item should have published now; nil with
// deleted true when the item no longer exists.
//
// A one-off event, a guide or a case study is one object. An event series
// is one object per occurrence, published as it comes within the window,
// so followers are not flooded with a year of a weekly meeting at once.
func (f *Federation) desired(ctx context.Context, kind hub.Kind, id int64, st hub.Settings) (want []wanted, deleted bool, err error) {
	switch kind {
	case hub.KindEvent:
		e, err := f.content.Event(ctx, id)
		if hub.ErrorCode(err) == hub.ENOTFOUND {
			return nil, true, nil
		}
		if err != nil {
			return nil, false, err
		}
		if e.SourceUID != "" && e.SeriesEnd != nil && e.SeriesEnd.Before(f.now()) {
			// Imported history (calendar import --from): followers are
			// not sent events that were over before the hub had them.
			return nil, false, nil
		}
		if !e.Recurring() {
			if e.SourceFeedID != 0 && e.Start.After(f.now().Add(f.window)) {
				// Imported from a partner's calendar: published when it
				// comes within the window, like a series' occurrences, so
				// subscribing to a year-long feed does not flood followers.
				return nil, false, nil
			}
			iri := f.itemURL(kind, e.Slug)
			first := e.First()
			return []wanted{{iri: iri, startsAt: &first.Start, obj: f.withPicture(ctx, f.eventObject(e, first, iri, st), hub.OwnerEvent, e.ID)}}, false, nil
		}
		now := f.now()
		for _, o := range e.Occurrences(now, now.Add(f.window), 100) {
			// A moved date keeps the IRI of the date it had: followers
			// get an Update, not a Delete and a Create.
			iri := f.occurrenceIRI(e, o.Key())
			start := o.Start
			want = append(want, wanted{iri: iri, occurrence: o.Key(), startsAt: &start, obj: f.withPicture(ctx, f.eventObject(e, o, iri, st), hub.OwnerEvent, e.ID)})
		}
		return want, false, nil
	case hub.KindGuide:
		g, err := f.content.Guide(ctx, id)
		return wantOne(g, err, func(g *hub.Guide) wanted {
			return wanted{iri: f.itemURL(kind, g.Slug), obj: f.withPicture(ctx, f.guideObject(g, st), hub.OwnerGuide, g.ID)}
		})
	case hub.KindCaseStudy:
		c, err := f.content.CaseStudy(ctx, id)
		return wantOne(c, err, func(c *hub.CaseStudy) wanted {
			return wanted{iri: f.itemURL(kind, c.Slug), obj: f.withPicture(ctx, f.caseStudyObject(c, st), hub.OwnerCaseStudy, c.ID)}
		})
	}
	return nil, false, hub.Errorf(hub.EINVALID, "unknown item kind %q", kind)
}

// wantOne is what followers should have of an item that is one object,
// read as v (or err): want(v), or nothing and gone when it is not there.
func wantOne[T any](v T, err error, want func(T) wanted) ([]wanted, bool, error) {
	if hub.ErrorCode(err) == hub.ENOTFOUND {
		return nil, true, nil
	}
	if err != nil {
		return nil, false, err
	}
	return []wanted{want(v)}, false, nil
}

// SyncItem brings what followers have of an item in line with the item:
// Create for new objects, Update for changed ones, Delete for removed ones.
// Past occurrences of a series that still exists are left alone.
func (f *Federation) SyncItem(ctx context.Context, kind hub.Kind, id int64) error {
	f.publishMu.Lock()
	defer f.publishMu.Unlock()
	st, err := f.content.Settings(ctx)
	if err != nil {
		return err
	}
	want, deleted, err := f.desired(ctx, kind, id, st)
	if err != nil {
		return err
	}
	have, err := f.store.PublishedObjects(ctx, kind, id)
	if err != nil {
		return err
	}
	inboxes, err := f.store.FollowerInboxes(ctx)
	if err != nil {
		return err
	}
	inboxes = f.allowedInboxes(ctx, inboxes)
	now := f.now()
	had := map[string]*hub.PublishedObject{}
	for _, p := range have {
		had[p.IRI] = p
	}
	sent := 0
	for _, w := range want {
		hash, body, err := objectHash(w.obj)
		if err != nil {
			return err
		}
		prev, ok := had[w.iri]
		delete(had, w.iri)
		typ := "Create"
		rec := &hub.PublishedObject{IRI: w.iri, Kind: kind, ItemID: id, Occurrence: w.occurrence, StartsAt: w.startsAt,
			Hash: hash, Body: body, PublishedAt: now, UpdatedAt: now}
		if ok {
			if prev.Hash == hash {
				continue
			}
			typ, rec.PublishedAt = "Update", prev.PublishedAt
			if _, has := w.obj["updated"]; !has {
				// Mastodon (and Commonplace) apply an Update only with a
				// newer "updated": never earlier than published.
				updated := now.UTC()
				if pub, err := time.Parse(time.RFC3339, fmt.Sprint(w.obj["published"])); err == nil && !updated.After(pub) {
					updated = pub.Add(time.Second)
				}
				w.obj["updated"] = updated.Format(time.RFC3339)
			}
		}
		act, err := f.newActivity(typ, w.obj, w.iri)
		if err != nil {
			return err
		}
		var before map[string]any
		if ok {
			json.Unmarshal(prev.Body, &before)
		}
		to := mergeInboxes(inboxes, f.adaptationInboxes(ctx, w.obj, before))
		if err := f.store.Enqueue(ctx, hub.Enqueued{Activity: act, Inboxes: to, Record: rec}); err != nil {
			return err
		}
		sent++
	}
	for iri, prev := range had {
		if !deleted && prev.Occurrence != "" && prev.StartsAt != nil && prev.StartsAt.Before(now) {
			continue // a past occurrence of a series that goes on: history stays
		}
		var formerType string
		var o map[string]any
		if json.Unmarshal(prev.Body, &o) == nil {
			formerType, _ = o["type"].(string)
		}
		tomb := map[string]any{"id": iri, "type": "Tombstone", "deleted": now.UTC().Format(time.RFC3339)}
		if formerType != "" {
			tomb["formerType"] = formerType
		}
		act, err := f.newActivity("Delete", tomb, iri)
		if err != nil {
			return err
		}
		to := mergeInboxes(inboxes, f.adaptationInboxes(ctx, o))
		if err := f.store.Enqueue(ctx, hub.Enqueued{Activity: act, Inboxes: to, Forget: iri, Withdraw: iri}); err != nil {
			return err
		}
		sent++
	}
	if sent > 0 && len(inboxes) > 0 {
		f.log.Info("published to followers", "kind", kind, "id", id, "activities", sent, "inboxes", len(inboxes))
		f.nudge()
	}
	return nil
}

// PublishDue publishes occurrences of event series, and imported events,
// that have come within the window since the last run.
func (f *Federation) PublishDue(ctx context.Context) {
	now := f.now()
	events, _, err := f.content.ListEvents(ctx, hub.EventFilter{From: now, To: now.Add(f.window), Limit: 10000})
	if err != nil {
		if ctx.Err() == nil {
			f.log.Warn("listing events to publish", "err", err)
		}
		return
	}
	for _, e := range events {
		if !e.Recurring() && e.SourceFeedID == 0 {
			continue
		}
		if err := f.SyncItem(ctx, hub.KindEvent, e.ID); err != nil && ctx.Err() == nil {
			f.log.Warn("publishing an event series", "event", e.ID, "err", err)
		}
	}
}

// newActivity wraps an object in an activity from the hub actor, public
// and addressed to its followers.
func (f *Federation) newActivity(typ string, object any, objectIRI string) (*hub.OutActivity, error) {
	now := f.now()
	return f.wrapActivity(now, typ, objectContext, object, objectIRI, typ == "Create" || typ == "Announce", map[string]any{
		"published": now.UTC().Format(time.RFC3339),
		"to":        []any{publicIRI},
		"cc":        []any{f.followersIRI()},
	})
}

// directActivity is an activity to one actor (Accept, Reject), not public.
func (f *Federation) directActivity(typ string, object any, objectIRI, to string) (*hub.OutActivity, error) {
	return f.wrapActivity(f.now(), typ, asContext, object, objectIRI, false, map[string]any{"to": []any{to}})
}

// wrapActivity is an activity typ of the hub actor, made at now with a new
// id, around object, in the JSON-LD context jsonld, with the fields of
// more (its addressing); public says whether the outbox lists it.
func (f *Federation) wrapActivity(now time.Time, typ string, jsonld, object any, objectIRI string, public bool, more map[string]any) (*hub.OutActivity, error) {
	id := uris.Base(f.baseStr).Activity(randomID())
	a := map[string]any{"@context": jsonld, "id": id, "type": typ, "actor": f.ActorID(), "object": object}
	for k, v := range more {
		a[k] = v
	}
	body, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	return &hub.OutActivity{IRI: id, Type: typ, ObjectIRI: objectIRI, Public: public, Body: body, CreatedAt: now}, nil
}

func randomID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
