package federation_test

import (
	"testing"
	"time"

	"github.com/buckket/go-blurhash"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/picturetest"
)

// contextTerm finds a term's definition in a document's @context.
func contextTerm(doc map[string]any, term string) any {
	list, _ := doc["@context"].([]any)
	for _, c := range list {
		if m, ok := c.(map[string]any); ok {
			if v, ok := m[term]; ok {
				return v
			}
		}
	}
	return nil
}

// An item's picture goes out with its blurhash, defined in the @context as
// Mastodon's own documents define it (toot:blurhash), so Mastodon shows
// the blurred placeholder while the picture loads.
func TestAttachmentsCarryTheBlurhash(t *testing.T) {
	note := activityDoc(t, "mastodon-note-attachment-blurhash-group-mention.json")
	h := newHub(t)
	start := time.Now().Add(48 * time.Hour).Truncate(time.Hour)
	e := &hub.Event{Title: "Bike repair", TimeZone: "Europe/London", Start: start, End: start.Add(2 * time.Hour)}
	if err := h.svc.CreateEvent(h.host(), e); err != nil {
		t.Fatal(err)
	}
	p, err := h.svc.SetPicture(h.host(), hub.OwnerEvent, e.ID, hub.PictureUpload{Data: picturetest.JPEG(2000, 1500, 1), Alt: "Six people mending bikes"})
	if err != nil {
		t.Fatal(err)
	}
	_, obj := h.get("/events/"+e.Slug, "application/activity+json")
	want := contextTerm(note, "blurhash")
	if got := contextTerm(obj, "blurhash"); want != "toot:blurhash" || got != want || contextTerm(obj, "toot") != contextTerm(note, "toot") {
		t.Errorf("@context defines blurhash as %v (toot %v), Mastodon as %v (toot %v)", got, contextTerm(obj, "toot"), want, contextTerm(note, "toot"))
	}
	atts, _ := obj["attachment"].([]any)
	if len(atts) != 1 {
		t.Fatalf("attachment %v", obj["attachment"])
	}
	bh, _ := atts[0].(map[string]any)["blurhash"].(string)
	if bh == "" || bh != p.Blurhash {
		t.Fatalf("attachment's blurhash %q, the picture's %q", bh, p.Blurhash)
	}
	if x, y, err := blurhash.Components(bh); err != nil || x != 4 || y != 3 {
		t.Errorf("blurhash %q: %d × %d components, %v", bh, x, y, err)
	}
}
