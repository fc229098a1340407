package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/picturetest"
)

// TestPictureBudget: with the hub's pictures at their budget, a new
// picture is refused through the organiser pages and the API with a
// message saying why, and nothing of the form is saved; replacing a
// picture with one no larger still works; the organiser pages say how
// much space pictures take of how much.
func TestPictureBudget(t *testing.T) {
	th := newTestHub(t)
	e, g, _ := th.seed()
	c, tok := th.signIn(adminEmail)
	edit := "/admin/guides/" + strconv.FormatInt(g.ID, 10) + "/edit"
	form := func(title string) url.Values {
		return url.Values{"csrf": {tok}, "title": {title}, "summary": {g.Summary}, "body": {g.Body}, "tags": {"Digital skills"},
			"image_alt": {"Six people mending bikes"}, "action": {"save"}}
	}
	photo := picturetest.JPEG(2000, 1500, 1)
	if r := th.postMultipart(c, edit, form(g.Title), "bikes.jpg", photo); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("first upload: %d %s", r.StatusCode, r.body)
	}
	_, used, err := th.svc.PictureSpace(th.host())
	if err != nil || used == 0 {
		t.Fatalf("space %d, %v", used, err)
	}
	th.svc.PictureBudget = used // full

	// Replacing the picture with one of the same size fits.
	if r := th.postMultipart(c, edit, form("Running a drop-in, again"), "bikes.jpg", photo); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("replacing within the budget: %d %s", r.StatusCode, r.body)
	}
	before, _ := th.svc.Picture(th.host(), hub.OwnerGuide, g.ID)

	// A larger one, with a new title, is refused: neither is saved.
	want := fmt.Sprintf("There is no room for this picture: the hub&#39;s pictures already take %s MB of the %s MB they may use.", hub.Megabytes(used-before.Bytes), hub.Megabytes(used))
	r := th.postMultipart(c, edit, form("A title that must not be saved"), "street.jpg", picturetest.Photo(2400, 1800))
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, want) || !strings.Contains(r.body, `id="f-image-error"`) {
		t.Fatalf("over the budget: %d, want 422 with %q beside the file:\n%s", r.StatusCode, want, r.body)
	}
	if got, _ := th.svc.Guide(th.host(), g.ID); got.Title != "Running a drop-in, again" {
		t.Errorf("the guide's title was saved with the refused picture: %q", got.Title)
	}
	if after, _ := th.svc.Picture(th.host(), hub.OwnerGuide, g.ID); after.ID != before.ID {
		t.Errorf("the picture was replaced")
	}

	// Through the API: the same refusal, as EINVALID on the image field.
	api := th.apiClient(adminEmail)
	status, body := api.putPicture("/places/"+strconv.FormatInt(e.PlaceID, 10)+"/picture?alt=The+library", picturetest.PlainJPEG(300, 200))
	if status != 422 || !strings.Contains(fmt.Sprint(errFields(body)["image"]), "There is no room for this picture") {
		t.Errorf("API over the budget: %d %v", status, body)
	}
	if _, err := th.svc.Picture(th.host(), hub.OwnerPlace, e.PlaceID); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("the API kept a picture over the budget: %v", err)
	}

	// The organiser pages say how full it is.
	space := fmt.Sprintf("Pictures take %s MB of the %s MB this hub allows for them (100%%).", hub.Megabytes(used), hub.Megabytes(used))
	for _, page := range []string{"/admin/settings", "/admin/pictures"} {
		if r := th.get(c, page); !strings.Contains(r.body, space) {
			t.Errorf("%s does not say %q", page, space)
		}
	}
	th.svc.PictureBudget = 0 // no limit
	if r := th.get(c, "/admin/pictures"); !strings.Contains(r.body, "Pictures take "+hub.Megabytes(used)+" MB of the hub&#39;s disk space.") {
		t.Errorf("without a limit /admin/pictures does not say the space taken")
	}
	if status, _ := api.putPicture("/places/"+strconv.FormatInt(e.PlaceID, 10)+"/picture?alt=The+library", picturetest.PlainJPEG(300, 200)); status != 200 {
		t.Errorf("without a limit: %d", status)
	}
}
