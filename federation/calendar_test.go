package federation_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/federation"
	"github.com/commonplace-hub/commonplace/hub/calendar"
)

// A subscribed calendar feed that changes between two refreshes reaches
// followers: an added event is a Create, a moved one an Update, a
// cancelled one an Update saying so, a deleted one a Delete.
func TestCalendarFeedChangesReachFollowers(t *testing.T) {
	h := newHub(t)
	f := newFediverse(t)
	h.follow(f, f.actor("cal", false))

	day := time.Now().UTC().AddDate(0, 0, 3).Format("20060102")
	far := "BEGIN:VEVENT\r\nUID:far\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Far fair\r\nDTSTART:" +
		time.Now().UTC().AddDate(0, 0, 40).Format("20060102") + "T100000Z\r\nDURATION:PT2H\r\nEND:VEVENT\r\n"
	vevent := func(uid, title, start, extra string) string {
		return "BEGIN:VEVENT\r\nUID:" + uid + "\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:" + title +
			"\r\nDTSTART:" + day + "T" + start + "00Z\r\nDURATION:PT2H\r\n" + extra + "END:VEVENT\r\n"
	}
	var mu sync.Mutex
	feed := ""
	setFeed := func(events ...string) {
		mu.Lock()
		feed = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + strings.Join(events, "") + "END:VCALENDAR\r\n"
		mu.Unlock()
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "text/calendar")
		io.WriteString(w, feed)
	}))
	defer srv.Close()

	cal := calendar.NewService(h.db.Calendars(), h.svc, federation.NewHTTPClient(true, 10*time.Second), nil)
	sub := &calendar.Subscription{URL: srv.URL + "/partner.ics", Organiser: "Partner group"}
	if err := cal.Subscribe(h.host(), sub); err != nil {
		t.Fatal(err)
	}
	setFeed(vevent("keep", "Lunch club", "1200", ""), vevent("move", "Quiz", "1900", ""), vevent("gone", "Jumble sale", "1000", ""),
		vevent("cancel", "Film night", "2000", ""), far)
	if _, err := cal.Refresh(h.host(), sub.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "four Creates", func() bool { return len(f.deliveries("Create")) == 4 })

	// Moved, deleted and cancelled; one added.
	setFeed(vevent("keep", "Lunch club", "1200", ""), vevent("move", "Quiz", "2000", ""),
		vevent("cancel", "Film night", "2000", "STATUS:CANCELLED\r\n"), vevent("new", "Coffee morning", "0900", ""), far)
	if _, err := cal.Refresh(h.host(), sub.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the changes", func() bool {
		return len(f.deliveries("Create")) == 5 && len(f.deliveries("Update")) == 2 && len(f.deliveries("Delete")) == 1
	})
	names := func(typ string) string {
		var out []string
		for _, d := range f.deliveries(typ) {
			o := d.Body["object"].(map[string]any)
			out = append(out, fmt.Sprint(o["name"], o["id"]))
		}
		return strings.Join(out, "; ")
	}
	if u := names("Update"); !strings.Contains(u, "Quiz") || !strings.Contains(u, "Film night") {
		t.Errorf("Updates: %s", u)
	}
	for _, d := range f.deliveries("Update") {
		o := d.Body["object"].(map[string]any)
		if cancelled := o["eventStatus"] == "https://schema.org/EventCancelled"; cancelled != (o["name"] == "Film night") {
			t.Errorf("%v: eventStatus %v", o["name"], o["eventStatus"])
		}
	}
	if c := names("Create"); !strings.Contains(c, "Coffee morning") {
		t.Errorf("Creates: %s", c)
	}
	for _, d := range f.deliveries("Update") {
		if upd := d.Body["object"].(map[string]any); upd["name"] == "Quiz" && !strings.HasSuffix(upd["startTime"].(string), "T20:00:00Z") {
			t.Errorf("moved start %v", upd["startTime"])
		}
	}
	time.Sleep(200 * time.Millisecond)
	if n := len(f.deliveries("Update")); n != 2 {
		t.Errorf("%d Updates: unchanged events were sent again", n)
	}
	if c := names("Create"); strings.Contains(c, "Far fair") {
		t.Errorf("an imported event 40 days ahead was published at once: %s", c)
	}
	// Imported events are published as they come within 14 days.
	h.clock.advance(30 * 24 * time.Hour)
	h.fed.PublishDue(h.host())
	waitFor(t, "the far event", func() bool { return strings.Contains(names("Create"), "Far fair") })
}
