package storetest

import (
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// testHeldComments checks replies held for review: a new held reply is
// hidden from readers and listed and counted as held; an update keeps it
// held; releasing shows it (once); hiding or showing it is a decision too.
func testHeldComments(t *testing.T, open Opener) {
	all := open(t)
	s, read := all.FederationCommons, all.Commons
	at := time.Unix(1_800_000_000, 0).UTC()
	save := func(id string, held bool) *hub.Comment {
		t.Helper()
		return saveComment(t, s, id, 7, held, at)
	}
	shown := save("shown", false)
	held := save("held", true)
	other := save("other", true)
	if !held.Held || !held.Hidden || shown.Held || shown.Hidden {
		t.Fatalf("as saved: held %+v, shown %+v", held, shown)
	}
	if cs, total, err := read.LatestComments(ctx, hub.KindEvent, 7, 10); err != nil || total != 1 || len(cs) != 1 || cs[0].ID != shown.ID {
		t.Errorf("readers see %d of %d, %v; want only the reply not held", len(cs), total, err)
	}
	if again := save("held", false); !again.Held || again.ID != held.ID {
		t.Errorf("an update of a held reply: %+v", again)
	}
	list, err := read.HeldComments(ctx)
	if n, cerr := read.CountHeldComments(ctx); err != nil || cerr != nil || n != 2 || len(list) != 2 || list[0].ID != held.ID || !list[0].Held {
		t.Fatalf("HeldComments %v %v, CountHeldComments %d %v", list, err, n, cerr)
	}
	if err := read.ReleaseComment(ctx, held.ID); err != nil {
		t.Fatal(err)
	}
	if c, err := read.Comment(ctx, held.ID); err != nil || c.Held || c.Hidden {
		t.Errorf("released: %+v %v", c, err)
	}
	wantCode(t, "ReleaseComment of one no longer held", read.ReleaseComment(ctx, held.ID), hub.ENOTFOUND)
	wantCode(t, "ReleaseComment of one not held", read.ReleaseComment(ctx, shown.ID), hub.ENOTFOUND)
	wantCode(t, "ReleaseComment of none", read.ReleaseComment(ctx, 999), hub.ENOTFOUND)
	if err := read.SetCommentHidden(ctx, other.ID, true); err != nil {
		t.Fatal(err)
	}
	if n, _ := read.CountHeldComments(ctx); n != 0 {
		t.Errorf("hiding a held reply left it held (%d held)", n)
	}
}
