package web_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// TestOtherZoneEventsSayBothClocks: on a London hub, a New York event
// shows its own times with "New York time" and London's in brackets, in
// lists, on its page and in search results, and sorts by its real instant (2pm here), not by
// its 9am; an event on London's clock gets no note.
func TestOtherZoneEventsSayBothClocks(t *testing.T) {
	th := newTestHub(t)
	ny, _ := time.LoadLocation("America/New_York")
	mk := func(title, zone string, start time.Time) *hub.Event {
		e := &hub.Event{Title: title, TimeZone: zone, Start: start, End: start.Add(time.Hour), OnlineURL: "https://meet.example/" + hub.Slugify(title)}
		if err := th.svc.CreateEvent(th.host(), e); err != nil {
			t.Fatal(err)
		}
		return e
	}
	mk("Morning coffee", "Europe/London", time.Date(2026, 10, 8, 11, 0, 0, 0, london))
	call := mk("Sister group call", "America/New_York", time.Date(2026, 10, 8, 9, 0, 0, 0, ny))
	mk("Lunch", "Europe/London", time.Date(2026, 10, 8, 13, 0, 0, 0, london))
	mk("Tea", "Europe/London", time.Date(2026, 10, 8, 15, 0, 0, 0, london))

	c := th.client()
	list := th.get(c, "/events?from=2026-10-08&to=2026-10-08").body
	var order []string
	for _, m := range regexp.MustCompile(`<h4><a href="/events/[^"]+">([^<]+)</a>`).FindAllStringSubmatch(list, -1) {
		order = append(order, m[1])
	}
	if strings.Join(order, ", ") != "Morning coffee, Lunch, Sister group call, Tea" {
		t.Errorf("order %v: the call is at 2pm London time", order)
	}
	if !strings.Contains(list, `<time datetime="2026-10-08T09:00:00-04:00">9am</time> to <time datetime="2026-10-08T10:00:00-04:00">10am</time> New York time (2pm to 3pm here)</p>`) {
		t.Errorf("the list does not give both clocks for the call")
	}
	if n := strings.Count(list, " time ("); n != 1 {
		t.Errorf("%d zone notes in the list, want only the call's", n)
	}
	page := th.get(c, "/events/"+call.Slug).body
	if !strings.Contains(page, `Thursday 8 October 2026, 9am to 10am</time> New York time (2pm to 3pm here)`) {
		t.Errorf("the call's page does not give both clocks")
	}
	if !strings.Contains(page, `<meta name="description" content="Thursday 8 October 2026, 9am to 10am New York time (2pm to 3pm here)`) {
		t.Errorf("the call's description does not give both clocks")
	}
	search := th.get(c, "/search?q=sister").body
	if !strings.Contains(search, `Thu 8 Oct 2026, 9am</time> to 10am New York time (2pm to 3pm here)`) {
		t.Errorf("the search result does not give both clocks")
	}
	if coffee := th.get(c, "/search?q=coffee").body; !strings.Contains(coffee, `Thu 8 Oct 2026, 11am</time> to 12pm</p>`) {
		t.Errorf("the search result of an event on the hub's clock")
	}
	// Late in New York is the next day here: the note names the day.
	late := mk("Late call", "America/New_York", time.Date(2026, 10, 8, 21, 0, 0, 0, ny))
	if page := th.get(c, "/events/"+late.Slug).body; !strings.Contains(page, "9pm to 10pm</time> New York time (Friday 9 October 2026, 2am to 3am here)") {
		t.Errorf("the late call's page does not name the day here")
	}
}

// TestAllDayCommonsItems: an all-day event from a peer (midnight to
// midnight in its zone) shows as all day, for one day or several, in the
// commons list and on its page, never as "12am".
func TestAllDayCommonsItems(t *testing.T) {
	th := newTestHub(t)
	ctx := context.Background()
	store := th.db.Commons()
	peer := &hub.Followed{ActorID: "https://peer.example/actor", FollowID: "https://hub.example/follows/1", Inbox: "https://peer.example/inbox",
		Host: "peer.example", Name: "Peer hub", State: hub.PeerAccepted}
	if err := store.SaveFollowed(ctx, peer); err != nil {
		t.Fatal(err)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	day := func(d int) *time.Time { t := time.Date(2026, 10, d, 0, 0, 0, 0, berlin); return &t }
	items := []*hub.RemoteItem{
		{ObjectID: "https://peer.example/events/fair", Title: "Street fair", StartsAt: day(10), EndsAt: day(11)},
		{ObjectID: "https://peer.example/events/festival", Title: "Festival", StartsAt: day(16), EndsAt: day(19)},
	}
	for _, it := range items {
		it.Kind, it.URL, it.TimeZone = hub.KindEvent, it.ObjectID, "Europe/Berlin"
		it.Origin = hub.Origin{ActorID: peer.ActorID, Host: "peer.example", Name: "Peer hub"}
		it.Published, it.Updated, it.Received = now, now, now
		if _, err := store.SaveRemoteItem(ctx, it, hub.ItemSource{PeerActor: peer.ActorID}); err != nil {
			t.Fatal(err)
		}
	}
	c := th.client()
	list := th.get(c, "/commons").body
	for _, want := range []string{"Saturday 10 October 2026, all day", "Fri 16 Oct to Sun 18 Oct 2026, all day"} {
		if !strings.Contains(list, want) {
			t.Errorf("the commons list lacks %q", want)
		}
	}
	if strings.Contains(list, "12am") {
		t.Error("the commons list shows an all-day event at 12am")
	}
	page := th.get(c, fmt.Sprintf("/commons/%d", items[1].ID)).body
	if !strings.Contains(page, `<time datetime="2026-10-16">Fri 16 Oct to Sun 18 Oct 2026, all day</time>`) || strings.Contains(page, "12am") {
		t.Errorf("the festival's page does not show it as all day")
	}
}
