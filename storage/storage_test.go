package storage_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/storage"
)

var ctx = context.Background()

func mustOpen(t *testing.T, path string) *storage.DB {
	t.Helper()
	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func mustOpenDB(t *testing.T) hub.Stores {
	return mustOpen(t, filepath.Join(t.TempDir(), "hub.db")).Stores()
}

func zone(t *testing.T, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestOpenMigratesOnceAndKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "hub.db")
	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := db.SchemaVersion(ctx)
	if v != storage.KnownSchemaVersion() || v < 1 {
		t.Fatalf("schema version %d, binary knows %d", v, storage.KnownSchemaVersion())
	}
	p := &hub.Place{Name: "Zion Centre", Slug: "zion-centre"}
	if err := db.Stores().Places.CreatePlace(ctx, p); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = mustOpen(t, path)
	if got, err := db.Stores().Places.FindPlaceBySlug(ctx, "zion-centre"); err != nil || got.Name != "Zion Centre" {
		t.Fatalf("after reopening: %v %v", got, err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hub.db")
	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Stores().Settings.UpdateSettings(ctx, hub.DefaultSettings()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	// Pretend a future commonplace migrated this file.
	raw := mustOpenRaw(t, path)
	if _, err := raw.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	_, err = storage.Open(ctx, path)
	if err == nil || !strings.Contains(err.Error(), "newer than this commonplace") {
		t.Fatalf("opening a newer database: %v", err)
	}
}

func TestEventRoundTrip(t *testing.T) {
	s := mustOpenDB(t)
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

func TestSlugsAreUnique(t *testing.T) {
	s := mustOpenDB(t)
	london := zone(t, "Europe/London")
	var slugs []string
	for i := 0; i < 3; i++ {
		e := &hub.Event{Title: "Coffee", Slug: "coffee", TimeZone: "Europe/London", Start: time.Date(2026, 10, 6, 10, 0, 0, 0, london), End: time.Date(2026, 10, 6, 11, 0, 0, 0, london)}
		if err := s.Events.CreateEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
		slugs = append(slugs, e.Slug)
	}
	g := &hub.Guide{Title: "!!!", Body: "x"}
	if err := s.Guides.CreateGuide(ctx, g, &hub.GuideRevision{Title: "!!!", Body: "x"}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(slugs, " ") != "coffee coffee-2 coffee-3" || g.Slug != "guide" {
		t.Errorf("slugs %v, guide %q", slugs, g.Slug)
	}
}

func TestEventFilters(t *testing.T) {
	s := mustOpenDB(t)
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
		{Title: "100% fun_day", Slug: "fun", Start: day(28, 10), End: day(28, 11)},
	} {
		e.TimeZone = "Europe/London"
		if err := s.Events.CreateEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name  string
		f     hub.EventFilter
		want  string
		total int
	}{
		{"all by start", hub.EventFilter{}, "early weekly ended late fun", 5},
		{"window", hub.EventFilter{From: day(21, 0), To: day(26, 0)}, "weekly late", 2},
		{"window before series end", hub.EventFilter{From: day(10, 0), To: day(11, 0)}, "weekly ended", 2},
		{"tag", hub.EventFilter{Tag: "food"}, "early weekly", 2},
		{"place", hub.EventFilter{PlaceID: place.ID}, "late", 1},
		{"query", hub.EventFilter{Query: "one-off"}, "early late", 2},
		{"query escapes wildcards", hub.EventFilter{Query: "100%"}, "fun", 1},
		{"limit and offset", hub.EventFilter{Limit: 2, Offset: 1}, "weekly ended", 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := s.Events.FindEvents(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var slugs []string
			for _, e := range got {
				slugs = append(slugs, e.Slug)
			}
			if strings.Join(slugs, " ") != tt.want || total != tt.total {
				t.Errorf("got %v (total %d), want %s (total %d)", slugs, total, tt.want, tt.total)
			}
		})
	}
}

func TestTagsAndPlaces(t *testing.T) {
	s := mustOpenDB(t)
	london := zone(t, "Europe/London")
	p := &hub.Place{Name: "Hall", Slug: "hall"}
	s.Places.CreatePlace(ctx, p)
	e := &hub.Event{Title: "E", Slug: "e", TimeZone: "Europe/London", Start: time.Date(2026, 10, 6, 10, 0, 0, 0, london), End: time.Date(2026, 10, 6, 11, 0, 0, 0, london), PlaceID: p.ID, Tags: []string{"Food Bank", "#ignored-later"}}
	s.Events.CreateEvent(ctx, e)
	g := &hub.Guide{Title: "G", Body: "b", Tags: []string{"food bank"}}
	s.Guides.CreateGuide(ctx, g, &hub.GuideRevision{Title: "G", Body: "b"})
	tag, err := s.Tags.FindTagBySlug(ctx, "food-bank")
	if err != nil || tag.Name != "Food Bank" || tag.Uses != 2 {
		t.Fatalf("tag %+v %v (first spelling kept, used twice)", tag, err)
	}
	if err := s.Places.DeletePlace(ctx, p.ID); hub.ErrorCode(err) != hub.ECONFLICT || !strings.Contains(hub.ErrorMessage(err), "1 event") {
		t.Fatalf("deleting a used place: %v", err)
	}
	if err := s.Tags.DeleteTag(ctx, tag.ID); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Guides.FindGuideByID(ctx, g.ID)
	if len(got.Tags) != 0 {
		t.Errorf("deleted tag still on guide: %v", got.Tags)
	}
	s.Events.DeleteEvent(ctx, e.ID)
	if err := s.Places.DeletePlace(ctx, p.ID); err != nil {
		t.Fatalf("deleting an unused place: %v", err)
	}
}

func TestGuideRevisions(t *testing.T) {
	s := mustOpenDB(t)
	g := &hub.Guide{Title: "Rota", Body: "v1", Tags: []string{"volunteers"}}
	if err := s.Guides.CreateGuide(ctx, g, &hub.GuideRevision{Title: "Rota", Body: "v1", Tags: g.Tags, Author: "Ada", Note: "Created"}); err != nil {
		t.Fatal(err)
	}
	g.Body = "v2"
	if err := s.Guides.UpdateGuide(ctx, g, &hub.GuideRevision{Title: "Rota", Body: "v2", Author: "Eddie"}); err != nil {
		t.Fatal(err)
	}
	if g.Revision != 2 {
		t.Fatalf("revision %d", g.Revision)
	}
	revs, err := s.Guides.FindGuideRevisions(ctx, g.ID)
	if err != nil || len(revs) != 2 || revs[0].Number != 2 || revs[1].Body != "v1" || revs[1].Author != "Ada" || strings.Join(revs[1].Tags, ",") != "volunteers" {
		t.Fatalf("revisions %+v %v", revs, err)
	}
	if _, err := s.Guides.FindGuideRevision(ctx, g.ID, 7); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("missing revision: %v", err)
	}
	if err := s.Guides.UpdateGuide(ctx, &hub.Guide{ID: 999, Title: "x", Body: "y"}, &hub.GuideRevision{}); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("updating a missing guide: %v", err)
	}
	s.Guides.DeleteGuide(ctx, g.ID)
	if revs, _ := s.Guides.FindGuideRevisions(ctx, g.ID); len(revs) != 0 {
		t.Error("revisions outlived their guide")
	}
}

func TestPeopleSessionsTokensSettings(t *testing.T) {
	s := mustOpenDB(t)
	o := &hub.Organiser{Email: "Ada@Example.org", Name: "Ada", Role: hub.RoleAdmin, PasswordHash: "h"}
	if err := s.Organisers.CreateOrganiser(ctx, o); err != nil {
		t.Fatal(err)
	}
	err := s.Organisers.CreateOrganiser(ctx, &hub.Organiser{Email: "ada@example.ORG", Name: "Again", Role: hub.RoleEditor, PasswordHash: "h"})
	if hub.ErrorCode(err) != hub.ECONFLICT || hub.ErrorFields(err)["email"] == "" {
		t.Fatalf("duplicate email: %v", err)
	}
	if got, err := s.Organisers.FindOrganiserByEmail(ctx, " ADA@example.org"); err != nil || got.ID != o.ID {
		t.Fatalf("find by email: %v", err)
	}
	now := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	sess := &hub.Session{TokenHash: "abc", OrganiserID: o.ID, CSRFToken: "c", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := s.Sessions.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Sessions.FindSession(ctx, "abc", now.Add(59*time.Minute)); err != nil || got.CSRFToken != "c" {
		t.Fatalf("live session: %v", err)
	}
	if _, err := s.Sessions.FindSession(ctx, "abc", now.Add(61*time.Minute)); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("expired session found: %v", err)
	}
	tok := &hub.APIToken{OrganiserID: o.ID, Name: "script", Hash: "hash1"}
	if err := s.Tokens.CreateToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	s.Tokens.TouchToken(ctx, tok.ID, now)
	if got, _ := s.Tokens.FindTokenByHash(ctx, "hash1"); got.LastUsedAt == nil || !got.LastUsedAt.Equal(now) {
		t.Errorf("touch not recorded: %v", got.LastUsedAt)
	}
	// Deleting the organiser removes their sessions and tokens.
	if err := s.Organisers.DeleteOrganiser(ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Tokens.FindTokenByHash(ctx, "hash1"); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Error("token outlived its organiser")
	}
	if _, err := s.Sessions.FindSession(ctx, "abc", now); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Error("session outlived its organiser")
	}

	st, err := s.Settings.FindSettings(ctx)
	if err != nil || st.Name != hub.DefaultSettings().Name {
		t.Fatalf("default settings: %+v %v", st, err)
	}
	if _, _, err := s.Settings.FindLogo(ctx); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("no logo yet: %v", err)
	}
	png := []byte("\x89PNG\r\n\x1a\n....")
	if err := s.Settings.UpdateLogo(ctx, png, "image/png"); err != nil {
		t.Fatal(err)
	}
	st.Name = "Hulme Hub"
	if err := s.Settings.UpdateSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	st, _ = s.Settings.FindSettings(ctx)
	data, mime, _ := s.Settings.FindLogo(ctx)
	if st.Name != "Hulme Hub" || st.LogoType != "image/png" || string(data) != string(png) || mime != "image/png" {
		t.Errorf("settings %+v logo %q %s", st, data, mime)
	}
	s.Settings.UpdateLogo(ctx, nil, "")
	if st, _ := s.Settings.FindSettings(ctx); st.LogoType != "" {
		t.Error("logo not removed")
	}
}

// TestServiceWiring drives the hub service over real storage: an event at
// a new place with a weekly rule expands to local-time occurrences.
func TestServiceWiring(t *testing.T) {
	svc := hub.NewService(mustOpenDB(t), nil)
	london := zone(t, "Europe/London")
	e := &hub.Event{Title: "Digital drop-in", TimeZone: "Europe/London", Start: time.Date(2026, 10, 20, 19, 0, 0, 0, london), End: time.Date(2026, 10, 20, 20, 0, 0, 0, london),
		Recurrence: "FREQ=WEEKLY;COUNT=3", Place: &hub.Place{Name: "Zion Centre"}}
	if err := svc.CreateEvent(hub.HostContext(ctx), e); err != nil {
		t.Fatal(err)
	}
	occ, err := svc.Occurrences(ctx, hub.OccurrenceFilter{From: time.Date(2026, 10, 1, 0, 0, 0, 0, london), To: time.Date(2026, 12, 1, 0, 0, 0, 0, london)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range occ {
		got = append(got, o.Start.Format("2006-01-02 15:04 MST"))
	}
	if strings.Join(got, ", ") != "2026-10-20 19:00 BST, 2026-10-27 19:00 GMT, 2026-11-03 19:00 GMT" {
		t.Errorf("occurrences %v", got)
	}
	if occ[0].Event.Place == nil || occ[0].Event.Place.Slug != "zion-centre" {
		t.Errorf("inline place not created: %+v", occ[0].Event.Place)
	}
}
