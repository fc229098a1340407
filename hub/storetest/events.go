package storetest

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/commonplace-hub/commonplace/hub"
)

func testEventRoundTrip(t *testing.T, open Opener) {
	s := open(t).Stores
	london, ny := zone(t, "Europe/London"), zone(t, "America/New_York")
	lat, lng := 53.4668, -2.2469
	place := &hub.Place{Name: "Hulme Library", Slug: "hulme-library", Latitude: &lat, Longitude: &lng, PostalCode: "M15 5FQ"}
	if err := s.Places.CreatePlace(ctx, place); err != nil {
		t.Fatal(err)
	}
	end := time.Date(2027, 3, 30, 12, 0, 0, 0, london)
	events := []*hub.Event{
		{Title: "Drop-in", Slug: "drop-in", TimeZone: "Europe/London", Start: time.Date(2026, 10, 6, 10, 0, 0, 0, london), End: time.Date(2026, 10, 6, 12, 0, 0, 0, london),
			Recurrence: "FREQ=WEEKLY;BYDAY=TU", Exceptions: []string{"2026-12-22", "2026-12-29"}, SeriesEnd: &end, PlaceID: place.ID,
			Tags: []string{"Digital skills", "Older people"}, Organiser: "Hulme Digital", Accessibility: "Lift", BookingURL: "https://example.org/b", Description: "**Hi**"},
		{Title: "Call", Slug: "call", TimeZone: "America/New_York", Start: time.Date(2026, 11, 2, 18, 0, 0, 0, ny), End: time.Date(2026, 11, 2, 19, 0, 0, 0, ny), OnlineURL: "https://meet.example/x"},
		{Title: "Fun day", Slug: "fun-day", TimeZone: "Europe/London", AllDay: true, Start: time.Date(2026, 10, 10, 0, 0, 0, 0, london), End: time.Date(2026, 10, 12, 0, 0, 0, 0, london)},
	}
	for _, e := range events {
		if err := s.Events.CreateEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
		got, err := s.Events.FindEventBySlug(ctx, e.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Start.Equal(e.Start) || !got.End.Equal(e.End) || got.Start.Location().String() != e.TimeZone {
			t.Errorf("%s: start %v end %v, want %v %v", e.Title, got.Start, got.End, e.Start, e.End)
		}
		if got.AllDay != e.AllDay || got.Recurrence != e.Recurrence || strings.Join(got.Exceptions, ",") != strings.Join(e.Exceptions, ",") ||
			got.OnlineURL != e.OnlineURL || got.Organiser != e.Organiser || got.Accessibility != e.Accessibility || got.BookingURL != e.BookingURL || got.Description != e.Description {
			t.Errorf("%s: fields differ: %+v", e.Title, got)
		}
		if (got.SeriesEnd == nil) != (e.SeriesEnd == nil) || (got.SeriesEnd != nil && !got.SeriesEnd.Equal(*e.SeriesEnd)) {
			t.Errorf("%s: series end %v", e.Title, got.SeriesEnd)
		}
	}
	got, _ := s.Events.FindEventByID(ctx, events[0].ID)
	if got.Place == nil || got.Place.Name != "Hulme Library" || *got.Place.Latitude != lat {
		t.Errorf("place not loaded: %+v", got.Place)
	}
	if strings.Join(got.Tags, "|") != "Digital skills|Older people" {
		t.Errorf("tags %v", got.Tags)
	}
	if _, err := s.Events.FindEventByID(ctx, 999); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("missing event: %v", err)
	}
	// Update replaces fields and tags; delete removes.
	got.Title, got.Tags, got.PlaceID = "Drop-in (new)", []string{"Tenants"}, 0
	if err := s.Events.UpdateEvent(ctx, got); err != nil {
		t.Fatal(err)
	}
	again, _ := s.Events.FindEventByID(ctx, got.ID)
	if again.Title != "Drop-in (new)" || strings.Join(again.Tags, ",") != "Tenants" || again.Place != nil || again.Slug != "drop-in" {
		t.Errorf("after update %+v", again)
	}
	if err := s.Events.DeleteEvent(ctx, got.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Events.DeleteEvent(ctx, got.ID); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("deleting twice: %v", err)
	}
}

func testEventFilters(t *testing.T, open Opener) {
	s := open(t).Stores
	london := zone(t, "Europe/London")
	day := func(d, h int) time.Time { return time.Date(2026, 10, d, h, 0, 0, 0, london) }
	place := &hub.Place{Name: "Library", Slug: "library"}
	s.Places.CreatePlace(ctx, place)
	seriesEnd := day(20, 12)
	for _, e := range []*hub.Event{
		{Title: "One-off early", Slug: "early", Start: day(1, 10), End: day(1, 12), Tags: []string{"food"}},
		{Title: "One-off late", Slug: "late", Start: day(25, 10), End: day(25, 12), PlaceID: place.ID},
		{Title: "Endless weekly", Slug: "weekly", Start: day(2, 10), End: day(2, 11), Recurrence: "FREQ=WEEKLY", Tags: []string{"Food"}},
		{Title: "Ended series", Slug: "ended", Start: day(3, 10), End: day(3, 11), Recurrence: "FREQ=DAILY;COUNT=3", SeriesEnd: &seriesEnd},
		{Title: "100% fun_day", Slug: "fun", Start: day(28, 10), End: day(28, 11), Description: "Bouncy castle"},
	} {
		e.TimeZone = "Europe/London"
		if err := s.Events.CreateEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	tests := []filterCase[hub.EventFilter]{
		{"all by start", hub.EventFilter{}, "early weekly ended late fun", 5},
		{"window", hub.EventFilter{From: day(21, 0), To: day(26, 0)}, "weekly late", 2},
		{"window before series end", hub.EventFilter{From: day(10, 0), To: day(11, 0)}, "weekly ended", 2},
		{"tag", hub.EventFilter{Tag: "food"}, "early weekly", 2},
		{"place", hub.EventFilter{PlaceID: place.ID}, "late", 1},
		{"query", hub.EventFilter{Query: "one-off"}, "early late", 2},
		{"query escapes wildcards", hub.EventFilter{Query: "100%"}, "fun", 1},
		{"limit and offset", hub.EventFilter{Limit: 2, Offset: 1}, "weekly ended", 5},
		{"window is half-open", hub.EventFilter{From: day(1, 12), To: day(25, 10)}, "weekly ended", 2},
		{"window after everything but the endless series", hub.EventFilter{From: day(29, 0), To: day(30, 0)}, "weekly", 1},
		{"window before everything", hub.EventFilter{From: day(1, 0), To: day(1, 10)}, "", 0},
		{"query matches description", hub.EventFilter{Query: "BOUNCY"}, "fun", 1},
		{"tag and window", hub.EventFilter{Tag: "food", From: day(5, 0), To: day(6, 0)}, "weekly", 1},
		{"unknown tag", hub.EventFilter{Tag: "nothing"}, "", 0},
		{"offset past the end", hub.EventFilter{Limit: 2, Offset: 10}, "", 5},
	}
	checkFilters(t, tests, s.Events.FindEvents, func(_ *testing.T, e *hub.Event) string { return e.Slug })
}

func testEventZones(t *testing.T, open Opener) {
	s := open(t).Stores
	tests := []struct {
		zone       string
		start, end string // local wall-clock times
		allDay     bool
		rule       string
	}{
		{"Europe/London", "2026-10-24 19:00", "2026-10-24 21:30", false, "FREQ=WEEKLY;COUNT=3"}, // crosses the end of BST
		{"America/New_York", "2026-10-31 18:00", "2026-10-31 19:00", false, "FREQ=WEEKLY;COUNT=2"},
		{"Europe/London", "2026-03-29 00:00", "2026-03-30 00:00", true, ""}, // the 23-hour day
		{"Asia/Kolkata", "2026-11-02 09:30", "2026-11-02 10:00", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.zone+" "+tt.start, func(t *testing.T) {
			loc := zone(t, tt.zone)
			start, _ := time.ParseInLocation("2006-01-02 15:04", tt.start, loc)
			end, _ := time.ParseInLocation("2006-01-02 15:04", tt.end, loc)
			e := &hub.Event{Title: "E", TimeZone: tt.zone, Start: start.UTC(), End: end.UTC(), AllDay: tt.allDay, Recurrence: tt.rule}
			if err := e.Validate(); err != nil { // computes SeriesEnd as the Service does
				t.Fatal(err)
			}
			if err := s.Events.CreateEvent(ctx, e); err != nil {
				t.Fatal(err)
			}
			got, err := s.Events.FindEventByID(ctx, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Start.Format("2006-01-02 15:04 MST") != start.Format("2006-01-02 15:04 MST") || !got.End.Equal(end) {
				t.Errorf("start %v end %v, want %v %v", got.Start, got.End, start, end)
			}
			if got.SeriesEnd == nil || !got.SeriesEnd.Equal(*e.SeriesEnd) || got.AllDay != tt.allDay {
				t.Fatalf("series end %v, want %v", got.SeriesEnd, e.SeriesEnd)
			}
			for what, l := range map[string]*time.Location{"start": got.Start.Location(), "end": got.End.Location(), "series end": got.SeriesEnd.Location()} {
				if l.String() != tt.zone {
					t.Errorf("%s in %s, want %s", what, l, tt.zone)
				}
			}
			// Occurrences keep local wall-clock time across DST.
			for _, o := range got.Occurrences(start, start.AddDate(0, 1, 0), 0) {
				if o.Start.Format("15:04") != start.Format("15:04") {
					t.Errorf("occurrence at %v", o.Start)
				}
			}
		})
	}
}

func testConcurrentCreatesGetDistinctSlugs(t *testing.T, open Opener) {
	s := open(t).Stores
	start := time.Date(2026, 10, 6, 9, 0, 0, 0, time.UTC)
	const n = 12
	var wg sync.WaitGroup
	slugs := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			e := &hub.Event{Title: "Coffee", Slug: "coffee", TimeZone: "UTC", Start: start, End: start.Add(time.Hour), Tags: []string{"Social", fmt.Sprint("batch ", i%3)}}
			errs[i] = s.Events.CreateEvent(ctx, e)
			slugs[i] = e.Slug
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	sort.Strings(slugs)
	want := []string{"coffee"}
	for i := 2; i <= n; i++ {
		want = append(want, fmt.Sprint("coffee-", i))
	}
	sort.Strings(want)
	if strings.Join(slugs, " ") != strings.Join(want, " ") {
		t.Errorf("slugs %v", slugs)
	}
	if tag, err := s.Tags.FindTagBySlug(ctx, "social"); err != nil || tag.Uses != n {
		t.Errorf("social tag %+v %v", tag, err)
	}
}

func testSlugSuffixes(t *testing.T, open Opener) {
	s := open(t).Stores
	for _, slug := range []string{"coffee", "coffee-morning", "coffee-2", "coffee-3x", "coffee"} {
		if err := s.Places.CreatePlace(ctx, &hub.Place{Name: "P", Slug: slug}); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for range 2 {
		p := &hub.Place{Name: "P", Slug: "coffee"}
		if err := s.Places.CreatePlace(ctx, p); err != nil {
			t.Fatal(err)
		}
		got = append(got, p.Slug)
	}
	// coffee and coffee-2 were taken, then coffee-3 and coffee-4.
	if strings.Join(got, " ") != "coffee-4 coffee-5" {
		t.Errorf("slugs %v", got)
	}
	for _, tt := range []struct {
		create func(slug *string) error
		want   string
	}{
		{func(p *string) error {
			e := &hub.Event{TimeZone: "UTC"}
			err := s.Events.CreateEvent(ctx, e)
			*p = e.Slug
			return err
		}, "event"},
		{func(p *string) error {
			x := &hub.Place{Name: "x"}
			err := s.Places.CreatePlace(ctx, x)
			*p = x.Slug
			return err
		}, "place"},
		{func(p *string) error {
			x := &hub.Guide{Body: "b"}
			err := s.Guides.CreateGuide(ctx, x, &hub.GuideRevision{})
			*p = x.Slug
			return err
		}, "guide"},
		{func(p *string) error {
			x := &hub.CaseStudy{}
			err := s.CaseStudies.CreateCaseStudy(ctx, x)
			*p = x.Slug
			return err
		}, "case-study"},
	} {
		var slug string
		if err := tt.create(&slug); err != nil || slug != tt.want {
			t.Errorf("empty slug became %q (%v), want %q", slug, err, tt.want)
		}
	}
}

func testManyEventsLoadTheirTags(t *testing.T, open Opener) {
	s := open(t).Stores
	places := make([]*hub.Place, 3)
	for i := range places {
		places[i] = &hub.Place{Name: fmt.Sprint("Place ", i), Slug: fmt.Sprint("place-", i)}
		s.Places.CreatePlace(ctx, places[i])
	}
	start := time.Date(2026, 10, 6, 9, 0, 0, 0, time.UTC)
	const n = 620
	for i := range n {
		e := &hub.Event{Title: fmt.Sprint("Event ", i), TimeZone: "UTC", Start: start.Add(time.Duration(i) * time.Hour), End: start.Add(time.Duration(i)*time.Hour + 30*time.Minute),
			PlaceID: places[i%3].ID, Tags: []string{fmt.Sprint("tag ", i%7), "all"}}
		if err := s.Events.CreateEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	events, total, err := s.Events.FindEvents(ctx, hub.EventFilter{})
	if err != nil || total != n || len(events) != n {
		t.Fatalf("%d events (total %d): %v", len(events), total, err)
	}
	for i, e := range events {
		if e.Title != fmt.Sprint("Event ", i) {
			t.Fatalf("event %d is %q: not in start order", i, e.Title)
		}
		if want := fmt.Sprintf("all,tag %d", i%7); strings.Join(e.Tags, ",") != want || e.Place == nil || e.Place.ID != places[i%3].ID {
			t.Fatalf("%s: tags %v place %+v", e.Title, e.Tags, e.Place)
		}
	}
}

func testServiceOverStorage(t *testing.T, open Opener) {
	svc := hub.NewService(open(t).Stores, nil)
	svc.PasswordParams = &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	now := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	svc.Now = func() time.Time { return now }

	admin := &hub.Organiser{Email: "Ada@Example.org", Name: "Ada"}
	if err := svc.Bootstrap(ctx, admin, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	if err := svc.Bootstrap(ctx, &hub.Organiser{Email: "eve@example.org", Name: "Eve"}, "correct horse battery"); hub.ErrorCode(err) != hub.ECONFLICT {
		t.Errorf("second bootstrap: %v", err)
	}
	if _, _, err := svc.Login(ctx, "ada@example.org", "wrong password!"); hub.ErrorCode(err) != hub.EUNAUTHORIZED {
		t.Errorf("wrong password: %v", err)
	}
	_, cookie, err := svc.Login(ctx, "ADA@example.org", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	_, me, err := svc.SessionByToken(ctx, cookie)
	if err != nil || me.ID != admin.ID {
		t.Fatalf("session: %+v %v", me, err)
	}
	if err := svc.CreateOrganiser(hub.WithOrganiser(ctx, me), &hub.Organiser{Email: "ada@example.org", Name: "Ada 2", Role: hub.RoleEditor}, "another long password"); hub.ErrorFields(err)["email"] == "" {
		t.Errorf("duplicate organiser: %v", err)
	}
	_, secret, err := svc.CreateToken(hub.WithOrganiser(ctx, me), 0, "script")
	if err != nil {
		t.Fatal(err)
	}
	if o, err := svc.OrganiserByToken(ctx, secret); err != nil || o.ID != admin.ID {
		t.Fatalf("token: %v", err)
	}
	if tokens, _ := svc.ListTokens(hub.WithOrganiser(ctx, me)); len(tokens) != 1 || tokens[0].LastUsedAt == nil || !tokens[0].LastUsedAt.Equal(now) {
		t.Errorf("token use not recorded: %+v", tokens)
	}
	// Your own password changes only with the current one, and the change
	// logs the organiser out everywhere.
	if err := svc.SetPassword(hub.WithOrganiser(ctx, me), me.ID, "a new long password"); hub.ErrorFields(err)["password"] == "" {
		t.Errorf("an admin set their own password without the current one: %v", err)
	}
	if err := svc.ChangePassword(hub.WithOrganiser(ctx, me), "wrong password!", "a new long password"); hub.ErrorFields(err)["current_password"] == "" {
		t.Errorf("a wrong current password: %v", err)
	}
	if _, _, err := svc.SessionByToken(ctx, cookie); err != nil {
		t.Errorf("a refused change ended the session: %v", err)
	}
	if err := svc.ChangePassword(hub.WithOrganiser(ctx, me), "correct horse battery", "a new long password"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.SessionByToken(ctx, cookie); hub.ErrorCode(err) != hub.EUNAUTHORIZED {
		t.Errorf("session survived a password change: %v", err)
	}

	london := zone(t, "Europe/London")
	e := &hub.Event{Title: "Digital drop-in", TimeZone: "Europe/London", Start: time.Date(2026, 10, 20, 19, 0, 0, 0, london), End: time.Date(2026, 10, 20, 20, 0, 0, 0, london),
		Recurrence: "FREQ=WEEKLY;BYDAY=TU", Exceptions: []string{"2026-11-10"}, Tags: []string{"Digital skills"}, Place: &hub.Place{Name: "Zion Centre", Locality: "Hulme"}}
	if err := svc.CreateEvent(hub.WithOrganiser(ctx, me), e); err != nil {
		t.Fatal(err)
	}
	occ, err := svc.Occurrences(ctx, hub.OccurrenceFilter{From: time.Date(2026, 10, 21, 0, 0, 0, 0, london), To: time.Date(2026, 11, 18, 0, 0, 0, 0, london), Tag: "digital-skills"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range occ {
		got = append(got, o.Start.Format("2006-01-02 15:04 MST"))
	}
	if strings.Join(got, ", ") != "2026-10-27 19:00 GMT, 2026-11-03 19:00 GMT, 2026-11-17 19:00 GMT" {
		t.Errorf("occurrences %v", got)
	}
	if len(occ) == 0 || occ[0].Event.Place == nil || occ[0].Event.Place.Slug != "zion-centre" || occ[0].Event.Place.Locality != "Hulme" {
		t.Errorf("inline place not created: %+v", occ)
	}
	if e.SeriesEnd != nil {
		t.Errorf("an endless series has an end: %v", e.SeriesEnd)
	}
}
