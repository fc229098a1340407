package storage

import (
	"context"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/picturetest"
)

// Migration 19 makes the pictures table again for peers' pictures: the
// pictures an older hub kept stay, with their ids, their owners' triggers
// and AUTOINCREMENT's high-water mark (an id once in a URL is never
// reused); a peer's picture kept by address only is due for a fetch.
func TestPeerPicturesUpgrade(t *testing.T) {
	ctx := context.Background()
	db := upgradeWith(t, 18,
		`INSERT INTO places (id, slug, name, created_at, updated_at) VALUES (1, 'hall', 'Hall', 0, 0)`,
		`INSERT INTO pictures (id, owner, owner_id, alt, mime, hash, width, height, small_width, small_height, large, small, created_at)
			VALUES (7, 'place', 1, 'The hall', 'image/jpeg', 'abc', 10, 10, 10, 10, x'00', x'00', 0),
			       (9, 'header', 0, '', 'image/jpeg', 'def', 10, 10, 10, 10, x'00', x'00', 0)`,
		`DELETE FROM pictures WHERE id = 9`,
		`INSERT INTO remote_items (id, object_id, kind, title, origin_actor, origin_host, published_at, updated_at, received_at, image_url)
			VALUES (3, 'https://peer.example/e/1', 'event', 'Fair', 'https://peer.example/actor', 'peer.example', 0, 0, 0, 'https://peer.example/p.jpg')`)
	if p, err := db.Stores().Pictures.FindPicture(ctx, hub.OwnerPlace, 1); err != nil || p.ID != 7 || p.Alt != "The hall" {
		t.Fatalf("the place's picture after the upgrade: %+v %v", p, err)
	}
	due, err := db.Commons().PeerPicturesDue(ctx, time.Now(), 10)
	if err != nil || len(due) != 1 || due[0].ItemID != 3 || due[0].URL != "https://peer.example/p.jpg" {
		t.Fatalf("due after the upgrade: %+v %v", due, err)
	}
	p, err := hub.ProcessPicture(picturetest.PlainJPEG(50, 40))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Commons().SavePeerPicture(ctx, 3, "https://peer.example/p.jpg", p); err != nil {
		t.Fatal(err)
	}
	if p.ID <= 9 {
		t.Errorf("a new picture took id %d, at or below one used before", p.ID)
	}
	if err := db.Commons().SavePeerPicture(ctx, 3, "https://peer.example/other.jpg", p); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("saving a picture from an address the item no longer has: %v", err)
	}
	if _, err := db.db.Exec(`DELETE FROM places WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Commons().DeleteRemoteItem(ctx, "https://peer.example/e/1"); err != nil {
		t.Fatal(err)
	}
	if n, _, err := db.Stores().Pictures.PictureSpace(ctx); err != nil || n != 0 {
		t.Errorf("%d pictures left after their owners went (%v)", n, err)
	}
}
