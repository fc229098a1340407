package calendar_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/calendar"
	"github.com/commonplace-hub/commonplace/hub/calendar/calendartest"
	"github.com/commonplace-hub/commonplace/internal/picturetest"
)

// partnerPictures is the partner's web server on 127.0.0.1, as hostile as
// it likes: its JPEGs carry a GPS position, its "WebP" files are SVGs and
// its "PNG" files polyglots of GIF and HTML.
func partnerPictures(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var hits atomic.Int32
	jpeg := picturetest.JPEG(1200, 800, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch p := r.URL.Path; {
		case strings.HasSuffix(p, ".svg.png"):
			w.Header().Set("Content-Type", "image/png")
			w.Write(picturetest.Polyglot())
		case strings.HasSuffix(p, ".jpg"):
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write(jpeg)
		case strings.HasSuffix(p, ".webp"):
			w.Header().Set("Content-Type", "image/webp")
			w.Write(picturetest.SVG())
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// partnerFeed serves the real WordPress Events Manager feed, its
// pictures' host moved to partnerPictures, to a calendar hub whose clock
// stands on 19 September 2023; hits counts the requests for pictures.
func partnerFeed(t *testing.T) (h *calendarHub, fs *feedServer, feed []byte, hits *atomic.Int32, now time.Time) {
	t.Helper()
	raw, err := os.ReadFile("testdata/wordpress-events-manager-community-centre.ics")
	if err != nil {
		t.Fatal(err)
	}
	pics, hits := partnerPictures(t)
	// The feed folds its ATTACH lines inside the host name's path: only
	// the scheme and host are replaced, so the folding stays the feed's.
	feed = bytes.ReplaceAll(raw, []byte("https://www.birchcommunitycentre.co.uk"), []byte(pics.URL))
	fs = newFeedServer(t)
	fs.set(string(feed), "text/calendar")
	h = newCalendarHub(t, fs.Client())
	now = day("2023-09-19")
	h.svc.Now = func() time.Time { return now }
	return h, fs, feed, hits, now
}

// TestFeedPicturesImported: the real WordPress Events Manager feed's
// ATTACH;FMTTYPE=image/... pictures (its host moved to a loopback server)
// come in as the events' pictures, stripped of their metadata and without
// a description (listed as needing one); the ones the server lies about
// are skipped and their events imported all the same; a refresh does not
// fetch them again.
func TestFeedPicturesImported(t *testing.T) {
	h, fs, feed, hits, now := partnerFeed(t)
	res, err := calendar.ParseBytes(feed, calendar.Options{Now: now, DefaultZone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	wantPicture := map[string]string{} // by UID: the address whose picture is kept
	jpegs, refused := 0, 0
	for _, it := range res.Items {
		switch {
		case strings.HasSuffix(it.Picture, ".jpg"):
			wantPicture[it.UID] = it.Picture
			jpegs++
		case it.Picture != "":
			refused++
		}
	}
	if jpegs == 0 || refused == 0 {
		t.Fatalf("the feed's pictures: %d JPEG, %d others", jpegs, refused)
	}
	sub, got := h.subscribe(t, fs.URL+"/events.ics")
	if got.LastReport.Created != len(res.Items) || len(got.LastReport.Skipped) != len(res.Skipped) {
		t.Fatalf("report %+v: pictures kept events out", got.LastReport)
	}
	list, _, err := h.svc.ListEvents(context.Background(), hub.EventFilter{SourceFeedID: sub.ID})
	if err != nil {
		t.Fatal(err)
	}
	withPictures := 0
	for _, e := range list {
		p, err := h.svc.Picture(context.Background(), hub.OwnerEvent, e.ID)
		want := wantPicture[e.SourceUID]
		if want == "" {
			if err == nil {
				t.Errorf("%s: kept a picture from %s", e.Title, p.Source)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: no picture from %s: %v", e.Title, want, err)
			continue
		}
		withPictures++
		if p.Source != want || p.Alt != "" || p.Width != 1200 {
			t.Errorf("%s: picture %+v", e.Title, p)
		}
		data, err := h.svc.PictureFile(context.Background(), p.ID, hub.SizeLarge)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range picturetest.Secrets {
			if bytes.Contains(data.Large, []byte(secret)) {
				t.Errorf("%s: the kept picture holds %q", e.Title, secret)
			}
		}
	}
	t.Logf("%d events, %d with a JPEG, %d with a refused picture; %d pictures kept", len(list), jpegs, refused, withPictures)
	needs, err := h.svc.PicturesWithoutAlt(h.host)
	if err != nil || len(needs) != withPictures || withPictures == 0 {
		t.Errorf("%d pictures need a description, %d kept (%v)", len(needs), withPictures, err)
	}

	// The feed changes (a new event) and is imported again: the pictures
	// kept are not fetched again (the refused ones are, once per import).
	before := hits.Load()
	fs.set(strings.Replace(string(feed), "END:VCALENDAR", calendartest.VEvent("new@partner", "New", "DTSTART:20231001T100000Z")+"\r\nEND:VCALENDAR", 1), "text/calendar")
	if _, err := h.cals.Refresh(h.host, sub.ID); err != nil {
		t.Fatal(err)
	}
	refusedURLs := map[string]bool{}
	for _, it := range res.Items {
		if it.Picture != "" && wantPicture[it.UID] == "" {
			refusedURLs[it.Picture] = true
		}
	}
	if again := int(hits.Load() - before); again != len(refusedURLs) {
		t.Errorf("the second import made %d picture requests, want %d (the refused ones)", again, len(refusedURLs))
	}
}

// TestFeedImagePicked: RFC 7986 IMAGE is read (the full-size one over a
// badge), an ATTACH that is not a picture is not, and a feed whose
// picture is dropped loses the picture it brought, not one an organiser
// uploaded.
func TestFeedImagePicked(t *testing.T) {
	pics, _ := partnerPictures(t)
	fs := newFeedServer(t)
	h := newCalendarHub(t, fs.Client())
	withImage := calendartest.VEvent("talk@partner", "Talk", "DTSTART:20261010T180000Z",
		"IMAGE;VALUE=URI;DISPLAY=BADGE:"+pics.URL+"/badge.webp",
		"IMAGE;VALUE=URI;DISPLAY=FULLSIZE;FMTTYPE=image/jpeg:"+pics.URL+"/full.jpg",
		"ATTACH;FMTTYPE=application/pdf:"+pics.URL+"/agenda.pdf")
	pdfOnly := calendartest.VEvent("fair@partner", "Fair", "DTSTART:20261011T100000Z", "ATTACH;FMTTYPE=application/pdf:"+pics.URL+"/agenda.pdf")
	fs.set(vcal(withImage, pdfOnly), "text/calendar")
	sub, _ := h.subscribe(t, fs.URL+"/events.ics")
	ev := h.events(t, sub.ID)
	if p, err := h.svc.Picture(context.Background(), hub.OwnerEvent, ev["Talk"].ID); err != nil || p.Source != pics.URL+"/full.jpg" {
		t.Fatalf("talk's picture: %+v %v", p, err)
	}
	if _, err := h.svc.Picture(context.Background(), hub.OwnerEvent, ev["Fair"].ID); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("fair has a picture: %v", err)
	}
	// An organiser gives the fair a picture; the feed then drops the talk's.
	if _, err := h.svc.SetPicture(h.host, hub.OwnerEvent, ev["Fair"].ID, hub.PictureUpload{Data: picturetest.PlainJPEG(300, 200), Alt: "The fair's stalls"}); err != nil {
		t.Fatal(err)
	}
	fs.set(vcal(calendartest.VEvent("talk@partner", "Talk", "DTSTART:20261010T180000Z", "DESCRIPTION:Now without a picture"), pdfOnly), "text/calendar")
	if _, err := h.cals.Refresh(h.host, sub.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Picture(context.Background(), hub.OwnerEvent, ev["Talk"].ID); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("the talk kept the picture its feed dropped: %v", err)
	}
	if p, err := h.svc.Picture(context.Background(), hub.OwnerEvent, ev["Fair"].ID); err != nil || p.Alt != "The fair's stalls" {
		t.Errorf("the organiser's picture: %+v %v", p, err)
	}
}

// TestFeedPicturesWithinTheBudget: when the hub's pictures already take
// their budget, a partner's calendar's pictures are not fetched; every
// event comes in all the same, without them, and each skipped address is
// recorded for the organiser pages.
func TestFeedPicturesWithinTheBudget(t *testing.T) {
	h, fs, feed, hits, now := partnerFeed(t)
	ctx := context.Background()
	// The hub's header image takes more than the whole budget.
	h.svc.PictureBudget = 1000
	if _, err := h.svc.SetPicture(h.host, hub.OwnerHeader, 0, hub.PictureUpload{Data: picturetest.JPEG(800, 600, 1), Alt: "The high street"}); err == nil {
		t.Fatal("an upload over the budget was kept")
	}
	h.svc.PictureBudget = 0
	if _, err := h.svc.SetPicture(h.host, hub.OwnerHeader, 0, hub.PictureUpload{Data: picturetest.JPEG(800, 600, 1), Alt: "The high street"}); err != nil {
		t.Fatal(err)
	}
	h.svc.PictureBudget = 1000

	res, err := calendar.ParseBytes(feed, calendar.Options{Now: now, DefaultZone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	addresses := map[string]bool{}
	for _, it := range res.Items {
		if it.Picture != "" {
			addresses[it.Picture] = true
		}
	}
	if len(addresses) == 0 {
		t.Fatal("the feed has no pictures")
	}
	sub := &calendar.Subscription{URL: fs.URL + "/events.ics"}
	if err := h.cals.Subscribe(h.host, sub); err != nil {
		t.Fatal(err)
	}
	got, err := h.cals.Refresh(h.host, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.LastReport.Created != len(res.Items) {
		t.Fatalf("report %+v: the budget kept events out", got.LastReport)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d pictures fetched with no room for them", n)
	}
	list, _, err := h.svc.ListEvents(ctx, hub.EventFilter{SourceFeedID: sub.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range list {
		if _, err := h.svc.Picture(ctx, hub.OwnerEvent, e.ID); err == nil {
			t.Errorf("%s has a picture", e.Title)
		}
	}
	n, _, err := h.svc.PictureSkips(h.host)
	if err != nil || n != len(addresses) {
		t.Errorf("%d skipped pictures recorded (%v), want %d", n, err, len(addresses))
	}
}
