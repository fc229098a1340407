package calendar

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// Target is where an import puts its events and what it adds to them.
type Target struct {
	// FeedID is the subscription; 0 is a one-off import, which creates and
	// updates events but never removes any.
	FeedID int64
	// Name names the import in logs and as the acting organiser.
	Name string
	// PlaceID, Tags and Organiser come from the subscription.
	PlaceID   int64
	Tags      []string
	Organiser string
}

// Progress is told how far an import has got: done of total items.
type Progress func(done, total int)

// apply makes the hub's events from a feed match res, through hub.Service
// so that each change is validated, logged and federated like an
// organiser's. Events are matched by feed, UID and occurrence. A hub event
// is updated only when something in it changed, and removed only when it
// is still to come, is gone from the feed and was not merely skipped. It
// returns the report so far with an error only when the hub itself fails.
func apply(ctx context.Context, svc *hub.Service, log *slog.Logger, tgt Target, res *Result, from time.Time, progress Progress) (*Report, error) {
	rep := &Report{At: svc.Now(), OutOfWindow: res.OutOfWindow, Cancelled: res.Cancelled, Skipped: append([]Skipped(nil), res.Skipped...), Notes: res.Notes}
	filter := hub.EventFilter{Imported: true, SourceFeedID: tgt.FeedID}
	existing, _, err := svc.ListEvents(ctx, filter)
	if err != nil {
		return rep, err
	}
	byKey := map[string]*hub.Event{}
	for _, e := range existing {
		if tgt.FeedID == 0 && e.SourceFeedID != 0 {
			continue // one-off imports match only one-off imports
		}
		byKey[e.SourceUID+"\x00"+e.SourceOccurrence] = e
	}
	adoptable, err := adoptableEvents(ctx, svc, tgt)
	if err != nil {
		return rep, err
	}
	organiser := &hub.Organiser{Name: "Calendar import: " + tgt.Name, Role: hub.RoleEditor}

	// Changes are saved batchSize at a time (hub.Service.Batch): thousands
	// of commits, each flushing the search index, would make a first
	// import of a big feed take seconds. A batch that fails is undone as a
	// whole, and the report counts only what was saved.
	seen := map[string]bool{}
	for lo := 0; lo < len(res.Items); lo += batchSize {
		items := res.Items[lo:min(lo+batchSize, len(res.Items))]
		var part Report
		err := svc.Batch(ctx, func(ctx context.Context) error {
			actor := hub.WithOrganiser(ctx, organiser)
			for i, it := range items {
				if err := ctx.Err(); err != nil {
					return err
				}
				if progress != nil {
					progress(lo+i, len(res.Items))
				}
				if err := adopt(actor, svc, tgt, it.Key(), byKey, adoptable, &part); err != nil {
					return err
				}
				if err := applyItem(actor, svc, tgt, it, byKey, seen, &part); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return rep, err
		}
		rep.Created += part.Created
		rep.Updated += part.Updated
		rep.Unchanged += part.Unchanged
		rep.Adopted += part.Adopted
		rep.Skipped = append(rep.Skipped, part.Skipped...)
	}
	if progress != nil {
		progress(len(res.Items), len(res.Items))
	}
	if tgt.FeedID == 0 {
		return rep, nil
	}
	skippedUIDs := map[string]bool{}
	for _, s := range res.Skipped {
		skippedUIDs[s.UID] = true
	}
	var gone []int64
	for key, e := range byKey {
		if !seen[key] && !skippedUIDs[e.SourceUID] && !eventOver(e, from) {
			gone = append(gone, e.ID)
		}
	}
	for lo := 0; lo < len(gone); lo += batchSize {
		removed := 0
		err := svc.Batch(ctx, func(ctx context.Context) error {
			actor := hub.WithOrganiser(ctx, organiser)
			for _, id := range gone[lo:min(lo+batchSize, len(gone))] {
				if err := svc.DeleteEvent(actor, id); err != nil && hub.ErrorCode(err) != hub.ENOTFOUND {
					return err
				}
				removed++
			}
			return nil
		})
		if err != nil {
			return rep, err
		}
		rep.Removed += removed
	}
	log.Info("calendar imported", slog.Group("calendar", "feed", tgt.FeedID, "name", tgt.Name),
		slog.Group("report", "created", rep.Created, "updated", rep.Updated, "removed", rep.Removed, "unchanged", rep.Unchanged, "skipped", len(rep.Skipped)))
	return rep, nil
}

// adoptableEvents are, for a subscription, the events one-off imports
// made, by UID and occurrence: it adopts those of its feed rather than
// copying them. A one-off import adopts nothing.
func adoptableEvents(ctx context.Context, svc *hub.Service, tgt Target) (map[string]*hub.Event, error) {
	adoptable := map[string]*hub.Event{}
	if tgt.FeedID == 0 {
		return adoptable, nil
	}
	oneOff, _, err := svc.ListEvents(ctx, hub.EventFilter{Imported: true})
	if err != nil {
		return nil, err
	}
	for _, e := range oneOff {
		if e.SourceFeedID == 0 {
			adoptable[e.SourceUID+"\x00"+e.SourceOccurrence] = e
		}
	}
	return adoptable, nil
}

// adopt gives the subscription the event a one-off import made for key,
// when the subscription has none of its own: it is then updated in
// place like the subscription's events.
func adopt(actor context.Context, svc *hub.Service, tgt Target, key string, byKey, adoptable map[string]*hub.Event, rep *Report) error {
	e := adoptable[key]
	if e == nil || byKey[key] != nil {
		return nil
	}
	delete(adoptable, key)
	switch err := svc.AdoptImportedEvent(actor, e.ID, tgt.FeedID); {
	case hub.ErrorCode(err) == hub.ENOTFOUND:
		return nil // deleted or adopted meanwhile: the item is created
	case err != nil:
		return err
	}
	e.SourceFeedID = tgt.FeedID
	byKey[key] = e
	rep.Adopted++
	return nil
}

// batchSize is how many events an import saves in one transaction: a
// few hundred milliseconds of work at most, during which other writers
// wait.
const batchSize = 200

// applyItem makes the hub's event for one feed item match it, counting
// what it did in rep; it returns an error only when the hub itself fails.
func applyItem(actor context.Context, svc *hub.Service, tgt Target, it Item, byKey map[string]*hub.Event, seen map[string]bool, rep *Report) error {
	key := it.Key()
	seen[key] = true
	want := it.Event
	want.SourceFeedID, want.SourceUID, want.SourceOccurrence = tgt.FeedID, it.UID, it.Occurrence
	want.Tags = append(slices.Clone(want.Tags), tgt.Tags...)
	want.Organiser = tgt.Organiser
	want.PlaceID = tgt.PlaceID
	old := byKey[key]
	if old != nil {
		// What the feed cannot say survives: a place an organiser chose
		// when the subscription has none, accessibility notes.
		if want.PlaceID == 0 {
			want.PlaceID = old.PlaceID
		}
		want.Accessibility = old.Accessibility
	}
	if err := want.Validate(); err != nil {
		rep.Skipped = append(rep.Skipped, Skipped{UID: it.UID, Title: truncate(it.Event.Title, 80), Reason: "the hub cannot take it: " + fieldMessages(err)})
		return nil
	}
	var have []hub.StatusMark
	if old != nil {
		have = old.Statuses
	}
	if old != nil && sameEvent(old, &want) {
		changed, err := syncStatuses(actor, svc, old.ID, have, it.Event.Statuses)
		switch {
		case hub.ErrorCode(err) == hub.EINVALID:
			rep.Skipped = append(rep.Skipped, Skipped{UID: it.UID, Title: truncate(it.Event.Title, 80), Reason: "the hub cannot take it: " + fieldMessages(err)})
		case err != nil:
			return err
		case changed:
			rep.Updated++
		default:
			rep.Unchanged++
		}
		return nil
	}
	var err error
	if old != nil {
		want.ID = old.ID
		err = svc.UpdateEvent(actor, &want)
	} else {
		err = svc.CreateEvent(actor, &want)
	}
	if err == nil {
		_, err = syncStatuses(actor, svc, want.ID, have, it.Event.Statuses)
	}
	switch {
	case err == nil && old != nil:
		rep.Updated++
	case err == nil:
		rep.Created++
	case hub.ErrorCode(err) == hub.EINVALID:
		rep.Skipped = append(rep.Skipped, Skipped{UID: it.UID, Title: truncate(it.Event.Title, 80), Reason: "the hub cannot take it: " + fieldMessages(err)})
	default:
		return err
	}
	return nil
}

// syncStatuses makes an imported event's cancelled marks the feed's: a
// mark the feed gives and the event lacks is set, one the event has and
// the feed no longer gives is removed (the feed says what is on, as it
// does for the rest of the event). It reports whether it changed any.
func syncStatuses(actor context.Context, svc *hub.Service, id int64, have, want []hub.StatusMark) (changed bool, err error) {
	wanted := map[string]hub.EventStatus{}
	for _, m := range want {
		wanted[m.Date] = m.Status
	}
	for _, m := range have {
		if _, ok := wanted[m.Date]; ok {
			continue
		}
		if err := svc.SetEventStatus(actor, id, m.Date, hub.StatusScheduled, ""); err != nil {
			return changed, err
		}
		changed = true
	}
	had := map[string]hub.EventStatus{}
	for _, m := range have {
		had[m.Date] = m.Status
	}
	for _, m := range want {
		if had[m.Date] == m.Status {
			continue
		}
		if err := svc.SetEventStatus(actor, id, m.Date, m.Status, ""); err != nil {
			return changed, err
		}
		changed = true
	}
	return changed, nil
}

// eventOver reports whether an event's last occurrence ended before t:
// such events are history and stay when a feed drops them.
func eventOver(e *hub.Event, t time.Time) bool {
	if e.Recurring() {
		return e.SeriesEnd != nil && e.SeriesEnd.Before(t)
	}
	return e.End.Before(t)
}

// sameEvent reports whether a stored event already says what want says.
func sameEvent(old, want *hub.Event) bool {
	return old.Title == want.Title && old.Description == want.Description && old.TimeZone == want.TimeZone &&
		old.Start.Unix() == want.Start.Unix() && old.End.Unix() == want.End.Unix() && old.AllDay == want.AllDay &&
		old.Recurrence == want.Recurrence && strings.Join(old.Exceptions, ",") == strings.Join(want.Exceptions, ",") &&
		old.PlaceID == want.PlaceID && old.OnlineURL == want.OnlineURL && old.BookingURL == want.BookingURL &&
		old.Organiser == want.Organiser && old.Accessibility == want.Accessibility && sameTags(old.Tags, want.Tags)
}

func sameTags(a, b []string) bool {
	slugs := func(tags []string) []string {
		var out []string
		for _, t := range tags {
			out = append(out, hub.Slugify(t))
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(slugs(a), slugs(b))
}
