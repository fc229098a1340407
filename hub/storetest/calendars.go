package storetest

import (
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

func testSubscriptionRoundTrip(t *testing.T, open Opener) {
	s := open(t)
	stores, subs := s.Stores, s.Calendars
	place := &hub.Place{Name: "Zion Centre", Slug: "zion-centre"}
	if err := stores.Places.CreatePlace(ctx, place); err != nil {
		t.Fatal(err)
	}
	sub := &hub.Subscription{URL: "webcal://partner.example/events.ics", PlaceID: place.ID, Tags: []string{"Older people", "Food"}, Organiser: "Age Friendly Hulme"}
	if err := subs.CreateSubscription(ctx, sub); err != nil {
		t.Fatal(err)
	}
	if sub.ID == 0 || sub.CreatedAt.IsZero() {
		t.Fatalf("not filled in: %+v", sub)
	}
	if err := subs.CreateSubscription(ctx, &hub.Subscription{URL: sub.URL}); hub.ErrorCode(err) != hub.ECONFLICT {
		t.Errorf("the same URL twice: %v, want ECONFLICT", err)
	}

	checked := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	sub.Name, sub.ETag, sub.LastModified = "Partner events", `"v1"`, "Thu, 01 Oct 2026 08:00:00 GMT"
	sub.LastCheckedAt, sub.LastSuccessAt, sub.LastError = &checked, &checked, "The calendar server answered 500."
	sub.LastReport = &hub.CalendarReport{At: checked, Created: 3, Updated: 1, Removed: 2, Unchanged: 7, OutOfWindow: 4, Cancelled: 1,
		Skipped: []hub.SkippedEvent{{UID: "x", Title: "Broken", Line: 12, Reason: "it has no start time (DTSTART)."}}}
	if err := subs.UpdateSubscription(ctx, sub); err != nil {
		t.Fatal(err)
	}
	got, err := subs.FindSubscriptionByID(ctx, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.URL != sub.URL || got.Name != "Partner events" || got.PlaceID != place.ID || len(got.Tags) != 2 || got.Tags[1] != "Food" ||
		got.Organiser != "Age Friendly Hulme" || got.ETag != `"v1"` || got.LastModified != sub.LastModified ||
		!got.LastCheckedAt.Equal(checked) || !got.LastSuccessAt.Equal(checked) || got.LastError != sub.LastError {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, sub)
	}
	if r := got.LastReport; r == nil || r.Created != 3 || r.Removed != 2 || len(r.Skipped) != 1 || r.Skipped[0].Line != 12 || !r.At.Equal(checked) {
		t.Errorf("report = %+v", got.LastReport)
	}

	// An event imported from the feed keeps its marks through an update
	// that does not mention them (as the organiser form's does not).
	e := &hub.Event{Title: "Lunch club", Slug: "lunch-club", TimeZone: "UTC", Start: checked, End: checked.Add(time.Hour),
		SourceFeedID: sub.ID, SourceUID: "uid-1@partner", SourceOccurrence: "20261001T090000Z"}
	if err := stores.Events.CreateEvent(ctx, e); err != nil {
		t.Fatal(err)
	}
	dup := &hub.Event{Title: "Again", Slug: "again", TimeZone: "UTC", Start: checked, End: checked.Add(time.Hour), SourceFeedID: sub.ID, SourceUID: "uid-1@partner", SourceOccurrence: "20261001T090000Z"}
	if err := stores.Events.CreateEvent(ctx, dup); hub.ErrorCode(err) != hub.ECONFLICT {
		t.Errorf("a second event for the same feed, UID and occurrence: %v, want ECONFLICT", err)
	}
	edited := *e
	edited.SourceFeedID, edited.SourceUID, edited.SourceOccurrence, edited.Title = 0, "", "", "Lunch club (edited)"
	if err := stores.Events.UpdateEvent(ctx, &edited); err != nil {
		t.Fatal(err)
	}
	list, n, err := stores.Events.FindEvents(ctx, hub.EventFilter{SourceFeedID: sub.ID})
	if err != nil || n != 1 {
		t.Fatalf("events of the feed: %d, %v", n, err)
	}
	if g := list[0]; g.Title != "Lunch club (edited)" || g.SourceFeedID != sub.ID || g.SourceUID != "uid-1@partner" || g.SourceOccurrence != "20261001T090000Z" {
		t.Errorf("after an update: %+v", g)
	}
	other := &hub.Event{Title: "Typed in", Slug: "typed-in", TimeZone: "UTC", Start: checked, End: checked.Add(time.Hour)}
	if err := stores.Events.CreateEvent(ctx, other); err != nil {
		t.Fatal(err)
	}
	if _, n, _ := stores.Events.FindEvents(ctx, hub.EventFilter{Imported: true}); n != 1 {
		t.Errorf("imported events: %d, want 1", n)
	}

	// Removing the subscription leaves its events, unmarked by feed.
	if err := subs.DeleteSubscription(ctx, sub.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := subs.FindSubscriptionByID(ctx, sub.ID); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("after delete: %v", err)
	}
	if err := subs.DeleteSubscription(ctx, sub.ID); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("second delete: %v", err)
	}
	kept, err := stores.Events.FindEventByID(ctx, e.ID)
	if err != nil || kept.SourceFeedID != 0 || kept.SourceUID != "uid-1@partner" {
		t.Errorf("event after its subscription went: %+v %v", kept, err)
	}
	if list, _ := subs.FindSubscriptions(ctx); len(list) != 0 {
		t.Errorf("%d subscriptions left", len(list))
	}
}
