package web_test

import (
	"bytes"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/testkit"
	"github.com/commonplace-hub/commonplace/internal/uris"
)

func TestPosters(t *testing.T) {
	th := newTestHub(t)
	weekly, _, _ := th.seed() // Tuesdays from 6 October 2026, 10am
	oneOff := &hub.Event{
		Title: "Winter fair", TimeZone: "Europe/London", Accessibility: "Hearing loop in the hall",
		Start: time.Date(2026, 12, 5, 11, 0, 0, 0, london), End: time.Date(2026, 12, 5, 15, 0, 0, 0, london),
		Place: &hub.Place{Name: "Zion Centre", StreetAddress: "339 Stretford Road", Locality: "Manchester", PostalCode: "M15 4ZY"},
	}
	if err := th.svc.CreateEvent(th.host(), oneOff); err != nil {
		t.Fatal(err)
	}
	if err := th.svc.SetEventStatus(th.host(), weekly.ID, "2026-10-13", hub.StatusCancelled, "Half term"); err != nil {
		t.Fatal(err)
	}
	c := th.client()

	r := th.get(c, "/events/"+weekly.Slug)
	if !strings.Contains(r.body, `<a href="/events/`+weekly.Slug+`/poster">Print a poster</a>`) {
		t.Error("the event page has no poster link")
	}

	for _, tt := range []struct {
		name, path string
		status     int
		want, not  []string
	}{
		{"recurring", "/events/" + weekly.Slug + "/poster", 200,
			[]string{"<h1 class=\"poster-title\">Digital drop-in</h1>", "Tuesday 6 October 2026, 10am to 12pm", "Every week on Tuesday", "Next dates",
				"Tuesday 13 October 2026, 10am to 12pm</time> <strong class=\"status status-cancelled\">Cancelled</strong>", "Tuesday 10 November 2026",
				"Hulme Library", "Stretford Road", "M15 5FQ", "Step-free access", "Hulme Digital", `<svg xmlns="http://www.w3.org/2000/svg" class="qr"`,
				th.srv.URL + "/events/" + weekly.Slug + "</span>", `href="/static/poster-a4.css"`},
			[]string{"<script", "poster-cancelled", "site-header", "Tuesday 17 November 2026"}},
		{"one-off, with accessibility", "/events/" + oneOff.Slug + "/poster", 200,
			[]string{"Winter fair", "Saturday 5 December 2026, 11am to 3pm", "Zion Centre", "339 Stretford Road", "Hearing loop in the hall"},
			[]string{"Next dates", "poster-cancelled"}},
		{"a5", "/events/" + oneOff.Slug + "/poster?size=a5", 200,
			[]string{`href="/static/poster-a5.css"`, `<article class="poster" aria-hidden="true">`, `<p class="poster-title">Winter fair</p>`}, nil},
		{"in the hub's language, not the browser's", "/events/" + oneOff.Slug + "/poster", 200, []string{"Saturday 5 December 2026", "When"}, []string{`<html lang="fr"`, "décembre"}},
		{"a language chosen", "/events/" + oneOff.Slug + "/poster?lang=cy", 200, []string{`<html lang="cy"`, "Rhagfyr"}, nil},
		{"bad size", "/events/" + oneOff.Slug + "/poster?size=a3", 422, nil, nil},
		{"no such event", "/events/nope/poster", 404, nil, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := th.getWith(tt.path, "Accept-Language", "fr")
			if r.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", r.StatusCode, tt.status)
			}
			checkBody(t, "poster", r.body, tt.want, tt.not)
		})
	}

	// The hub's logo heads the poster: the generated one (its initials)
	// until one is uploaded.
	if !strings.Contains(th.get(c, "/events/"+oneOff.Slug+"/poster").body, `<img class="poster-logo" src="/logo" alt="" width="48" height="48">`) {
		t.Error("a poster lacks the hub's generated logo")
	}
	logo := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for i := range logo.Pix {
		logo.Pix[i] = 0x80
	}
	var logoPNG bytes.Buffer
	if err := png.Encode(&logoPNG, logo); err != nil {
		t.Fatal(err)
	}
	if err := th.svc.UpdateLogo(th.host(), logoPNG.Bytes(), "image/png"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(th.get(c, "/events/"+oneOff.Slug+"/poster").body, `<img class="poster-logo" src="/logo" alt="" width="48" height="48">`) {
		t.Error("the poster lacks the hub's logo")
	}

	// The event's picture, with its description, is on its poster.
	photo := image.NewRGBA(image.Rect(0, 0, 300, 200))
	for i := range photo.Pix {
		photo.Pix[i] = byte(i)
	}
	var photoPNG bytes.Buffer
	if err := png.Encode(&photoPNG, photo); err != nil {
		t.Fatal(err)
	}
	pic, err := th.svc.SetPicture(th.host(), hub.OwnerEvent, oneOff.ID, hub.PictureUpload{Data: photoPNG.Bytes(), Alt: "Stalls & <tables> in the hall"})
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []string{"", "?size=a5"} {
		body := th.get(c, "/events/"+oneOff.Slug+"/poster"+size).body
		want := fmt.Sprintf(`<img class="poster-picture" src="%s" width="%d" height="%d" alt="Stalls &amp; &lt;tables&gt; in the hall">`, uris.Picture(pic, hub.SizeLarge), pic.Width, pic.Height)
		if !strings.Contains(body, want) {
			t.Errorf("poster%s lacks the event's picture %s", size, want)
		}
	}
	if strings.Contains(th.get(c, "/events/"+weekly.Slug+"/poster").body, "poster-picture") {
		t.Error("a poster shows a picture its event does not have")
	}

	// Cancelled: the whole series, then the one-off event.
	if err := th.svc.SetEventStatus(th.host(), oneOff.ID, "", hub.StatusCancelled, "Hall closed for repairs"); err != nil {
		t.Fatal(err)
	}
	if err := th.svc.SetEventStatus(th.host(), weekly.ID, "", hub.StatusCancelled, ""); err != nil {
		t.Fatal(err)
	}
	for _, slug := range []string{oneOff.Slug, weekly.Slug} {
		r := th.get(c, "/events/"+slug+"/poster")
		if !strings.Contains(r.body, `<p class="poster-cancelled"><strong>Cancelled</strong>`) {
			t.Errorf("%s: a cancelled event's poster does not say so", slug)
		}
	}
	if r := th.get(c, "/events/"+oneOff.Slug+"/poster"); !strings.Contains(r.body, "Cancelled</strong>: Hall closed for repairs") {
		t.Error("the cancelled poster lacks the reason")
	}
}

// TestPosterQRCodeDecodes: the poster's inline SVG, drawn back into an
// image module by module, is read by an independent decoder (zbarimg,
// Debian's zbar-tools) as exactly the event's address.
func TestPosterQRCodeDecodes(t *testing.T) {
	_, err := exec.LookPath("zbarimg")
	testkit.Need(t, err == nil, "zbarimg", "apt-get install zbar-tools")
	th := newTestHub(t)
	e, _, _ := th.seed()
	for _, path := range []string{"/events/" + e.Slug + "/poster", "/events/" + e.Slug + "/poster?size=a5"} {
		r := th.get(th.client(), path)
		svgs := regexp.MustCompile(`(?s)<svg[^>]*class="qr"[^>]*viewBox="0 0 (\d+) (\d+)"[^>]*aria-label="([^"]*)"[^>]*>.*?<path fill="#000" d="([^"]*)"/></svg>`).FindAllStringSubmatch(r.body, -1)
		if len(svgs) == 0 {
			t.Fatalf("%s: no QR code SVG", path)
		}
		want := th.srv.URL + "/events/" + e.Slug
		for _, m := range svgs {
			if html.UnescapeString(m[3]) != "QR code of "+want {
				t.Errorf("label %q", m[3])
			}
			n, _ := strconv.Atoi(m[1])
			img := drawModules(t, n, m[4], 6)
			var buf bytes.Buffer
			if err := png.Encode(&buf, img); err != nil {
				t.Fatal(err)
			}
			if got := testkit.DecodeQR(t, buf.Bytes()); got != want {
				t.Errorf("%s: QR code reads %q, want %q", path, got, want)
			}
		}
	}
}

// drawModules draws an n×n-module SVG path of "M{x} {y}h{w}v1h-{w}z"
// rectangles at scale pixels a module, black on white; anything else in
// the path fails the test.
func drawModules(t *testing.T, n int, d string, scale int) image.Image {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, n*scale, n*scale))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	rect := regexp.MustCompile(`^M(\d+) (\d+)h(\d+)v1h-(\d+)z`)
	for d != "" {
		m := rect.FindStringSubmatch(d)
		if m == nil || m[3] != m[4] {
			t.Fatalf("unexpected path data at %.40q", d)
		}
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		w, _ := strconv.Atoi(m[3])
		for px := x * scale; px < (x+w)*scale; px++ {
			for py := y * scale; py < (y+1)*scale; py++ {
				img.SetGray(px, py, color.Gray{})
			}
		}
		d = d[len(m[0]):]
	}
	return img
}
