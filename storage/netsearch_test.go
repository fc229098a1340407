package storage_test

import (
	"maps"
	"testing"

	"github.com/commonplace-hub/commonplace/hub"
)

// TestRemoteObjectIDs: the network search endpoint's light lookup gives
// each commons item's object id, the same through the store and the
// service, and leaves out ids the commons does not (or no longer) hold.
func TestRemoteObjectIDs(t *testing.T) {
	f := newSearchFixture(t)
	res, err := f.svc.Search(ctx, hub.SearchQuery{Origin: hub.OriginCommons})
	if err != nil || len(res.Hits) != 2 {
		t.Fatalf("%v, %v", res, err)
	}
	ids := []int64{res.Hits[0].ID, res.Hits[1].ID, 999999}
	want := map[int64]string{}
	for _, h := range res.Hits[:2] {
		it, err := f.svc.RemoteItem(ctx, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		want[h.ID] = it.ObjectID
	}
	for name, get := range map[string]func([]int64) (map[int64]string, error){
		"store":   func(ids []int64) (map[int64]string, error) { return f.db.Commons().RemoteObjectIDs(ctx, ids) },
		"service": func(ids []int64) (map[int64]string, error) { return f.svc.RemoteObjectIDs(ctx, ids) },
	} {
		got, err := get(ids)
		if err != nil || !maps.Equal(got, want) {
			t.Errorf("%s: %v, %v; want %v", name, got, err, want)
		}
	}
	if _, err := f.db.Commons().DeleteRemoteItem(ctx, want[ids[0]]); err != nil {
		t.Fatal(err)
	}
	got, err := f.svc.RemoteObjectIDs(ctx, ids)
	if _, ok := got[ids[0]]; ok || err != nil || got[ids[1]] != want[ids[1]] {
		t.Errorf("after deleting one: %v, %v", got, err)
	}
	if got, err := f.svc.RemoteObjectIDs(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("no ids: %v, %v", got, err)
	}
}
