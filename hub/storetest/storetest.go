// Package storetest is the contract test suite for the domain's store
// interfaces: every adapter (today storage's SQLite) runs it with one
// line, storetest.Run(t, open), so that a new adapter is the adapter plus
// that line. The tests use the interfaces only; what is particular to an
// adapter (migrations, raw SQL, faults) is tested beside the adapter.
package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// Stores is every store contract an adapter implements, over one empty
// database.
type Stores struct {
	hub.Stores
	Federation        hub.FederationStore
	FederationCommons hub.FederationCommonsStore
	Calendars         hub.SubscriptionStore
}

// Opener opens a new, empty set of stores for one test; it closes them
// with t.Cleanup.
type Opener func(t *testing.T) Stores

// Run runs every contract test, each as a subtest over stores of its own.
func Run(t *testing.T, open Opener) {
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, open) })
	}
}

var ctx = context.Background()

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// adaAndBo saves two organisers: Ada, an admin, and Bo, an editor.
func adaAndBo(s hub.Stores) (ada, bo *hub.Organiser) {
	ada = &hub.Organiser{Email: "ada@example.org", Name: "Ada", Role: hub.RoleAdmin, PasswordHash: "h"}
	bo = &hub.Organiser{Email: "bo@example.org", Name: "Bo", Role: hub.RoleEditor, PasswordHash: "h"}
	s.Organisers.CreateOrganiser(ctx, ada)
	s.Organisers.CreateOrganiser(ctx, bo)
	return ada, bo
}

// eventAndPlace saves an event, "Bike repair", and a place, "Zion Centre",
// for pictures to belong to.
func eventAndPlace(t *testing.T, s hub.Stores) (*hub.Event, *hub.Place) {
	t.Helper()
	start := time.Date(2026, 5, 1, 18, 0, 0, 0, time.UTC)
	e := &hub.Event{Title: "Bike repair", TimeZone: "Europe/London", Start: start, End: start.Add(time.Hour)}
	if err := s.Events.CreateEvent(ctx, e); err != nil {
		t.Fatal(err)
	}
	pl := &hub.Place{Name: "Zion Centre", Slug: "zion-centre"}
	if err := s.Places.CreatePlace(ctx, pl); err != nil {
		t.Fatal(err)
	}
	return e, pl
}

// serviceWithDropIn is a service over new stores, acting as the host,
// with a "Drop-in" series from Tuesday 6 October 2026, 10:00 to 12:00 in
// London, repeating as rule says.
func serviceWithDropIn(t *testing.T, open Opener, rule string) (*hub.Service, context.Context, *hub.Event) {
	t.Helper()
	svc := hub.NewService(open(t).Stores, nil)
	london := zone(t, "Europe/London")
	host := hub.HostContext(ctx)
	e := &hub.Event{Title: "Drop-in", TimeZone: "Europe/London",
		Start: time.Date(2026, 10, 6, 10, 0, 0, 0, london), End: time.Date(2026, 10, 6, 12, 0, 0, 0, london), Recurrence: rule}
	if err := svc.CreateEvent(host, e); err != nil {
		t.Fatal(err)
	}
	return svc, host, e
}

// saveComment saves Ann's reply id (its content "<p>id</p>") to the event
// itemID, published at.
func saveComment(t *testing.T, s hub.FederationCommonsStore, id string, itemID int64, held bool, at time.Time) *hub.Comment {
	t.Helper()
	c := &hub.Comment{ObjectID: "https://a.example/notes/" + id, Kind: hub.KindEvent, ItemID: itemID, Held: held,
		Author: hub.Origin{ActorID: "https://a.example/users/ann", Host: "a.example"}, ContentHTML: "<p>" + id + "</p>", Published: at}
	if err := s.SaveComment(ctx, c, "https://hub.example/events/e"); err != nil {
		t.Fatal(err)
	}
	return c
}

// filterCase is a filter of a listing, and the slugs it must list (in
// order, space-separated) and the total it must count.
type filterCase[F any] struct {
	name  string
	f     F
	want  string
	total int
}

// checkFilters runs find with each case's filter, as a subtest, and
// checks the slugs (from slug, which may check each item too) and total.
func checkFilters[F, T any](t *testing.T, cases []filterCase[F], find func(context.Context, F) ([]T, int, error), slug func(*testing.T, T) string) {
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := find(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var slugs []string
			for _, v := range got {
				slugs = append(slugs, slug(t, v))
			}
			if strings.Join(slugs, " ") != tt.want || total != tt.total {
				t.Errorf("got %v (total %d), want %s (total %d)", slugs, total, tt.want, tt.total)
			}
		})
	}
}

var tests = []struct {
	name string
	run  func(t *testing.T, open Opener)
}{
	{"MissingRows", testMissingRows},
	{"ActorKey", testActorKey},
	{"Followers", testFollowers},
	{"DeliveryQueue", testDeliveryQueue},
	{"Seen", testSeen},
	{"RemoteActors", testRemoteActors},
	{"ServerSoftware", testServerSoftware},
	{"CommonsMirror", testCommonsMirror},
	{"LatestComments", testLatestComments},
	{"HeldComments", testHeldComments},
	{"PeerShares", testPeerShares},
	{"AdaptedFrom", testAdaptedFrom},
	{"Subscriptions", testSubscriptions},
	{"SubscriptionRoundTrip", testSubscriptionRoundTrip},
	{"Batch", testBatch},
	{"Search", testSearch},
	{"PlaceRoundTrip", testPlaceRoundTrip},
	{"DeletePlaceInUse", testDeletePlaceInUse},
	{"Tags", testTags},
	{"CreateTag", testCreateTag},
	{"CaseStudyRoundTrip", testCaseStudyRoundTrip},
	{"CaseStudyFilters", testCaseStudyFilters},
	{"GuideFilters", testGuideFilters},
	{"GuideRevisions", testGuideRevisions},
	{"EventRoundTrip", testEventRoundTrip},
	{"EventFilters", testEventFilters},
	{"EventZones", testEventZones},
	{"ConcurrentCreatesGetDistinctSlugs", testConcurrentCreatesGetDistinctSlugs},
	{"SlugSuffixes", testSlugSuffixes},
	{"ManyEventsLoadTheirTags", testManyEventsLoadTheirTags},
	{"ServiceOverStorage", testServiceOverStorage},
	{"EventStatuses", testEventStatuses},
	{"ServiceEventStatus", testServiceEventStatus},
	{"AdoptEvent", testAdoptEvent},
	{"ServiceMoveOccurrence", testServiceMoveOccurrence},
	{"Organisers", testOrganisers},
	{"Sessions", testSessions},
	{"Tokens", testTokens},
	{"SettingsAndLogo", testSettingsAndLogo},
	{"DeleteOrganiserTakesSessionsAndTokens", testDeleteOrganiserTakesSessionsAndTokens},
	{"Pictures", testPictures},
	{"PictureBlurhash", testPictureBlurhash},
}
