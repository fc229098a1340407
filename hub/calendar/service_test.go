package calendar_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/calendar"
	"github.com/commonplace-hub/commonplace/hub/calendar/calendartest"
	"github.com/commonplace-hub/commonplace/storage"
)

// feedServer is a partner's calendar server on 127.0.0.1 whose feed the
// test changes. It answers conditional GETs by ETag and records requests.
type feedServer struct {
	*httptest.Server
	mu          sync.Mutex
	body        string
	contentType string
	requests    []*http.Request
}

func newFeedServer(t *testing.T) *feedServer {
	fs := &feedServer{contentType: "text/calendar; charset=utf-8"}
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		defer fs.mu.Unlock()
		fs.requests = append(fs.requests, r)
		etag := fmt.Sprintf(`"%x"`, sha256.Sum256([]byte(fs.body)))
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", fs.contentType)
		io.WriteString(w, fs.body)
	}))
	t.Cleanup(fs.Close)
	return fs
}

func (fs *feedServer) set(body, contentType string) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.body, fs.contentType = body, contentType
}

func (fs *feedServer) lastRequest() *http.Request {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.requests[len(fs.requests)-1]
}

// testNow is early October 2026, before the UK clocks go back.
var testNow = time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)

type calendarHub struct {
	db   *storage.DB
	svc  *hub.Service
	cals *calendar.Service
	host context.Context
}

func newCalendarHub(t testing.TB, client *http.Client) *calendarHub {
	t.Helper()
	db, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := hub.NewService(db.Stores(), logger)
	svc.Now = func() time.Time { return testNow }
	return &calendarHub{db: db, svc: svc, cals: calendar.NewService(db.Calendars(), svc, client, logger), host: hub.HostContext(context.Background())}
}

// subscribe subscribes the hub to the calendar at url and refreshes it
// once; it returns the subscription and how it is after the refresh.
func (h *calendarHub) subscribe(t *testing.T, url string) (sub, got *calendar.Subscription) {
	t.Helper()
	sub = &calendar.Subscription{URL: url}
	if err := h.cals.Subscribe(h.host, sub); err != nil {
		t.Fatal(err)
	}
	got, err := h.cals.Refresh(h.host, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	return sub, got
}

// events returns the feed's hub events by title.
func (h *calendarHub) events(t *testing.T, feedID int64) map[string]*hub.Event {
	t.Helper()
	list, _, err := h.svc.ListEvents(context.Background(), hub.EventFilter{SourceFeedID: feedID})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*hub.Event{}
	for _, e := range list {
		out[e.Title] = e
	}
	return out
}

var (
	oldEvent   = calendartest.VEvent("old@partner", "Summer fair", "DTSTART;VALUE=DATE:20260801")
	repair     = calendartest.VEvent("repair@partner", "Repair café", "DTSTART;TZID=Europe/London:20261024T100000", "DTEND;TZID=Europe/London:20261024T130000")
	brokenQuiz = calendartest.VEvent("quiz@partner", "Quiz night", "DTSTART;TZID=Europe/London:2026-10-11 19:00")
)

// TestRefreshFollowsTheFeed is a partner's feed changing between refreshes:
// added, moved, cancelled and deleted events reach the hub's events, and a
// garbage answer changes nothing.
func TestRefreshFollowsTheFeed(t *testing.T) {
	fs := newFeedServer(t)
	h := newCalendarHub(t, fs.Client())
	place := &hub.Place{Name: "Zion Centre"}
	if err := h.svc.CreatePlace(h.host, place); err != nil {
		t.Fatal(err)
	}
	fs.set(vcal("X-WR-CALNAME:Partner events", calendartest.Quiz, calendartest.Lunch, calendartest.Litter, oldEvent), "text/calendar")
	sub := &calendar.Subscription{URL: strings.Replace(fs.URL, "http://", "HTTP://", 1) + "/events.ics", PlaceID: place.ID, Tags: []string{"Partners"}, Organiser: "Age Friendly Hulme"}
	if err := h.cals.Subscribe(h.host, sub); err != nil {
		t.Fatal(err)
	}

	// First refresh: three events, the summer fair is over.
	got, err := h.cals.Refresh(h.host, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	r := got.LastReport
	if r == nil || r.Created != 3 || r.Updated != 0 || r.Removed != 0 || r.OutOfWindow != 1 || got.Name != "Partner events" || got.LastError != "" {
		t.Fatalf("first refresh: %+v report %+v", got, r)
	}
	ev := h.events(t, sub.ID)
	if len(ev) != 3 {
		t.Fatalf("events: %v", ev)
	}
	q := ev["Quiz night"]
	if q.PlaceID != place.ID || q.Organiser != "Age Friendly Hulme" || strings.Join(q.Tags, ",") != "Partners" || q.SourceUID != "quiz@partner" {
		t.Errorf("quiz as imported: %+v", q)
	}
	if ev["Lunch club"].Recurrence != "FREQ=WEEKLY;BYDAY=TU" {
		t.Errorf("lunch club: %+v", ev["Lunch club"])
	}
	quizID := q.ID

	// Second refresh: the server says 304; nothing is touched.
	got, err = h.cals.Refresh(h.host, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if req := fs.lastRequest(); req.Header.Get("If-None-Match") == "" {
		t.Error("the second refresh was not a conditional GET")
	}
	if !got.LastReport.NotModified || got.LastReport.Created != 0 {
		t.Errorf("after 304: %+v", got.LastReport)
	}

	// The partner moves the quiz, cancels one lunch, drops the litter pick
	// and adds a repair café.
	fs.set(vcal("X-WR-CALNAME:Partner events", calendartest.QuizMoved, calendartest.Lunch, calendartest.LunchOff, repair, oldEvent), "text/calendar")
	got, err = h.cals.Refresh(h.host, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	r = got.LastReport
	if r.Created != 1 || r.Updated != 2 || r.Removed != 1 || r.Unchanged != 0 || r.Cancelled != 1 {
		t.Errorf("after the changes: %+v", r)
	}
	ev = h.events(t, sub.ID)
	if _, ok := ev["Litter pick"]; ok || len(ev) != 3 {
		t.Errorf("events: %v", ev)
	}
	if q := ev["Quiz night"]; q.Start.Format("2006-01-02 15:04") != "2026-10-11 19:00" || q.ID != quizID {
		t.Errorf("quiz not moved in place: %v (id %d, was %d)", q.Start, q.ID, quizID)
	}
	// The cancelled lunch is still there, marked cancelled: a reader who
	// saved it learns it is off.
	var dates []string
	for _, o := range ev["Lunch club"].Occurrences(testNow, testNow.AddDate(0, 0, 21), 0) {
		dates = append(dates, strings.TrimSpace(o.Date()+" "+string(o.Status)))
	}
	if strings.Join(dates, ", ") != "2026-10-06, 2026-10-13 cancelled, 2026-10-20" {
		t.Errorf("lunch club occurrences: %v", dates)
	}
	if ev["Repair café"] == nil {
		t.Error("the new event was not imported")
	}

	// The same feed again: nothing changes, so nothing is saved.
	fs.set(vcal("X-WR-CALNAME:Partner events", calendartest.QuizMoved, calendartest.Lunch, calendartest.LunchOff, repair, "X-NOTE:new ETag"), "text/calendar")
	got, _ = h.cals.Refresh(h.host, sub.ID)
	if r := got.LastReport; r.Unchanged != 3 || r.Created+r.Updated+r.Removed != 0 {
		t.Errorf("unchanged feed: %+v", r)
	}

	// The server sends a login page: a clear error, every event kept.
	success := *got.LastSuccessAt
	fs.set("<!doctype html><title>Sign in</title>", "text/html; charset=utf-8")
	got, err = h.cals.Refresh(h.host, sub.ID)
	if err == nil || !strings.Contains(hub.ErrorMessage(err), "gave a web page, not a calendar") {
		t.Errorf("garbage feed: %v", err)
	}
	if got.LastError != hub.ErrorMessage(err) || !got.LastSuccessAt.Equal(success) || got.LastReport.Unchanged != 3 {
		t.Errorf("after a failure: last error %q, success %v, report %+v", got.LastError, got.LastSuccessAt, got.LastReport)
	}
	if ev := h.events(t, sub.ID); len(ev) != 3 {
		t.Errorf("a failed refresh lost events: %v", ev)
	}

	// One event becomes unreadable: it is skipped with its reason, and the
	// hub keeps the version it has.
	fs.set(vcal(brokenQuiz, calendartest.Lunch, calendartest.LunchOff, repair), "text/calendar")
	got, err = h.cals.Refresh(h.host, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r := got.LastReport; len(r.Skipped) != 1 || !strings.Contains(r.Skipped[0].String(), `"Quiz night": DTSTART "2026-10-11 19:00" is not a date or a date-time`) || r.Removed != 0 {
		t.Errorf("broken event: %+v", r)
	}
	if ev := h.events(t, sub.ID); ev["Quiz night"] == nil {
		t.Error("a skipped event was removed from the hub")
	}

	// The partner puts the lunch back on: the mark goes.
	fs.set(vcal(calendartest.QuizMoved, calendartest.Lunch, repair), "text/calendar")
	got, err = h.cals.Refresh(h.host, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r := got.LastReport; r.Updated != 1 || r.Cancelled != 0 {
		t.Errorf("lunch back on: %+v", r)
	}
	if l := h.events(t, sub.ID)["Lunch club"]; len(l.Statuses) != 0 {
		t.Errorf("the lunch club is still marked %+v", l.Statuses)
	}

	// Unsubscribing removes the feed's upcoming events.
	n, err := h.cals.Unsubscribe(h.host, sub.ID)
	if err != nil || n != 3 {
		t.Fatalf("unsubscribe removed %d: %v", n, err)
	}
	if _, total, _ := h.svc.ListEvents(context.Background(), hub.EventFilter{}); total != 0 {
		t.Errorf("%d events left", total)
	}
}

func TestSubscribeValidates(t *testing.T) {
	h := newCalendarHub(t, http.DefaultClient)
	tests := []struct {
		sub   calendar.Subscription
		field string
	}{
		{calendar.Subscription{URL: ""}, "url"},
		{calendar.Subscription{URL: "ftp://example.org/cal.ics"}, "url"},
		{calendar.Subscription{URL: "example.org/cal.ics"}, "url"},
		{calendar.Subscription{URL: "https://example.org/my cal.ics"}, "url"},
		{calendar.Subscription{URL: "https://example.org/cal.ics", PlaceID: 99}, "place_id"},
		{calendar.Subscription{URL: "https://example.org/cal.ics", Organiser: strings.Repeat("x", 201)}, "organiser"},
		{calendar.Subscription{URL: "https://example.org/cal.ics", Tags: []string{strings.Repeat("t", 51)}}, "tags"},
	}
	for _, tt := range tests {
		err := h.cals.Subscribe(h.host, &tt.sub)
		if hub.ErrorCode(err) != hub.EINVALID || hub.ErrorFields(err)[tt.field] == "" {
			t.Errorf("%+v: %v, want a message for %s", tt.sub, err, tt.field)
		}
	}
	ok := &calendar.Subscription{URL: " webcal://example.org/cal.ics "}
	if err := h.cals.Subscribe(h.host, ok); err != nil || ok.URL != "webcal://example.org/cal.ics" {
		t.Fatalf("%v %q", err, ok.URL)
	}
	if err := h.cals.Subscribe(h.host, &calendar.Subscription{URL: ok.URL}); hub.ErrorCode(err) != hub.ECONFLICT {
		t.Errorf("twice: %v", err)
	}
	if err := h.cals.Subscribe(context.Background(), &calendar.Subscription{URL: "https://example.org/other.ics"}); hub.ErrorCode(err) != hub.EUNAUTHORIZED {
		t.Errorf("without an organiser: %v", err)
	}
	reader := hub.WithOrganiser(context.Background(), &hub.Organiser{Name: "Reader", Role: "viewer"})
	if _, err := h.cals.Refresh(reader, ok.ID); hub.ErrorCode(err) != hub.EFORBIDDEN {
		t.Errorf("refresh by a role that may not: %v", err)
	}
}

func TestFetchErrors(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/ok.ics", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "\ufeff\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
	})
	mux.HandleFunc("/big.ics", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "BEGIN:VCALENDAR\r\n"+strings.Repeat("X-PAD:"+strings.Repeat("x", 1000)+"\r\n", 2000))
	})
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html>")
	})
	mux.HandleFunc("/json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, "{}")
	})
	mux.HandleFunc("/private.ics", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusForbidden) })
	mux.HandleFunc("/slow.ics", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(20 * time.Second):
		case <-r.Context().Done():
		}
	})
	srv := httptest.NewTLSServer(mux)
	defer srv.Close()
	client := srv.Client()
	// Long enough for a 1 MB answer on a loaded machine (CI failed once at
	// 300 ms), short enough for the slow feed to time out quickly.
	client.Timeout = 1500 * time.Millisecond
	f := &calendar.Fetcher{Client: client, MaxBytes: 1 << 20}
	webcal := strings.Replace(srv.URL, "https://", "webcal://", 1)
	tests := []struct {
		url, want string
	}{
		{webcal + "/ok.ics", ""}, // webcal:// is fetched as https://
		{srv.URL + "/big.ics", "is larger than 1 MB"},
		{srv.URL + "/page", "gave a web page, not a calendar"},
		{srv.URL + "/json", "gave application/json, not a calendar"},
		{srv.URL + "/private.ics", "answered 403 Forbidden. The calendar is not public"},
		{srv.URL + "/missing.ics", "answered 404 Not Found"},
		{srv.URL + "/slow.ics", "it took too long to answer"},
		{"https://127.0.0.1:1/cal.ics", "the connection was refused"},
	}
	for _, tt := range tests {
		got, err := f.Fetch(context.Background(), tt.url, "", "")
		switch {
		case tt.want == "" && (err != nil || len(got.Body) == 0):
			t.Errorf("%s: %v", tt.url, err)
		case tt.want != "" && (err == nil || !strings.Contains(hub.ErrorMessage(err), tt.want)):
			t.Errorf("%s: %v, want %q", tt.url, err, tt.want)
		}
	}
}

func TestSchedulerRefreshesDueFeedsAndStops(t *testing.T) {
	fs := newFeedServer(t)
	fs.set(vcal(calendartest.Quiz), "text/calendar")
	h := newCalendarHub(t, fs.Client())
	h.cals.Interval = 24 * time.Millisecond
	sub := &calendar.Subscription{URL: fs.URL + "/a.ics"}
	if err := h.cals.Subscribe(h.host, sub); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { h.cals.Run(ctx); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for len(h.events(t, sub.ID)) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the scheduler did not stop when its context was cancelled")
	}
	if len(h.events(t, sub.ID)) != 1 {
		t.Error("the scheduler did not import the due feed")
	}
}
