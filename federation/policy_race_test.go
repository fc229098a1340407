package federation_test

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/federation"
	"github.com/commonplace-hub/commonplace/hub"
)

// gatedPolicy is the real commons store whose next policy read, once
// armed, is held after it has read the database until released: a read
// that began before an organiser changed the policy and ends after it.
type gatedPolicy struct {
	hub.FederationCommonsStore
	armed   chan struct{} // closed: hold the next read
	read    chan struct{} // closed by the held read once it has read
	release chan struct{}
}

func (g *gatedPolicy) Policy(ctx context.Context) (*hub.Policy, error) {
	p, err := g.FederationCommonsStore.Policy(ctx)
	select {
	case <-g.armed:
		g.armed = make(chan struct{}) // only once
		close(g.read)
		<-g.release
	default:
	}
	return p, err
}

// A policy read that was under way when an organiser turned allowlist
// mode on is not kept: the next activity already obeys the allowlist.
// (Kept, it would let servers in for the cache's whole lifetime; CI once
// saw TestBlocksAndAllowlist fail that way.)
func TestPolicyChangeBeatsAReadUnderWay(t *testing.T) {
	ctx := context.Background()
	db := federation.OpenTestDB(t)
	gate := &gatedPolicy{FederationCommonsStore: db.Commons(), armed: make(chan struct{}), read: make(chan struct{}), release: make(chan struct{})}
	base, _ := url.Parse("https://hub.example")
	fed, err := federation.New(ctx, federation.Config{Content: hub.NewReader(db.Stores()), Store: db.Federation(), Commons: gate, BaseURL: base,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	// No notifier: items are published by hand below.
	svc := hub.NewService(db.Stores(), slog.New(slog.NewTextHandler(io.Discard, nil)), hub.WithFederation(fed))
	host := hub.WithOrganiser(ctx, &hub.Organiser{Name: "Host", Role: hub.RoleAdmin})
	if err := db.Federation().SaveFollower(host, &hub.FollowerRecord{ActorID: "https://elsewhere.example/users/ann",
		FollowID: "https://elsewhere.example/follows/1", Inbox: "https://elsewhere.example/users/ann/inbox", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	publish := func(title string) {
		start := time.Now().Add(48 * time.Hour).Truncate(time.Hour)
		e := &hub.Event{Title: title, TimeZone: "UTC", Start: start, End: start.Add(time.Hour)}
		if err := svc.CreateEvent(host, e); err != nil {
			t.Fatal(err)
		}
		if err := fed.SyncItem(ctx, hub.KindEvent, e.ID); err != nil {
			t.Fatal(err)
		}
	}
	deliveries := func() int {
		st, err := fed.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return len(st.Pending)
	}

	close(gate.armed)
	done := make(chan struct{})
	go func() { publish("Before the change"); close(done) }()
	<-gate.read // the policy, allowlist off, is read and not yet cached
	if err := svc.SetAllowlist(host, true); err != nil {
		t.Fatal(err)
	}
	close(gate.release)
	<-done
	if n := deliveries(); n != 1 {
		t.Fatalf("%d deliveries of the item published before the change, want 1", n)
	}
	publish("After the change")
	if n := deliveries(); n != 1 {
		t.Errorf("%d deliveries after allowlist mode was turned on: a server not on the list still gets activities", n)
	}
}
