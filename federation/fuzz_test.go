package federation

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// FuzzInboxDocument: any body is read leniently, and any Event or Article
// in it is mapped to a commons item or refused, never a panic; a kept
// item's HTML has passed the sanitiser.
func FuzzInboxDocument(f *testing.F) {
	files, _ := filepath.Glob("testdata/activitypub/*.json")
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"type":"Event","id":"https://x.example/e/1","name":"<script>x</script>","startTime":"2027-01-01T10:00:00Z","location":[{"type":"VirtualLocation","url":"javascript:x"},{"address":{"streetAddress":1}}],"tag":"x"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := parseDoc(body)
		if err != nil {
			return
		}
		_ = isPublic(d)
		_, _ = d.ref("actor"), d.refs("to")
		for _, obj := range append([]doc{d}, d.objs("object")...) {
			if itemKindOf(obj) == "" {
				continue
			}
			it, err := parseItem(obj, hub.Origin{ActorID: "https://x.example/actor", Host: "x.example"}, time.Unix(1_800_000_000, 0))
			if err != nil {
				continue
			}
			if it.Title == "" || (it.Kind == hub.KindEvent && it.StartsAt == nil) {
				t.Fatalf("kept an item without what pages need: %+v", it)
			}
		}
	})
}
