package storetest

import (
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// testAdaptedFrom: a guide's and a case study's original round-trips,
// changes and clears with the item; a commons item is found by its id or
// its page; peers' adaptations are listed per item, replaced by id,
// removed by id, by a block of their server, and with the item adapted.
func testAdaptedFrom(t *testing.T, open Opener) {
	all := open(t)
	if all.Adapted == nil {
		t.Skip("no Adapted store")
	}
	orig := &hub.AdaptedFrom{ObjectID: "https://a.example/case-studies/x", URL: "https://a.example/case-studies/x", Title: "X",
		Kind: hub.KindCaseStudy, Origin: hub.Origin{ActorID: "https://a.example/actor", Name: "Hub A", Username: "a", URL: "https://a.example/", Host: "a.example"}}
	g := &hub.Guide{Title: "G", Body: "b", AdaptedFrom: orig}
	if err := all.Guides.CreateGuide(ctx, g, &hub.GuideRevision{}); err != nil {
		t.Fatal(err)
	}
	c := &hub.CaseStudy{Title: "C", Problem: "p", AdaptedFrom: orig}
	if err := all.CaseStudies.CreateCaseStudy(ctx, c); err != nil {
		t.Fatal(err)
	}
	if got, err := all.Guides.FindGuideByID(ctx, g.ID); err != nil || got.AdaptedFrom == nil || *got.AdaptedFrom != *orig {
		t.Fatalf("guide's original: %+v, %v", got.AdaptedFrom, err)
	}
	list, _, err := all.CaseStudies.FindCaseStudies(ctx, hub.CaseStudyFilter{})
	if err != nil || len(list) != 1 || list[0].AdaptedFrom == nil || list[0].AdaptedFrom.Title != "X" {
		t.Fatalf("listed case study's original: %+v, %v", list, err)
	}
	c.AdaptedFrom = nil
	if err := all.CaseStudies.UpdateCaseStudy(ctx, c); err != nil {
		t.Fatal(err)
	}
	if got, _ := all.CaseStudies.FindCaseStudyByID(ctx, c.ID); got.AdaptedFrom != nil {
		t.Errorf("cleared original kept: %+v", got.AdaptedFrom)
	}

	testCommonsOriginals(t, all)
	testAdaptations(t, all, g)
}

// testCommonsOriginals: a commons item's original is kept and cleared
// with it; a commons item is found by its id or its page.
func testCommonsOriginals(t *testing.T, all Stores) {
	s := all.FederationCommons
	now := time.Unix(1_800_000_000, 0).UTC()
	it := &hub.RemoteItem{ObjectID: "https://b.example/objects/1", Kind: hub.KindGuide, URL: "https://b.example/guides/one", Title: "One",
		Origin: hub.Origin{ActorID: "https://b.example/actor", Host: "b.example"}, Published: now, Updated: now, Received: now}
	if _, err := s.SaveRemoteItem(ctx, it, hub.ItemSource{PeerActor: it.Origin.ActorID}); err != nil {
		t.Fatal(err)
	}
	it.AdaptedFrom = &hub.RemoteOriginal{ObjectID: "https://c.example/guides/first", Title: "First"}
	it.Updated = now.Add(time.Second)
	if _, err := s.SaveRemoteItem(ctx, it, hub.ItemSource{PeerActor: it.Origin.ActorID}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.RemoteItemByObject(ctx, it.ObjectID); err != nil || got.AdaptedFrom == nil || *got.AdaptedFrom != *it.AdaptedFrom {
		t.Errorf("a commons item's original: %+v, %v", got, err)
	}
	it.AdaptedFrom, it.Updated = nil, now.Add(2*time.Second)
	if _, err := s.SaveRemoteItem(ctx, it, hub.ItemSource{PeerActor: it.Origin.ActorID}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.RemoteItemByObject(ctx, it.ObjectID); got.AdaptedFrom != nil {
		t.Errorf("an update without the link kept the original: %+v", got.AdaptedFrom)
	}
	for _, ref := range []string{it.ObjectID, it.URL} {
		if got, err := all.Adapted.CommonsItemByRef(ctx, ref); err != nil || got.ObjectID != it.ObjectID {
			t.Errorf("CommonsItemByRef(%s): %+v, %v", ref, got, err)
		}
	}
	if _, err := all.Adapted.CommonsItemByRef(ctx, "https://b.example/nothing"); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("CommonsItemByRef of nothing: %v, want ENOTFOUND", err)
	}
}

// testAdaptations: peers' adaptations of the guide g are listed, replaced
// by id, removed by id, by a block of their server, and with g.
func testAdaptations(t *testing.T, all Stores, g *hub.Guide) {
	s := all.FederationCommons
	now := time.Unix(1_800_000_000, 0).UTC()

	by := func(host string) hub.Origin {
		return hub.Origin{ActorID: "https://" + host + "/actor", Name: host, Host: host}
	}
	for i, a := range []*hub.Adaptation{
		{ObjectID: "https://b.example/g/1", Kind: hub.KindGuide, ItemID: g.ID, URL: "https://b.example/g/1", Title: "B's", By: by("b.example"), Received: now},
		{ObjectID: "https://c.example/g/1", Kind: hub.KindGuide, ItemID: g.ID, URL: "https://c.example/g/1", Title: "C's", By: by("c.example"), Received: now.Add(time.Minute)},
		{ObjectID: "https://b.example/g/1", Kind: hub.KindGuide, ItemID: g.ID, URL: "https://b.example/g/1", Title: "B's, renamed", By: by("b.example"), Received: now},
	} {
		if err := s.SaveAdaptation(ctx, a); err != nil {
			t.Fatalf("adaptation %d: %v", i, err)
		}
	}
	got, err := all.Adapted.Adaptations(ctx, hub.KindGuide, g.ID)
	if err != nil || len(got) != 2 || got[0].Title != "B's, renamed" || got[1].By.Host != "c.example" || !got[0].Received.Equal(now) {
		t.Fatalf("adaptations: %+v, %v", got, err)
	}
	if a, err := s.AdaptationByObject(ctx, "https://c.example/g/1"); err != nil || a.ItemID != g.ID {
		t.Errorf("AdaptationByObject: %+v, %v", a, err)
	}
	if gone, err := s.DeleteAdaptation(ctx, "https://c.example/g/1"); !gone || err != nil {
		t.Errorf("DeleteAdaptation: %v, %v", gone, err)
	}
	if gone, err := s.DeleteAdaptation(ctx, "https://c.example/g/1"); gone || err != nil {
		t.Errorf("DeleteAdaptation again: %v, %v, want false", gone, err)
	}
	if _, err := s.AdaptationByObject(ctx, "https://c.example/g/1"); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("a deleted adaptation: %v, want ENOTFOUND", err)
	}
	if err := s.AddBlock(ctx, hub.Block{Kind: hub.BlockDomain, Value: "b.example"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := all.Adapted.Adaptations(ctx, hub.KindGuide, g.ID); len(got) != 0 {
		t.Errorf("a blocked server's adaptation stays: %+v", got)
	}
	if err := s.SaveAdaptation(ctx, &hub.Adaptation{ObjectID: "https://d.example/g/1", Kind: hub.KindGuide, ItemID: g.ID, By: by("d.example"), Received: now}); err != nil {
		t.Fatal(err)
	}
	if err := all.Guides.DeleteGuide(ctx, g.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := all.Adapted.Adaptations(ctx, hub.KindGuide, g.ID); len(got) != 0 {
		t.Errorf("adaptations of a deleted guide stay: %+v", got)
	}
}
