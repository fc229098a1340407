package storage_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// TestAdaptationHidden: a hidden credit is left out of the item's
// adaptations and of its AdaptedBy, listed (marked) for organisers, kept
// hidden when its server saves it again (an Update), and shown again on
// request; hiding what is not there is ENOTFOUND.
func TestAdaptationHidden(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "hub.db"))
	svc := hub.NewService(db.Stores(), nil)
	g := &hub.Guide{Title: "Repair club", Body: "How."}
	if err := svc.CreateGuide(hub.HostContext(ctx), g); err != nil {
		t.Fatal(err)
	}
	cs := db.Commons()
	now := time.Unix(1_800_000_000, 0).UTC()
	for _, host := range []string{"b.example", "c.example"} {
		if err := cs.SaveAdaptation(ctx, &hub.Adaptation{ObjectID: "https://" + host + "/g/1", Kind: hub.KindGuide, ItemID: g.ID, Title: host,
			By: hub.Origin{ActorID: "https://" + host + "/actor", Host: host}, Received: now}); err != nil {
			t.Fatal(err)
		}
	}
	shown := func() []string {
		t.Helper()
		list, err := cs.Adaptations(ctx, hub.KindGuide, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := svc.Guide(ctx, g.ID)
		if err != nil || len(got.AdaptedBy) != len(list) {
			t.Fatalf("AdaptedBy %+v, Adaptations %+v, %v", got.AdaptedBy, list, err)
		}
		var out []string
		for _, a := range list {
			out = append(out, a.By.Host)
		}
		return out
	}
	a, err := cs.SetAdaptationHidden(ctx, "https://b.example/g/1", true)
	if err != nil || !a.Hidden || a.ItemID != g.ID || a.By.Host != "b.example" {
		t.Fatalf("hiding: %+v, %v", a, err)
	}
	if got := shown(); len(got) != 1 || got[0] != "c.example" {
		t.Errorf("shown after hiding b: %v", got)
	}
	// b's server changes its adaptation: still hidden.
	if err := cs.SaveAdaptation(ctx, &hub.Adaptation{ObjectID: "https://b.example/g/1", Kind: hub.KindGuide, ItemID: g.ID, Title: "renamed",
		By: hub.Origin{ActorID: "https://b.example/actor", Host: "b.example"}, Received: now}); err != nil {
		t.Fatal(err)
	}
	if got := shown(); len(got) != 1 || got[0] != "c.example" {
		t.Errorf("shown after b's update: %v", got)
	}
	all, err := cs.AdaptationsWithHidden(ctx, hub.KindGuide, g.ID)
	if err != nil || len(all) != 2 || !all[0].Hidden || all[0].Title != "renamed" || all[1].Hidden {
		t.Errorf("for organisers: %+v, %v", all, err)
	}
	if _, err := cs.SetAdaptationHidden(ctx, "https://b.example/g/1", false); err != nil {
		t.Fatal(err)
	}
	if got := shown(); len(got) != 2 {
		t.Errorf("shown after showing b again: %v", got)
	}
	if _, err := cs.SetAdaptationHidden(ctx, "https://nowhere.example/g/1", true); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("hiding nothing: %v, want ENOTFOUND", err)
	}
	// Only editors and admins, through the service.
	if _, err := svc.HideAdaptation(ctx, "https://c.example/g/1", true); hub.ErrorCode(err) != hub.EUNAUTHORIZED && hub.ErrorCode(err) != hub.EFORBIDDEN {
		t.Errorf("hiding without an organiser: %v", err)
	}
	if list, err := svc.OrganiserAdaptations(ctx, hub.KindGuide, g.ID); err == nil || list != nil {
		t.Errorf("listing without an organiser: %v, %v", list, err)
	}
}
