package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// TestPictureSkipsShown: pictures from peers and calendars skipped for
// lack of space (recorded as the fetchers record them) are reported on
// the organisers' pictures and settings pages, and not before.
func TestPictureSkipsShown(t *testing.T) {
	th := newTestHub(t)
	c := th.client()
	th.login(c, adminEmail)
	for _, page := range []string{"/admin/pictures", "/admin/settings"} {
		if r := th.get(c, page); strings.Contains(r.body, "for lack of space") {
			t.Errorf("%s speaks of skipped pictures before any was skipped", page)
		}
	}
	room := th.svc.PictureRoom()
	room.Now = func() time.Time { return time.Date(2026, 10, 2, 9, 0, 0, 0, time.UTC) }
	noRoom := hub.Errorf(hub.EINVALID, "no room")
	room.Skipped(th.host(), nil, hub.SourcePeer, "https://peer.example/a.jpg", noRoom)
	room.Skipped(th.host(), nil, hub.SourceCalendar, "https://partner.example/b.jpg", noRoom)
	room.Skipped(th.host(), nil, hub.SourcePeer, "https://peer.example/a.jpg", noRoom) // the same, again
	want := "2 pictures from hubs you follow or partners&#39; calendars were not kept, for lack of space (the last on Friday 2 October 2026)."
	for _, page := range []string{"/admin/pictures", "/admin/settings"} {
		if r := th.get(c, page); !strings.Contains(r.body, want) {
			t.Errorf("%s does not say %q", page, want)
		}
	}
}
