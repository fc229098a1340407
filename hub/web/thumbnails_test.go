package web_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/picturetest"
	"github.com/commonplace-hub/commonplace/internal/uris"
)

var thumbnailRe = regexp.MustCompile(`<img class="thumbnail" [^>]*>`)

// TestListsShowThumbnails: the lists of events, guides, case studies and
// places, and the home page's, show each item's picture small (the
// 400-pixel copy, the larger one in srcset, its size so nothing moves,
// its description); an item without a picture shows no image at all.
func TestListsShowThumbnails(t *testing.T) {
	th := newTestHub(t)
	e, g, c := th.seed()
	set := func(owner hub.PictureOwner, id int64, w, h int, alt string) *hub.Picture {
		p, err := th.svc.SetPicture(th.host(), owner, id, hub.PictureUpload{Data: picturetest.JPEG(w, h, 1), Alt: alt})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	evPic := set(hub.OwnerEvent, e.ID, 1200, 800, "Laptops on a long table")
	gPic := set(hub.OwnerGuide, g.ID, 600, 900, "A checklist pinned to a board")
	plPic := set(hub.OwnerPlace, e.PlaceID, 1000, 500, "The library's glass front")
	thumb := func(p *hub.Picture) string {
		small, large := uris.Picture(p, hub.SizeSmall), uris.Picture(p, hub.SizeLarge)
		return fmt.Sprintf(`<img class="thumbnail" src="%s" srcset="%s %dw, %s %dw" sizes="7rem" width="%d" height="%d" alt="%s" loading="lazy">`,
			small, small, p.SmallWidth, large, p.Width, p.SmallWidth, p.SmallHeight, strings.ReplaceAll(p.Alt, "'", "&#39;"))
	}
	tests := []struct {
		path  string
		want  []*hub.Picture
		count int // thumbnails on the page
	}{
		{"/", []*hub.Picture{evPic, gPic}, -1},
		{"/events", []*hub.Picture{evPic}, -1},
		{"/guides", []*hub.Picture{gPic}, 1},
		{"/case-studies", nil, 0}, // the case study has no picture
		{"/places", []*hub.Picture{plPic}, 1},
		{"/topics/digital-skills", []*hub.Picture{evPic, gPic}, -1},
		{"/places/" + e.Place.Slug, []*hub.Picture{evPic}, -1}, // its own picture is not a thumbnail
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			page := th.get(th.client(), tt.path)
			if page.StatusCode != 200 {
				t.Fatalf("status %d", page.StatusCode)
			}
			for _, p := range tt.want {
				if !strings.Contains(page.body, thumb(p)) {
					t.Errorf("no thumbnail %s in:\n%s", thumb(p), strings.Join(thumbnailRe.FindAllString(page.body, -1), "\n"))
				}
			}
			if n := len(thumbnailRe.FindAllString(page.body, -1)); tt.count >= 0 && n != tt.count {
				t.Errorf("%d thumbnails, want %d", n, tt.count)
			}
			if strings.Contains(page.body, `src=""`) || strings.Contains(page.body, `<img class="thumbnail" src="/pictures/0/`) {
				t.Error("an empty image")
			}
		})
	}
	// The case study's card, on the home page too, has no image.
	home := th.get(th.client(), "/").body
	card := home[strings.Index(home, "/case-studies/"+c.Slug):]
	card = card[:strings.Index(card, "</li>")]
	if strings.Contains(card, "<img") {
		t.Errorf("the case study without a picture shows an image: %s", card)
	}
	// Every listed occurrence of the weekly event shows its picture, its
	// width and height those of the 400-pixel copy.
	events := th.get(th.client(), "/events").body
	if n, occ := strings.Count(events, thumb(evPic)), strings.Count(events, `class="occurrence"`); n == 0 || n != occ || evPic.SmallWidth != 400 || evPic.SmallHeight != 266 {
		t.Errorf("%d thumbnails for %d occurrences (%dx%d)", n, occ, evPic.SmallWidth, evPic.SmallHeight)
	}
	// Removing the picture removes the thumbnail.
	if err := th.svc.RemovePicture(th.host(), hub.OwnerGuide, g.ID); err != nil {
		t.Fatal(err)
	}
	if page := th.get(th.client(), "/guides"); thumbnailRe.MatchString(page.body) {
		t.Error("the removed picture's thumbnail is still listed")
	}
}
