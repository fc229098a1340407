package browsertest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/picturetest"
	"github.com/commonplace-hub/commonplace/storage"
)

// seedQueue puts, beside the running hub, a reply held for review on its
// first event and a header image without a description, as the inbox and
// an older version would have left them.
func seedQueue(t *testing.T, data string) {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(data, "commonplace.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := &hub.Comment{ObjectID: "https://strangers.example/notes/1", Kind: hub.KindEvent, ItemID: 1, Held: true,
		ContentHTML: "<p>Is there parking nearby?</p>", URL: "https://strangers.example/@eve/1", Published: time.Now(),
		Author: hub.Origin{ActorID: "https://strangers.example/users/eve", Name: "Eve", Username: "eve", Host: "strangers.example"}}
	if err := db.Commons().SaveComment(ctx, c, "https://hub.example/events/x"); err != nil {
		t.Fatal(err)
	}
	p, err := hub.ProcessPicture(picturetest.PlainJPEG(800, 200))
	if err != nil {
		t.Fatal(err)
	}
	p.Owner = hub.OwnerHeader
	if err := db.Stores().Pictures.SavePicture(ctx, p); err != nil {
		t.Fatal(err)
	}
}
