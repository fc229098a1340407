package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/picturetest"
)

// TestLogoThroughTheSettingsPage: a logo uploaded on the settings page is
// kept among the pictures and served at /logo; over the pictures' budget
// it is refused beside the field; removed, the generated logo is back.
func TestLogoThroughTheSettingsPage(t *testing.T) {
	th := newTestHub(t)
	c := th.client()
	tok := th.login(c, adminEmail)
	upload := func(file []byte) response {
		t.Helper()
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("csrf", tok)
		fw, _ := mw.CreateFormFile("logo", "logo.png")
		fw.Write(file)
		mw.Close()
		req, _ := http.NewRequest("POST", th.srv.URL+"/admin/settings/logo", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		return th.do(c, req)
	}
	if r := upload(picturetest.TransparentPNG(120, 120)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", r.StatusCode, r.body)
	}
	p, err := th.svc.Stores.Pictures.FindPicture(th.host(), hub.OwnerLogo, 0)
	if err != nil || p.Width != 120 || p.MIME != "image/png" || p.Alt != "Commonplace hub" {
		t.Fatalf("the logo picture: %+v %v", p, err)
	}
	data, err := th.svc.Stores.Pictures.PictureData(th.host(), p.ID, hub.SizeSmall)
	if err != nil {
		t.Fatal(err)
	}
	logo := th.get(th.client(), "/logo")
	if logo.StatusCode != 200 || logo.Header.Get("Content-Type") != "image/png" || logo.body != string(data.Small) {
		t.Errorf("/logo: %d %s, %d bytes, want the picture's %d", logo.StatusCode, logo.Header.Get("Content-Type"), len(logo.body), len(data.Small))
	}
	if page := th.get(c, "/admin/settings"); !strings.Contains(page.body, `name="remove"`) {
		t.Error("the settings page offers no removal of the logo")
	}

	// Over the budget: refused beside the field, the logo unchanged.
	th.svc.PictureBudget = 1
	if r := upload(picturetest.TransparentPNG(200, 200)); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, "There is no room for this picture") {
		t.Errorf("over the budget: %d", r.StatusCode)
	}
	if again, _ := th.svc.Stores.Pictures.FindPicture(th.host(), hub.OwnerLogo, 0); again == nil || again.ID != p.ID {
		t.Errorf("a refused logo replaced the logo: %+v", again)
	}
	th.svc.PictureBudget = 0

	// Removed: the generated logo.
	if r := th.postForm(c, "/admin/settings/logo", url.Values{"csrf": {tok}, "remove": {"1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: %d", r.StatusCode)
	}
	if _, err := th.svc.Stores.Pictures.FindPicture(th.host(), hub.OwnerLogo, 0); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("after removing: %v", err)
	}
	if l := th.get(th.client(), "/logo"); l.StatusCode != 200 || l.body == logo.body {
		t.Errorf("after removing /logo: %d, the same bytes: %v", l.StatusCode, l.body == logo.body)
	}
}
