package storetest

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// wantCode fails the test unless err is a *hub.Error with code want.
func wantCode(t *testing.T, what string, err error, want string) {
	t.Helper()
	if got := hub.ErrorCode(err); got != want {
		t.Errorf("%s: error %v (code %q), want %s", what, err, got, want)
	}
}

// testMissingRows checks that every lookup documented to return ENOTFOUND
// does so for a row that does not exist, and that the stores' "false if
// there was none" answers are false.
func testMissingRows(t *testing.T, open Opener) {
	s := open(t)
	now := time.Now()
	for _, c := range []struct {
		name string
		call func() error
	}{
		{"EventStore.FindEventByID", func() error { _, err := s.Events.FindEventByID(ctx, 999); return err }},
		{"EventStore.FindEventBySlug", func() error { _, err := s.Events.FindEventBySlug(ctx, "none"); return err }},
		{"PlaceStore.FindPlaceByID", func() error { _, err := s.Places.FindPlaceByID(ctx, 999); return err }},
		{"PlaceStore.FindPlaceBySlug", func() error { _, err := s.Places.FindPlaceBySlug(ctx, "none"); return err }},
		{"TagStore.FindTagBySlug", func() error { _, err := s.Tags.FindTagBySlug(ctx, "none"); return err }},
		{"GuideStore.FindGuideByID", func() error { _, err := s.Guides.FindGuideByID(ctx, 999); return err }},
		{"GuideStore.FindGuideBySlug", func() error { _, err := s.Guides.FindGuideBySlug(ctx, "none"); return err }},
		{"GuideStore.FindGuideRevision", func() error { _, err := s.Guides.FindGuideRevision(ctx, 999, 1); return err }},
		{"CaseStudyStore.FindCaseStudyByID", func() error { _, err := s.CaseStudies.FindCaseStudyByID(ctx, 999); return err }},
		{"CaseStudyStore.FindCaseStudyBySlug", func() error { _, err := s.CaseStudies.FindCaseStudyBySlug(ctx, "none"); return err }},
		{"OrganiserStore.FindOrganiserByID", func() error { _, err := s.Organisers.FindOrganiserByID(ctx, 999); return err }},
		{"OrganiserStore.FindOrganiserByEmail", func() error { _, err := s.Organisers.FindOrganiserByEmail(ctx, "none@example.org"); return err }},
		{"SessionStore.FindSession", func() error { _, err := s.Sessions.FindSession(ctx, "none", now); return err }},
		{"TokenStore.FindTokenByHash", func() error { _, err := s.Tokens.FindTokenByHash(ctx, "none"); return err }},
		{"SettingsStore.FindLogo", func() error { _, _, err := s.Settings.FindLogo(ctx); return err }},
		{"CommonsStore.RemoteItem", func() error { _, err := s.Commons.RemoteItem(ctx, 999); return err }},
		{"CommonsStore.Comment", func() error { _, err := s.Commons.Comment(ctx, 999); return err }},
		{"CommonsStore.SetCommentHidden", func() error { return s.Commons.SetCommentHidden(ctx, 999, true) }},
		{"CommonsStore.DeleteComment", func() error { return s.Commons.DeleteComment(ctx, 999) }},
		{"FederationStore.ActorKey", func() error { _, err := s.Federation.ActorKey(ctx); return err }},
		{"FederationStore.RemoteActorByKey", func() error {
			_, err := s.Federation.RemoteActorByKey(ctx, "https://a.example/actor#main-key")
			return err
		}},
		{"FederationStore.Follower", func() error { _, err := s.Federation.Follower(ctx, "https://a.example/actor"); return err }},
		{"FederationCommonsStore.Followed", func() error { _, err := s.FederationCommons.Followed(ctx, "https://a.example/actor"); return err }},
		{"FederationCommonsStore.FollowedByFollow", func() error {
			_, err := s.FederationCommons.FollowedByFollow(ctx, "https://hub.example/follows/1")
			return err
		}},
		{"FederationCommonsStore.RemoteItem", func() error { _, err := s.FederationCommons.RemoteItem(ctx, 999); return err }},
		{"FederationCommonsStore.RemoteItemByObject", func() error {
			_, err := s.FederationCommons.RemoteItemByObject(ctx, "https://a.example/events/1")
			return err
		}},
		{"FederationCommonsStore.LocalItemByIRI", func() error {
			_, _, err := s.FederationCommons.LocalItemByIRI(ctx, "https://hub.example/events/none")
			return err
		}},
		{"FederationCommonsStore.CommentByObject", func() error {
			_, err := s.FederationCommons.CommentByObject(ctx, "https://a.example/notes/1")
			return err
		}},
		{"FederationCommonsStore.Reshare", func() error { _, err := s.FederationCommons.Reshare(ctx, "https://a.example/events/1"); return err }},
		{"SubscriptionStore.FindSubscriptionByID", func() error { _, err := s.Calendars.FindSubscriptionByID(ctx, 999); return err }},
	} {
		wantCode(t, c.name, c.call(), hub.ENOTFOUND)
	}
	if ok, err := s.FederationCommons.DeleteRemoteItem(ctx, "https://a.example/events/1"); ok || err != nil {
		t.Errorf("DeleteRemoteItem of none: %v, %v; want false, nil", ok, err)
	}
	if ok, err := s.FederationCommons.DeleteCommentByObject(ctx, "https://a.example/notes/1"); ok || err != nil {
		t.Errorf("DeleteCommentByObject of none: %v, %v; want false, nil", ok, err)
	}
	if u, err := s.Federation.PublicURL(ctx); u != "" || err != nil {
		t.Errorf("PublicURL with none recorded: %q, %v", u, err)
	}
}

// testActorKey checks that the first key saved stays.
func testActorKey(t *testing.T, open Opener) {
	s := open(t).Federation
	got, err := s.SaveActorKey(ctx, "private-1", "public-1")
	if err != nil || got != "private-1" {
		t.Fatalf("SaveActorKey: %q, %v", got, err)
	}
	if got, err := s.SaveActorKey(ctx, "private-2", "public-2"); err != nil || got != "private-1" {
		t.Errorf("second SaveActorKey: %q, %v; want the first key kept", got, err)
	}
	if got, err := s.ActorKey(ctx); err != nil || got != "private-1" {
		t.Errorf("ActorKey: %q, %v", got, err)
	}
	if err := s.SavePublicURL(ctx, "https://hub.example"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.PublicURL(ctx); err != nil || got != "https://hub.example" {
		t.Errorf("PublicURL: %q, %v", got, err)
	}
}

// testFollowers checks followers: save, replace, list by state, inboxes
// (shared inbox first, distinct, accepted only) and delete.
func testFollowers(t *testing.T, open Opener) {
	s := open(t).Federation
	recs := []*hub.FollowerRecord{
		{ActorID: "https://a.example/users/ann", FollowID: "https://a.example/f/1", Inbox: "https://a.example/users/ann/inbox", SharedInbox: "https://a.example/inbox", Username: "ann", CreatedAt: time.Unix(1000, 0)},
		{ActorID: "https://a.example/users/bob", FollowID: "https://a.example/f/2", Inbox: "https://a.example/users/bob/inbox", SharedInbox: "https://a.example/inbox", Username: "bob", CreatedAt: time.Unix(2000, 0)},
		{ActorID: "https://b.example/cat", FollowID: "https://b.example/f/3", Inbox: "https://b.example/cat/inbox", Username: "cat", CreatedAt: time.Unix(3000, 0)},
		{ActorID: "https://c.example/dan", FollowID: "https://c.example/f/4", Inbox: "https://c.example/dan/inbox", Pending: true, CreatedAt: time.Unix(4000, 0)},
	}
	for _, r := range recs {
		if err := s.SaveFollower(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Follower(ctx, "https://b.example/cat")
	if err != nil || got.FollowID != "https://b.example/f/3" || got.Inbox != "https://b.example/cat/inbox" || got.Username != "cat" || got.Pending {
		t.Errorf("Follower: %+v, %v", got, err)
	}
	accepted, n, err := s.Followers(ctx, false, 10, 0)
	if err != nil || n != 3 || len(accepted) != 3 || accepted[0].ActorID != recs[0].ActorID {
		t.Errorf("accepted followers: %d of %d, %v", len(accepted), n, err)
	}
	if page, n, _ := s.Followers(ctx, false, 1, 1); n != 3 || len(page) != 1 || page[0].ActorID != recs[1].ActorID {
		t.Errorf("second page of one: %v (total %d)", page, n)
	}
	pending, n, err := s.Followers(ctx, true, 10, 0)
	if err != nil || n != 1 || len(pending) != 1 || pending[0].ActorID != "https://c.example/dan" {
		t.Errorf("pending followers: %v, %d, %v", pending, n, err)
	}
	inboxes, err := s.FollowerInboxes(ctx)
	slices.Sort(inboxes)
	if err != nil || !slices.Equal(inboxes, []string{"https://a.example/inbox", "https://b.example/cat/inbox"}) {
		t.Errorf("FollowerInboxes: %v, %v", inboxes, err)
	}
	// SaveFollower replaces: dan is accepted now.
	recs[3].Pending = false
	if err := s.SaveFollower(ctx, recs[3]); err != nil {
		t.Fatal(err)
	}
	if _, n, _ := s.Followers(ctx, true, 10, 0); n != 0 {
		t.Errorf("%d pending after the follower was accepted", n)
	}
	if err := s.DeleteFollower(ctx, "https://b.example/cat"); err != nil {
		t.Fatal(err)
	}
	_, err = s.Follower(ctx, "https://b.example/cat")
	wantCode(t, "Follower after DeleteFollower", err, hub.ENOTFOUND)
}

// testDeliveryQueue checks the queue's life: enqueue with a record, the
// outbox, claiming with a lease, retry, give up and retry by hand.
func testDeliveryQueue(t *testing.T, open Opener) {
	s := open(t).Federation
	now := time.Unix(1_800_000_000, 0).UTC()
	act := &hub.OutActivity{IRI: "https://hub.example/activities/1", Type: "Create", ObjectIRI: "https://hub.example/events/tea", Public: true, Body: []byte(`{"type":"Create"}`), CreatedAt: now}
	rec := &hub.PublishedObject{IRI: "https://hub.example/events/tea", Kind: hub.KindEvent, ItemID: 7, Hash: "h1", Body: []byte(`{}`), PublishedAt: now, UpdatedAt: now}
	if err := s.Enqueue(ctx, hub.Enqueued{Activity: act, Inboxes: []string{"https://a.example/inbox", "https://b.example/inbox"}, Record: rec}); err != nil {
		t.Fatal(err)
	}
	out, n, err := s.Outbox(ctx, 10, 0)
	if err != nil || n != 1 || len(out) != 1 || out[0].IRI != act.IRI || string(out[0].Body) != string(act.Body) {
		t.Errorf("Outbox: %v, %d, %v", out, n, err)
	}
	pub, err := s.PublishedObjects(ctx, hub.KindEvent, 7)
	if err != nil || len(pub) != 1 || pub[0].Hash != "h1" {
		t.Errorf("PublishedObjects: %v, %v", pub, err)
	}
	// A host being skipped is not claimed.
	jobs, err := s.ClaimDeliveries(ctx, now, time.Minute, 10, "a.example")
	if err != nil || len(jobs) != 1 || jobs[0].Inbox != "https://b.example/inbox" || jobs[0].ActivityIRI != act.IRI || string(jobs[0].Body) != string(act.Body) {
		t.Fatalf("claim skipping a.example: %+v, %v", jobs, err)
	}
	more, _ := s.ClaimDeliveries(ctx, now, time.Minute, 10)
	if len(more) != 1 || more[0].Inbox != "https://a.example/inbox" {
		t.Fatalf("claim of the rest: %+v", more)
	}
	if again, _ := s.ClaimDeliveries(ctx, now, time.Minute, 10); len(again) != 0 {
		t.Errorf("leased deliveries claimed again: %+v", again)
	}
	// b: done. a: retry later, then give up.
	if err := s.FinishDelivery(ctx, jobs[0].DeliveryID, true, 202, "", nil, now); err != nil {
		t.Fatal(err)
	}
	next := now.Add(time.Hour)
	if err := s.FinishDelivery(ctx, more[0].DeliveryID, false, 500, "boom", &next, now); err != nil {
		t.Fatal(err)
	}
	if due, _ := s.ClaimDeliveries(ctx, now.Add(time.Minute), time.Minute, 10); len(due) != 0 {
		t.Errorf("a retry was claimed before it was due: %+v", due)
	}
	due, _ := s.ClaimDeliveries(ctx, next, time.Minute, 10)
	if len(due) != 1 || due[0].Attempts != 1 {
		t.Fatalf("retry due: %+v", due)
	}
	if err := s.FinishDelivery(ctx, due[0].DeliveryID, false, 500, "boom again", nil, next); err != nil {
		t.Fatal(err)
	}
	failed, err := s.Deliveries(ctx, "failed", 10)
	if err != nil || len(failed) != 1 || failed[0].Inbox != "https://a.example/inbox" || failed[0].LastError != "boom again" {
		t.Fatalf("failed deliveries: %+v, %v", failed, err)
	}
	if err := s.RetryDelivery(ctx, failed[0].ID, next); err != nil {
		t.Fatal(err)
	}
	if pending, _ := s.Deliveries(ctx, "pending", 10); len(pending) != 1 {
		t.Errorf("pending after RetryDelivery: %+v", pending)
	}
	// A lease is released at start.
	if got, _ := s.ClaimDeliveries(ctx, next, time.Hour, 10); len(got) != 1 {
		t.Fatalf("claim after retry: %+v", got)
	}
	if err := s.ReleaseLeases(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ClaimDeliveries(ctx, next, time.Hour, 10); len(got) != 1 {
		t.Errorf("claim after ReleaseLeases: %+v", got)
	}
	if peers, err := s.Peers(ctx); err != nil || len(peers) == 0 {
		t.Errorf("Peers: %v, %v", peers, err)
	}
}

// testSeen checks inbox deduplication.
func testSeen(t *testing.T, open Opener) {
	s := open(t).Federation
	now := time.Unix(1_800_000_000, 0)
	if first, err := s.MarkSeen(ctx, "https://a.example/activities/1", now); err != nil || !first {
		t.Fatalf("first MarkSeen: %v, %v", first, err)
	}
	if first, _ := s.MarkSeen(ctx, "https://a.example/activities/1", now); first {
		t.Error("an id seen before is new again")
	}
	if err := s.ForgetSeen(ctx, now.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if first, _ := s.MarkSeen(ctx, "https://a.example/activities/1", now); !first {
		t.Error("a forgotten id is still seen")
	}
}

// testServerSoftware checks the record of what remote servers run: unknown
// is ENOTFOUND, a save replaces what was, a failed lookup keeps its problem.
func testServerSoftware(t *testing.T, open Opener) {
	s := open(t).Federation
	if _, err := s.ServerSoftware(ctx, "gts.example"); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Fatalf("unknown server: %v, want ENOTFOUND", err)
	}
	first := hub.ServerSoftware{Host: "gts.example", Name: "gotosocial", Version: "0.19.1", CheckedAt: time.Unix(1_800_000_000, 0).UTC()}
	if err := s.SaveServerSoftware(ctx, first); err != nil {
		t.Fatal(err)
	}
	got, err := s.ServerSoftware(ctx, "gts.example")
	if err != nil || *got != first {
		t.Fatalf("read back %+v, %v; want %+v", got, err, first)
	}
	later := first
	later.CheckedAt, later.Problem = first.CheckedAt.Add(time.Hour), "fetch https://gts.example/.well-known/nodeinfo: HTTP 502"
	if err := s.SaveServerSoftware(ctx, later); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ServerSoftware(ctx, "gts.example"); got == nil || *got != later {
		t.Fatalf("after a failed lookup: %+v, want %+v", got, later)
	}
	if _, err := s.ServerSoftware(ctx, "other.example"); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("another server: %v, want ENOTFOUND", err)
	}
}

// testRemoteActors checks the key cache.
func testRemoteActors(t *testing.T, open Opener) {
	s := open(t).Federation
	a := &hub.RemoteActor{ID: "https://a.example/actor", KeyID: "https://a.example/actor#main-key", PublicKeyPEM: "pem", Inbox: "https://a.example/inbox", Username: "a", Type: "Group", FetchedAt: time.Unix(1000, 0)}
	if err := s.SaveRemoteActor(ctx, a); err != nil {
		t.Fatal(err)
	}
	got, err := s.RemoteActorByKey(ctx, a.KeyID)
	if err != nil || got.ID != a.ID || got.PublicKeyPEM != "pem" || got.Inbox != a.Inbox || got.Type != "Group" {
		t.Fatalf("RemoteActorByKey: %+v, %v", got, err)
	}
	if err := s.DeleteRemoteActor(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	_, err = s.RemoteActorByKey(ctx, a.KeyID)
	wantCode(t, "RemoteActorByKey after delete", err, hub.ENOTFOUND)
}

// testCommonsMirror checks followed peers, remote items and their
// sources, comments, re-shares and moderation through the federation
// side, and what the reading side (CommonsStore) then shows.
func testCommonsMirror(t *testing.T, open Opener) {
	all := open(t)
	s, read := all.FederationCommons, all.Commons
	peer := &hub.Followed{ActorID: "https://a.example/actor", FollowID: "https://hub.example/follows/1", Inbox: "https://a.example/inbox", Outbox: "https://a.example/outbox", Username: "a", Name: "Hub A", Host: "a.example", State: hub.PeerAccepted, CreatedAt: time.Unix(1000, 0)}
	if err := s.SaveFollowed(ctx, peer); err != nil {
		t.Fatal(err)
	}
	if got, err := s.FollowedByFollow(ctx, peer.FollowID); err != nil || got.ActorID != peer.ActorID || got.State != hub.PeerAccepted {
		t.Fatalf("FollowedByFollow: %+v, %v", got, err)
	}
	start := time.Unix(1_800_000_000, 0).UTC()
	it := &hub.RemoteItem{ObjectID: "https://a.example/events/1", Kind: hub.KindEvent, URL: "https://a.example/events/1", Title: "Repair cafe", ContentText: "Bring a toaster",
		Origin: hub.Origin{ActorID: peer.ActorID, Host: "a.example", Name: "Hub A"}, StartsAt: &start, TimeZone: "UTC", Published: start.Add(-time.Hour), Updated: start.Add(-time.Hour), Received: start,
		Language: "en", Translations: []hub.ItemText{{Language: "cy", Title: "Caffi trwsio", ContentHTML: "<p>Dewch â thostiwr</p>"}}}
	changed, err := s.SaveRemoteItem(ctx, it, hub.ItemSource{PeerActor: peer.ActorID})
	if err != nil || !changed || it.ID == 0 {
		t.Fatalf("SaveRemoteItem: %v, %v (id %d)", changed, err, it.ID)
	}
	older := *it
	older.Title, older.Updated = "Old title", it.Updated.Add(-time.Hour)
	if changed, err := s.SaveRemoteItem(ctx, &older, hub.ItemSource{PeerActor: peer.ActorID}); err != nil || changed {
		t.Errorf("an older update changed the item: %v, %v", changed, err)
	}
	got, err := read.RemoteItem(ctx, it.ID)
	if err != nil || got.Title != "Repair cafe" || got.ObjectID != it.ObjectID {
		t.Fatalf("RemoteItem: %+v, %v", got, err)
	}
	if !reflect.DeepEqual(got.Translations, it.Translations) || got.Language != "en" {
		t.Errorf("RemoteItem keeps the item's languages: %q %+v, want %+v", got.Language, got.Translations, it.Translations)
	}
	items, n, err := read.RemoteItems(ctx, hub.RemoteItemFilter{Limit: 10})
	if err != nil || n != 1 || len(items) != 1 {
		t.Errorf("RemoteItems: %d of %d, %v", len(items), n, err)
	}
	if hosts, err := read.Hosts(ctx); err != nil || !slices.Equal(hosts, []string{"a.example"}) {
		t.Errorf("Hosts: %v, %v", hosts, err)
	}
	if list, err := s.FollowedList(ctx); err != nil || len(list) != 1 || list[0].Items != 1 {
		t.Errorf("FollowedList: %+v, %v", list, err)
	}

	// Re-shares.
	if err := s.SaveReshare(ctx, it.ObjectID, "https://hub.example/announces/1"); err != nil {
		t.Fatal(err)
	}
	if id, err := s.Reshare(ctx, it.ObjectID); err != nil || id != "https://hub.example/announces/1" {
		t.Errorf("Reshare: %q, %v", id, err)
	}
	if err := s.DeleteReshare(ctx, it.ObjectID); err != nil {
		t.Fatal(err)
	}
	_, err = s.Reshare(ctx, it.ObjectID)
	wantCode(t, "Reshare after DeleteReshare", err, hub.ENOTFOUND)

	// Moderation: blocking the domain removes what it left.
	if err := s.AddBlock(ctx, hub.Block{Kind: hub.BlockDomain, Value: "a.example", Note: "spam", Created: start}); err != nil {
		t.Fatal(err)
	}
	pol, err := s.Policy(ctx)
	if err != nil || len(pol.Blocks) != 1 || pol.Blocks[0].Value != "a.example" {
		t.Fatalf("Policy after AddBlock: %+v, %v", pol, err)
	}
	_, err = read.RemoteItem(ctx, it.ID)
	wantCode(t, "RemoteItem of a blocked domain", err, hub.ENOTFOUND)
	_, err = s.Followed(ctx, peer.ActorID)
	wantCode(t, "Followed on a blocked domain", err, hub.ENOTFOUND)
	if err := s.RemoveBlock(ctx, hub.BlockDomain, "a.example"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetAllowlist(ctx, true); err != nil {
		t.Fatal(err)
	}
	if err := s.Allow(ctx, "b.example", true); err != nil {
		t.Fatal(err)
	}
	pol, err = s.Policy(ctx)
	if err != nil || !pol.Allowlist || !slices.Equal(pol.Allowed, []string{"b.example"}) || len(pol.Blocks) != 0 {
		t.Errorf("Policy: %+v, %v", pol, err)
	}
	if _, err := s.ServerCounts(ctx); err != nil {
		t.Errorf("ServerCounts: %v", err)
	}
}

// testLatestComments checks that an item page's replies are the newest
// visible ones, oldest first, with the count of all visible ones, and that
// the limit holds however many there are.
func testLatestComments(t *testing.T, open Opener) {
	all := open(t)
	s, read := all.FederationCommons, all.Commons
	at := time.Unix(1_800_000_000, 0).UTC()
	save := func(n int, itemID int64) *hub.Comment {
		t.Helper()
		return saveComment(t, s, strconv.Itoa(n), itemID, false, at.Add(time.Duration(n)*time.Minute))
	}
	for n := 1; n <= 30; n++ {
		c := save(n, 7)
		if n == 30 || n == 10 {
			if err := read.SetCommentHidden(ctx, c.ID, true); err != nil {
				t.Fatal(err)
			}
		}
	}
	save(31, 8) // another item's
	texts := func(cs []*hub.Comment) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.ContentHTML)
		}
		return out
	}
	cs, total, err := read.LatestComments(ctx, hub.KindEvent, 7, 3)
	if want := []string{"<p>27</p>", "<p>28</p>", "<p>29</p>"}; err != nil || total != 28 || !slices.Equal(texts(cs), want) {
		t.Errorf("LatestComments(limit 3): %v of %d, %v; want %v of 28 (the hidden 30th left out)", texts(cs), total, err, want)
	}
	cs, total, err = read.LatestComments(ctx, hub.KindEvent, 7, 100)
	if err != nil || total != 28 || len(cs) != 28 || cs[0].ContentHTML != "<p>1</p>" || cs[27].ContentHTML != "<p>29</p>" {
		t.Errorf("LatestComments(limit 100): %v of %d, %v; want 1 to 29 but 10, of 28", texts(cs), total, err)
	}
	if cs, total, err := read.LatestComments(ctx, hub.KindGuide, 7, 3); err != nil || total != 0 || len(cs) != 0 {
		t.Errorf("LatestComments of an item without replies: %v of %d, %v", texts(cs), total, err)
	}
}

// testSubscriptions checks calendar subscriptions: create, the URL's
// uniqueness (ECONFLICT), update, list and delete.
func testSubscriptions(t *testing.T, open Opener) {
	s := open(t).Calendars
	sub := &hub.Subscription{URL: "https://partner.example/events.ics", Organiser: "Partner", Tags: []string{"partner"}}
	if err := s.CreateSubscription(ctx, sub); err != nil {
		t.Fatal(err)
	}
	if sub.ID == 0 || sub.CreatedAt.IsZero() {
		t.Errorf("CreateSubscription set no ID or CreatedAt: %+v", sub)
	}
	dup := &hub.Subscription{URL: sub.URL}
	wantCode(t, "CreateSubscription of a URL already subscribed", s.CreateSubscription(ctx, dup), hub.ECONFLICT)
	other := &hub.Subscription{URL: "https://other.example/cal.ics"}
	if err := s.CreateSubscription(ctx, other); err != nil {
		t.Fatal(err)
	}
	other.URL = sub.URL
	wantCode(t, "UpdateSubscription to a URL already subscribed", s.UpdateSubscription(ctx, other), hub.ECONFLICT)
	sub.Name, sub.LastError = "Partner events", "timeout"
	sub.LastReport = &hub.CalendarReport{At: time.Unix(1000, 0).UTC(), Created: 2, Skipped: []hub.SkippedEvent{{UID: "x", Reason: "no start"}}}
	if err := s.UpdateSubscription(ctx, sub); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindSubscriptionByID(ctx, sub.ID)
	if err != nil || got.Name != "Partner events" || got.LastError != "timeout" || got.LastReport == nil || got.LastReport.Created != 2 || len(got.LastReport.Skipped) != 1 {
		t.Fatalf("FindSubscriptionByID: %+v, %v", got, err)
	}
	if list, err := s.FindSubscriptions(ctx); err != nil || len(list) != 2 || list[0].ID != sub.ID {
		t.Errorf("FindSubscriptions: %v, %v", list, err)
	}
	if err := s.DeleteSubscription(ctx, sub.ID); err != nil {
		t.Fatal(err)
	}
	_, err = s.FindSubscriptionByID(ctx, sub.ID)
	wantCode(t, "FindSubscriptionByID after delete", err, hub.ENOTFOUND)
}

// testBatch checks the Batcher contract: all of a batch or none of it.
func testBatch(t *testing.T, open Opener) {
	s := open(t).Stores
	if s.Batcher == nil {
		t.Skip("the adapter has no Batcher")
	}
	if err := s.Batcher.Batch(ctx, func(ctx context.Context) error {
		return s.Places.CreatePlace(ctx, &hub.Place{Name: "Kept", Slug: "kept"})
	}); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := s.Batcher.Batch(ctx, func(ctx context.Context) error {
		if err := s.Places.CreatePlace(ctx, &hub.Place{Name: "Dropped", Slug: "dropped"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("Batch returned %v, want fn's error", err)
	}
	if _, err := s.Places.FindPlaceBySlug(ctx, "kept"); err != nil {
		t.Errorf("a saved batch's place: %v", err)
	}
	_, err = s.Places.FindPlaceBySlug(ctx, "dropped")
	wantCode(t, "a failed batch's place", err, hub.ENOTFOUND)
}

// testSearch checks the SearchStore contract: words find items, hits are
// plain data (no HTML), and a kind filter applies.
func testSearch(t *testing.T, open Opener) {
	s := open(t).Stores
	start := time.Date(2030, 5, 1, 18, 0, 0, 0, time.UTC)
	e := &hub.Event{Title: "Repair <cafe>", Slug: "repair-cafe", Description: "Bring a broken toaster & a kettle", TimeZone: "UTC", Start: start, End: start.Add(2 * time.Hour)}
	if err := s.Events.CreateEvent(ctx, e); err != nil {
		t.Fatal(err)
	}
	if err := s.Guides.CreateGuide(ctx, &hub.Guide{Title: "Toaster guide", Slug: "toaster-guide", Body: "How to fix a toaster"}, &hub.GuideRevision{Title: "Toaster guide", Body: "How to fix a toaster"}); err != nil {
		t.Fatal(err)
	}
	res, err := s.Searcher.Search(ctx, hub.SearchQuery{Text: "toaster", Kind: hub.KindEvent, Limit: 10})
	if err != nil || res.Total != 1 || len(res.Hits) != 1 {
		t.Fatalf("Search: %+v, %v", res, err)
	}
	h := res.Hits[0]
	if !h.Local || h.Kind != hub.KindEvent || h.Slug != "repair-cafe" || h.ID != e.ID || h.URL() != "/events/repair-cafe" {
		t.Errorf("hit: %+v", h)
	}
	if h.Snippet != "Bring a broken "+hub.SnippetMatchStart+"toaster"+hub.SnippetMatchEnd+" & a kettle" {
		t.Errorf("snippet %q: want plain text with the domain's match markers", h.Snippet)
	}
	if res, err := s.Searcher.Search(ctx, hub.SearchQuery{Text: "toaster", Limit: 10}); err != nil || res.Total != 2 {
		t.Errorf("Search of every kind: %+v, %v", res, err)
	}
	if res, err := s.Searcher.Search(ctx, hub.SearchQuery{Text: "!!!", Limit: 10}); err != nil || res.Total != 0 {
		t.Errorf("Search of punctuation: %+v, %v", res, err)
	}
}
