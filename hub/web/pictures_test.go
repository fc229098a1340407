package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	_ "image/jpeg"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/picturetest"
	"github.com/commonplace-hub/commonplace/internal/uris"
)

// postMultipart posts form with a file in field "image" (none when file
// is nil) as a browser does.
func (th *testHub) postMultipart(c *http.Client, path string, form url.Values, filename string, file []byte) response {
	th.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if file != nil {
		fw, _ := mw.CreateFormFile("image", filename)
		fw.Write(file)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", th.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return th.do(c, req)
}

var imgSrcRe = regexp.MustCompile(`<img src="(/pictures/[^"]+)" srcset="(/pictures/[^" ]+) `)

// TestGuidePictureThroughTheOrganiserPages: an organiser adds a phone photo
// to a guide, readers see it without its metadata at a cached address,
// and the organiser replaces and removes it.
func TestGuidePictureThroughTheOrganiserPages(t *testing.T) {
	th := newTestHub(t)
	_, g, _ := th.seed()
	c, tok := th.signIn(adminEmail)
	form := func(alt string) url.Values {
		return url.Values{"csrf": {tok}, "title": {g.Title}, "summary": {g.Summary}, "body": {g.Body}, "tags": {"Digital skills"},
			"image_alt": {alt}, "action": {"save"}}
	}
	edit := "/admin/guides/" + strconv.FormatInt(g.ID, 10) + "/edit"

	// Refused pictures keep the form as typed and say why.
	refused := []struct {
		name, alt string
		file      []byte
		want      string
	}{
		{"no description", "", picturetest.JPEG(800, 600, 1), "Describe the picture"},
		{"text renamed .jpg", "A hall", []byte("just some words"), "not a picture"},
		{"header bomb", "A hall", picturetest.PNGBomb(20000, 20000), "more than 50 megapixels"},
		{"over 10 MB", "A hall", append(picturetest.PlainJPEG(10, 10), make([]byte, hub.MaxPictureBytes)...), "larger than 10 MB"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			f := form(tt.alt)
			f.Set("summary", "A summary typed by the organiser")
			r := th.postMultipart(c, edit, f, "photo.jpg", tt.file)
			if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, tt.want) {
				t.Fatalf("status %d, want 422 with %q:\n%s", r.StatusCode, tt.want, r.body)
			}
			if !strings.Contains(r.body, "A summary typed by the organiser") || !strings.Contains(r.body, "Choose the file again") {
				t.Errorf("the form lost what was typed")
			}
			if got, _ := th.svc.Guide(th.host(), g.ID); got.Summary != g.Summary {
				t.Errorf("the guide was saved: %q", got.Summary)
			}
			if _, err := th.svc.Picture(th.host(), hub.OwnerGuide, g.ID); hub.ErrorCode(err) != hub.ENOTFOUND {
				t.Errorf("a picture was kept: %v", err)
			}
		})
	}
	if r := th.postMultipart(c, edit, form(""), "", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving without a picture: %d %s", r.StatusCode, r.body)
	}

	// Accepted.
	r := th.postMultipart(c, edit, form("Six people mending bikes in a bright hall"), "IMG_0001.jpg", picturetest.JPEG(4000, 3000, 1))
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", r.StatusCode, r.body)
	}
	page := th.get(th.client(), "/guides/"+g.Slug)
	m := imgSrcRe.FindStringSubmatch(page.body)
	if m == nil || !strings.Contains(page.body, `alt="Six people mending bikes in a bright hall"`) || !strings.Contains(page.body, `width="1600" height="1200"`) {
		t.Fatalf("the page does not show the picture:\n%s", page.body)
	}
	for _, meta := range []string{`<meta property="og:image" content="` + th.srv.URL + m[1] + `">`, `<meta property="og:image:alt" content="Six people mending bikes in a bright hall">`,
		`<meta name="twitter:card" content="summary_large_image">`, `"image":{"@type":"ImageObject"`} {
		if !strings.Contains(page.body, meta) {
			t.Errorf("page lacks %s", meta)
		}
	}
	for path, width := range map[string]int{m[1]: 1600, m[2]: 400} {
		f := th.get(th.client(), path)
		h := f.Header
		if f.StatusCode != 200 || h.Get("Content-Type") != "image/jpeg" || h.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.Contains(h.Get("Cache-Control"), "max-age=31536000") || h.Get("ETag") == "" || len(f.Header.Values("Set-Cookie")) != 0 {
			t.Errorf("%s: %d %v", path, f.StatusCode, h)
		}
		for _, secret := range picturetest.Secrets {
			if strings.Contains(f.body, secret) {
				t.Errorf("%s keeps %q", path, secret)
			}
		}
		cfg, _, err := image.DecodeConfig(strings.NewReader(f.body))
		if err != nil || cfg.Width != width {
			t.Errorf("%s: %v, width %d, want %d", path, err, cfg.Width, width)
		}
		req, _ := http.NewRequest("GET", th.srv.URL+path, nil)
		req.Header.Set("If-None-Match", h.Get("ETag"))
		if again := th.do(th.client(), req); again.StatusCode != http.StatusNotModified {
			t.Errorf("%s with its ETag: %d", path, again.StatusCode)
		}
	}
	for _, wrong := range []string{strings.Replace(m[1], ".jpg", ".png", 1), strings.Replace(m[1], "-large", "-huge", 1), regexp.MustCompile(`/[0-9a-f]{16}-`).ReplaceAllString(m[1], "/0000000000000000-"), "/pictures/x/y"} {
		if r := th.get(th.client(), wrong); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", wrong, r.StatusCode)
		}
	}
	editPage := th.get(c, edit)
	if !strings.Contains(editPage.body, "The current picture.") || !strings.Contains(editPage.body, `enctype="multipart/form-data"`) {
		t.Errorf("the editor does not show the current picture")
	}

	// Described anew without a new file; the address stays.
	if r := th.postMultipart(c, edit, form("Six people fixing bikes"), "", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("describe: %d", r.StatusCode)
	}
	if p, err := th.svc.Picture(th.host(), hub.OwnerGuide, g.ID); err != nil || p.Alt != "Six people fixing bikes" {
		t.Errorf("after describing: %v %v", p, err)
	}

	// Removed.
	rm := form("Six people mending bikes in a bright hall")
	rm.Set("image_remove", "1")
	if r := th.postMultipart(c, edit, rm, "", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: %d", r.StatusCode)
	}
	if r := th.get(th.client(), m[1]); r.StatusCode != http.StatusNotFound {
		t.Errorf("the removed picture is still served: %d", r.StatusCode)
	}
}

// putPicture sends a file as the body of PUT path (the API's raw form).
func (a *apiClient) putPicture(path string, file []byte) (int, map[string]any) {
	a.th.t.Helper()
	req, _ := http.NewRequest("PUT", a.th.srv.URL+"/api/v1"+path, bytes.NewReader(file))
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Content-Type", "image/jpeg")
	r := a.th.do(http.DefaultClient, req)
	var out map[string]any
	json.Unmarshal([]byte(r.body), &out)
	return r.StatusCode, out
}

// TestPicturesThroughTheAPI: a picture set on a place and the hub's header
// through the API, refused files with their code and message, the list of
// pictures that need a description and describing one.
func TestPicturesThroughTheAPI(t *testing.T) {
	th := newTestHub(t)
	e, _, _ := th.seed()
	api := th.apiClient(adminEmail)
	place := "/places/" + strconv.FormatInt(e.PlaceID, 10) + "/picture"
	hostile := []struct {
		name   string
		file   []byte
		status int
		want   string
	}{
		{"truncated", picturetest.Truncated(), 422, "damaged or incomplete"},
		{"header bomb", picturetest.PNGBomb(20000, 20000), 422, "more than 50 megapixels"},
		{"just over 10 MB", append(picturetest.PlainJPEG(10, 10), make([]byte, hub.MaxPictureBytes)...), 422, "larger than 10 MB"},
		{"50 MB, read no further than 10 MB", append([]byte("\xff\xd8\xff"), make([]byte, 50<<20)...), 422, "larger than 10 MB"},
	}
	for _, tt := range hostile {
		t.Run(tt.name, func(t *testing.T) {
			status, body := api.putPicture(place+"?alt=A+hall", tt.file)
			if status != tt.status || !strings.Contains(fmt.Sprint(body["error"]), tt.want) {
				t.Errorf("%d %v, want %d with %q", status, body, tt.status, tt.want)
			}
		})
	}
	if status, body := api.putPicture(place, picturetest.PlainJPEG(300, 200)); status != 422 || errFields(body)["image_alt"] == nil {
		t.Errorf("without alt: %d %v", status, body)
	}
	status, body := api.putPicture(place+"?alt=The+library%27s+front+door&focus=0,0.5", picturetest.JPEG(900, 600, 1))
	if status != 200 || body["alt"] != "The library's front door" || body["width"] != 900.0 || body["focus"].([]any)[1] != 0.5 {
		t.Fatalf("PUT: %d %v", status, body)
	}
	if r := th.get(th.client(), strings.TrimPrefix(body["url"].(string), th.srv.URL)); r.StatusCode != 200 || strings.Contains(r.body, "GPS-SECRET") {
		t.Errorf("served: %d", r.StatusCode)
	}
	if status, got := api.call("GET", place, nil); status != 200 || got["id"] != body["id"] {
		t.Errorf("GET: %d %v", status, got)
	}

	// An event's picture is its IMAGE in calendars (RFC 7986).
	status, evPic := api.putPicture("/events/"+strconv.FormatInt(e.ID, 10)+"/picture?alt=Laptops+on+a+table", picturetest.PlainJPEG(640, 480))
	if status != 200 {
		t.Fatalf("event picture: %d %v", status, evPic)
	}
	ics := strings.ReplaceAll(th.get(th.client(), "/events/"+e.Slug+"/calendar.ics").body, "\r\n ", "")
	for _, want := range []string{"DISPLAY=BADGE", "FMTTYPE=image/jpeg", ":" + evPic["url"].(string) + "\r\n"} {
		if !regexp.MustCompile(`(?m)^IMAGE;.*` + regexp.QuoteMeta(want)).MatchString(ics) {
			t.Errorf("the calendar's IMAGE lacks %q:\n%s", want, ics)
		}
	}

	// A picture without a description (as one imported would be) is listed
	// until it has one.
	if err := th.svc.Stores.Pictures.UpdatePictureAlt(th.host(), int64(body["id"].(float64)), ""); err != nil {
		t.Fatal(err)
	}
	if status, list := api.call("GET", "/pictures", nil); status != 200 || list["total"] != 1.0 {
		t.Errorf("needing a description: %d %v", status, list)
	}
	c, tok := th.signIn(adminEmail)
	if page := th.get(c, "/admin/pictures"); page.StatusCode != 200 || !strings.Contains(page.body, "/admin/places/"+strconv.FormatInt(e.PlaceID, 10)+"/edit") {
		t.Errorf("the organiser page: %d %s", page.StatusCode, page.body)
	}
	id := strconv.FormatInt(int64(body["id"].(float64)), 10)
	if r := th.postForm(c, "/admin/pictures/"+id+"/alt", url.Values{"csrf": {tok}, "image_alt": {"The library's door"}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("describing: %d", r.StatusCode)
	}
	if status, list := api.call("GET", "/pictures", nil); status != 200 || list["total"] != 0.0 {
		t.Errorf("after describing: %d %v", status, list)
	}

	// The header image, through the settings page, shows on the home page.
	if r := th.postMultipart(c, "/admin/settings/header", url.Values{"csrf": {tok}, "image_alt": {"The high street"}}, "h.png", picturetest.TransparentPNG(2000, 500)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("header: %d %s", r.StatusCode, r.body)
	}
	if settings := th.get(c, "/admin/settings"); !regexp.MustCompile(`Pictures take [0-9]+\.[0-9] MB of the 1024\.0 MB this hub allows for them \([0-9]+%\)`).MatchString(settings.body) {
		t.Errorf("the settings page does not say the space pictures take")
	}
	if home := th.get(th.client(), "/"); !strings.Contains(home.body, `alt="The high street"`) || !strings.Contains(home.body, `-large.png" srcset=`) {
		t.Errorf("the home page lacks the header image")
	}
	if r := th.postMultipart(c, "/admin/settings/header", url.Values{"csrf": {tok}, "image_alt": {""}}, "h.png", picturetest.TransparentPNG(20, 5)); r.StatusCode != 422 || !strings.Contains(r.body, "Describe the picture") {
		t.Errorf("header without alt: %d", r.StatusCode)
	}
	if status, _ := api.call("DELETE", "/settings/header", nil); status != 204 {
		t.Errorf("DELETE header: %d", status)
	}
	if status, _ := api.call("DELETE", place, nil); status != 204 {
		t.Errorf("DELETE: %d", status)
	}
	if status, _ := api.call("GET", place, nil); status != 404 {
		t.Errorf("GET after DELETE: %d", status)
	}
}

// TestPeersPictureIsALink: a commons item's picture is not loaded (readers
// make no request to other servers) but linked, with its description.
func TestPeersPictureIsALink(t *testing.T) {
	th := newTestHub(t)
	it := th.seedRemoteItem()
	it.Picture = &hub.RemotePicture{URL: "https://a.example/media/cafe.jpg", Alt: "Volunteers at a repair table", MediaType: "image/jpeg"}
	it.Updated = it.Updated.Add(time.Hour)
	if _, err := th.db.Commons().SaveRemoteItem(context.Background(), it, hub.ItemSource{PeerActor: "https://a.example/actor"}); err != nil {
		t.Fatal(err)
	}
	page := th.get(th.client(), "/commons/"+strconv.FormatInt(it.ID, 10))
	if !strings.Contains(page.body, `<a href="https://a.example/media/cafe.jpg" rel="nofollow noopener noreferrer">Picture on a.example: Volunteers at a repair table</a>`) {
		t.Errorf("the page does not link the peer's picture:\n%s", page.body)
	}
	if strings.Contains(page.body, `<img src="https://a.example`) {
		t.Error("the page loads a picture from another server")
	}
}

// TestPeersPictureKeptIsShown: once federation has kept a commons item's
// picture (here saved straight into the store, as its fetcher does), the
// item's page and the commons list show the hub's copy with its
// description, link previews use it, and nothing loads from the peer; a
// copy without a description is listed for organisers, who can give it one.
func TestPeersPictureKeptIsShown(t *testing.T) {
	th := newTestHub(t)
	it := th.seedRemoteItem()
	it.Picture = &hub.RemotePicture{URL: "https://a.example/media/cafe.jpg", MediaType: "image/jpeg"}
	it.Updated = it.Updated.Add(time.Hour)
	ctx := context.Background()
	if _, err := th.db.Commons().SaveRemoteItem(ctx, it, hub.ItemSource{PeerActor: "https://a.example/actor"}); err != nil {
		t.Fatal(err)
	}
	p, err := hub.ProcessPicture(picturetest.JPEG(1000, 800, 1))
	if err != nil {
		t.Fatal(err)
	}
	if err := th.db.Commons().SavePeerPicture(ctx, it.ID, it.Picture.URL, p); err != nil {
		t.Fatal(err)
	}
	itemPath := "/commons/" + strconv.FormatInt(it.ID, 10)
	large, small := uris.Picture(p, hub.SizeLarge), uris.Picture(p, hub.SizeSmall)
	page := th.get(th.client(), itemPath)
	for _, want := range []string{`<img src="` + large + `" srcset="` + small + ` 400w, ` + large + ` 1000w"`, `width="1000" height="800" alt=""`, `property="og:image" content="` + th.srv.URL + large + `"`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("the item's page lacks %s", want)
		}
	}
	if strings.Contains(page.body, "a.example/media") {
		t.Error("the item's page still points at the peer's picture")
	}
	c, tok := th.signIn(adminEmail)
	if admin := th.get(c, "/admin/pictures"); !strings.Contains(admin.body, `<a href="`+itemPath+`">From a peer hub, in the commons</a>`) || !strings.Contains(admin.body, small) {
		t.Errorf("the pictures that need a description:\n%s", admin.body)
	}
	if r := th.postForm(c, "/admin/pictures/"+strconv.FormatInt(p.ID, 10)+"/alt", url.Values{"csrf": {tok}, "image_alt": {"Volunteers at a repair table"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("describing: %d", r.StatusCode)
	}
	list := th.get(th.client(), "/commons")
	if !strings.Contains(list.body, `<img class="card-picture" src="`+small+`" width="400" height="320" alt="Volunteers at a repair table">`) {
		t.Errorf("the commons list lacks the thumbnail:\n%s", list.body)
	}
	if r := th.get(th.client(), small); r.StatusCode != 200 || strings.Contains(r.body, "GPS-SECRET") {
		t.Errorf("the thumbnail: %d", r.StatusCode)
	}
}
