// Package storetest is the contract test suite for the domain's store
// interfaces: every adapter (today storage's SQLite) runs it with one
// line, storetest.Run(t, open), so that a new adapter is the adapter plus
// that line. The tests use the interfaces only; what is particular to an
// adapter (migrations, raw SQL, faults) is tested beside the adapter.
package storetest

import (
	"context"
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
