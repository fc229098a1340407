package web_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// logoBackground fetches /logo (or the address given) and returns the
// picture's size, its corner pixel and the answer.
func (th *testHub) logoBackground(path string) (image.Rectangle, [3]uint8, response) {
	th.t.Helper()
	r := th.get(th.client(), path)
	if r.StatusCode != 200 || r.Header.Get("Content-Type") != "image/png" {
		th.t.Fatalf("%s: %d %s", path, r.StatusCode, r.Header.Get("Content-Type"))
	}
	img, err := png.Decode(strings.NewReader(r.body))
	if err != nil {
		th.t.Fatalf("%s is not a PNG: %v", path, err)
	}
	cr, cg, cb, _ := img.At(0, 0).RGBA()
	return img.Bounds(), [3]uint8{uint8(cr >> 8), uint8(cg >> 8), uint8(cb >> 8)}, r
}

// A hub with no logo has one made of its initials on its accent colour:
// served at /logo, shown in the pages' header, in link previews and as the
// actor's icon, and made again when the accent colour changes. An uploaded
// logo takes its place everywhere.
func TestGeneratedLogo(t *testing.T) {
	th := newFederatedHub(t)
	size, bg, r := th.logoBackground("/logo")
	if size.Dx() != 400 || size.Dy() != 400 || bg != [3]uint8{0x1d, 0x6b, 0x57} {
		t.Fatalf("generated logo %v with background %x, want 400×400 on the default accent #1d6b57", size, bg)
	}
	req, _ := http.NewRequest("GET", th.srv.URL+"/logo", nil)
	req.Header.Set("If-None-Match", r.Header.Get("ETag"))
	if again := th.do(th.client(), req); again.StatusCode != http.StatusNotModified || r.Header.Get("ETag") == "" {
		t.Errorf("revalidating the logo: %d (ETag %q)", again.StatusCode, r.Header.Get("ETag"))
	}
	home := th.get(th.client(), "/")
	for _, want := range []string{`<a class="brand" href="/"><img src="/logo" alt="" width="40" height="40">`, `<meta property="og:image" content="` + th.srv.URL + `/logo">`} {
		if !strings.Contains(home.body, want) {
			t.Errorf("home page lacks %q", want)
		}
	}
	icon := func() (string, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", th.srv.URL+"/actor", nil)
		req.Header.Set("Accept", "application/activity+json")
		var actor struct {
			Icon struct{ Type, MediaType, URL string }
		}
		if err := json.Unmarshal([]byte(th.do(th.client(), req).body), &actor); err != nil {
			t.Fatal(err)
		}
		if actor.Icon.Type != "Image" {
			t.Fatalf("actor icon %+v", actor.Icon)
		}
		return actor.Icon.URL, actor.Icon.MediaType
	}
	first, mediaType := icon()
	if !strings.HasPrefix(first, th.srv.URL+"/logo?v=") || mediaType != "image/png" {
		t.Fatalf("actor icon %s (%s), want the generated logo", first, mediaType)
	}
	u, _ := url.Parse(first)
	if _, iconBg, _ := th.logoBackground(u.RequestURI()); iconBg != bg {
		t.Errorf("the actor's icon is not the generated logo")
	}

	// A new accent colour, through the settings form, makes a new logo.
	c, tok := th.signIn(adminEmail)
	if r := th.get(c, "/admin/settings"); !strings.Contains(r.body, "the hub shows its initials on the accent colour") {
		t.Error("the settings page does not say the logo is made from the initials")
	}
	if r := th.postForm(c, "/admin/settings", url.Values{"csrf": {tok}, "name": {"Salford Hub"}, "timezone": {"Europe/London"},
		"language": {"en-GB"}, "accent_colour": {"#004488"}, "handle": {"hub"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving settings: %d", r.StatusCode)
	}
	if _, bg, r2 := th.logoBackground("/logo"); bg != [3]uint8{0x00, 0x44, 0x88} || r2.Header.Get("ETag") == r.Header.Get("ETag") {
		t.Errorf("after a new accent colour the logo's background is %x (ETag %s)", bg, r2.Header.Get("ETag"))
	}

	// An uploaded logo replaces it.
	up := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for i := 0; i < 64*64; i++ {
		up.Set(i%64, i/64, color.RGBA{0xcc, 0x22, 0x11, 0xff})
	}
	var file bytes.Buffer
	png.Encode(&file, up)
	if err := th.svc.UpdateLogo(th.host(), file.Bytes(), "image/png"); err != nil {
		t.Fatal(err)
	}
	if r := th.get(th.client(), "/logo"); r.Header.Get("Content-Type") != "image/jpeg" { // re-encoded, being opaque
		t.Errorf("after an upload /logo is %s, not the uploaded logo", r.Header.Get("Content-Type"))
	} else if img, err := jpeg.Decode(strings.NewReader(r.body)); err != nil || img.Bounds().Dx() != 64 {
		t.Errorf("after an upload /logo is not the uploaded logo: %v", err)
	}
}
