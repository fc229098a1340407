package storetest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

func ptr(f float64) *float64 { return &f }

func samePlace(a, b *hub.Place) bool {
	sameCoord := func(x, y *float64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return a.ID == b.ID && a.Slug == b.Slug && a.Name == b.Name && a.Description == b.Description && a.StreetAddress == b.StreetAddress &&
		a.Locality == b.Locality && a.Region == b.Region && a.PostalCode == b.PostalCode && a.Country == b.Country &&
		sameCoord(a.Latitude, b.Latitude) && sameCoord(a.Longitude, b.Longitude) && a.CreatedAt.Equal(b.CreatedAt)
}

func sameCaseStudy(a, b *hub.CaseStudy) bool {
	return a.ID == b.ID && a.Slug == b.Slug && a.Title == b.Title && a.Summary == b.Summary && a.Problem == b.Problem && a.Approach == b.Approach &&
		a.Tools == b.Tools && a.Outcome == b.Outcome && a.Lessons == b.Lessons && a.Organisation == b.Organisation && a.PlaceID == b.PlaceID &&
		a.Contact == b.Contact && strings.Join(a.Tags, "|") == strings.Join(b.Tags, "|") && a.CreatedAt.Equal(b.CreatedAt) && a.UpdatedAt.Equal(b.UpdatedAt)
}

func testPlaceRoundTrip(t *testing.T, open Opener) {
	s := open(t).Stores
	tests := []struct {
		name  string
		place hub.Place
	}{
		{"every field", hub.Place{Name: "Zion Centre", Slug: "zion-centre", Description: "Arts centre, *step-free*", StreetAddress: "335 Stretford Road",
			Locality: "Manchester", Region: "Greater Manchester", PostalCode: "M15 5ZA", Country: "GB", Latitude: ptr(53.4636), Longitude: ptr(-2.2512)}},
		{"no coordinates", hub.Place{Name: "Online or somewhere", Slug: "somewhere"}},
		{"coordinates at zero", hub.Place{Name: "Null Island", Slug: "null-island", Latitude: ptr(0), Longitude: ptr(0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.place
			if err := s.Places.CreatePlace(ctx, &p); err != nil {
				t.Fatal(err)
			}
			if p.ID == 0 || p.CreatedAt.IsZero() || !p.UpdatedAt.Equal(p.CreatedAt) {
				t.Errorf("create did not set ID and times: %+v", p)
			}
			got, err := s.Places.FindPlaceByID(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !samePlace(got, &p) {
				t.Errorf("got %+v, want %+v", got, p)
			}
		})
	}
	all, err := s.Places.FindPlaces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range all {
		names = append(names, p.Name)
	}
	if strings.Join(names, ", ") != "Null Island, Online or somewhere, Zion Centre" {
		t.Errorf("places by name: %v", names)
	}

	// An update can remove coordinates and keeps the slug.
	p, _ := s.Places.FindPlaceBySlug(ctx, "zion-centre")
	p.Name, p.Latitude, p.Longitude, p.Slug = "Zion Arts Centre", nil, nil, "ignored"
	if err := s.Places.UpdatePlace(ctx, p); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Places.FindPlaceByID(ctx, p.ID)
	if got.Name != "Zion Arts Centre" || got.Latitude != nil || got.Longitude != nil || got.Slug != "zion-centre" {
		t.Errorf("after update: %+v", got)
	}

	for _, err := range []error{
		func() error { _, err := s.Places.FindPlaceByID(ctx, 999); return err }(),
		func() error { _, err := s.Places.FindPlaceBySlug(ctx, "nowhere"); return err }(),
		s.Places.UpdatePlace(ctx, &hub.Place{ID: 999, Name: "x"}),
		s.Places.DeletePlace(ctx, 999),
	} {
		if hub.ErrorCode(err) != hub.ENOTFOUND || hub.ErrorMessage(err) == "" {
			t.Errorf("missing place: %v", err)
		}
	}
}

func testDeletePlaceInUse(t *testing.T, open Opener) {
	s := open(t).Stores
	london := zone(t, "Europe/London")
	p := &hub.Place{Name: "Hall", Slug: "hall"}
	if err := s.Places.CreatePlace(ctx, p); err != nil {
		t.Fatal(err)
	}
	var events []int64
	for i := range 2 {
		e := &hub.Event{Title: "E", TimeZone: "Europe/London", Start: time.Date(2026, 10, 6+i, 10, 0, 0, 0, london), End: time.Date(2026, 10, 6+i, 11, 0, 0, 0, london), PlaceID: p.ID}
		if err := s.Events.CreateEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
		events = append(events, e.ID)
	}
	c := &hub.CaseStudy{Title: "C", Problem: "p", PlaceID: p.ID}
	if err := s.CaseStudies.CreateCaseStudy(ctx, c); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		before func()
		want   string // message fragment; "" means the delete succeeds
	}{
		{func() {}, "(events: 2, case studies: 1)"},
		{func() { s.CaseStudies.DeleteCaseStudy(ctx, c.ID) }, "(events: 2, case studies: 0)"},
		{func() { s.Events.DeleteEvent(ctx, events[0]) }, "(events: 1, case studies: 0)"},
		{func() { s.Events.DeleteEvent(ctx, events[1]) }, ""},
	}
	for _, step := range steps {
		step.before()
		err := s.Places.DeletePlace(ctx, p.ID)
		if step.want == "" {
			if err != nil {
				t.Errorf("deleting an unused place: %v", err)
			}
			continue
		}
		if hub.ErrorCode(err) != hub.ECONFLICT || !strings.Contains(hub.ErrorMessage(err), step.want) {
			t.Errorf("got %v, want ECONFLICT mentioning %q", err, step.want)
		}
	}
	if _, err := s.Places.FindPlaceByID(ctx, p.ID); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("place still there: %v", err)
	}
}

func testTags(t *testing.T, open Opener) {
	s := open(t).Stores
	london := zone(t, "Europe/London")
	e := &hub.Event{Title: "E", TimeZone: "Europe/London", Start: time.Date(2026, 10, 6, 10, 0, 0, 0, london), End: time.Date(2026, 10, 6, 11, 0, 0, 0, london),
		Tags: []string{"Zines", "Café culture", "food bank"}}
	if err := s.Events.CreateEvent(ctx, e); err != nil {
		t.Fatal(err)
	}
	g := &hub.Guide{Title: "G", Body: "b", Tags: []string{"Food Bank", "cafe culture"}}
	if err := s.Guides.CreateGuide(ctx, g, &hub.GuideRevision{Title: "G", Body: "b"}); err != nil {
		t.Fatal(err)
	}
	c := &hub.CaseStudy{Title: "C", Problem: "p", Tags: []string{"FOOD BANK"}}
	if err := s.CaseStudies.CreateCaseStudy(ctx, c); err != nil {
		t.Fatal(err)
	}

	// Items carry the first spelling of each tag, ordered by name.
	gotEvent, _ := s.Events.FindEventByID(ctx, e.ID)
	gotGuide, _ := s.Guides.FindGuideByID(ctx, g.ID)
	gotStudy, _ := s.CaseStudies.FindCaseStudyByID(ctx, c.ID)
	for _, tt := range []struct{ item, got, want string }{
		{"event", strings.Join(gotEvent.Tags, "|"), "Café culture|food bank|Zines"},
		{"guide", strings.Join(gotGuide.Tags, "|"), "Café culture|food bank"},
		{"case study", strings.Join(gotStudy.Tags, "|"), "food bank"},
	} {
		if tt.got != tt.want {
			t.Errorf("%s tags %q, want %q", tt.item, tt.got, tt.want)
		}
	}

	tags, err := s.Tags.FindTags(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var summary []string
	for _, tag := range tags {
		summary = append(summary, fmt.Sprintf("%s=%s:%d", tag.Slug, tag.Name, tag.Uses))
	}
	if got := strings.Join(summary, " "); got != "cafe-culture=Café culture:2 food-bank=food bank:3 zines=Zines:1" {
		t.Errorf("tags %s", got)
	}

	// Re-tagging replaces the item's tags; the old tag stays, unused.
	e.Tags = []string{"Zines"}
	if err := s.Events.UpdateEvent(ctx, e); err != nil {
		t.Fatal(err)
	}
	if tag, _ := s.Tags.FindTagBySlug(ctx, "food-bank"); tag.Uses != 2 {
		t.Errorf("food bank used %d times after re-tagging, want 2", tag.Uses)
	}

	// Renaming keeps the slug; items show the new name.
	tag, _ := s.Tags.FindTagBySlug(ctx, "food-bank")
	tag.Name, tag.Description, tag.Slug = "Food banks", "Emergency food", "ignored"
	if err := s.Tags.UpdateTag(ctx, tag); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Tags.FindTagBySlug(ctx, "food-bank"); err != nil || got.Name != "Food banks" || got.Description != "Emergency food" {
		t.Errorf("after rename: %+v %v", got, err)
	}
	if got, _ := s.CaseStudies.FindCaseStudyByID(ctx, c.ID); strings.Join(got.Tags, "|") != "Food banks" {
		t.Errorf("case study tags after rename %v", got.Tags)
	}

	// Deleting removes it from every kind of item.
	if err := s.Tags.DeleteTag(ctx, tag.ID); err != nil {
		t.Fatal(err)
	}
	gotGuide, _ = s.Guides.FindGuideByID(ctx, g.ID)
	gotStudy, _ = s.CaseStudies.FindCaseStudyByID(ctx, c.ID)
	if strings.Join(gotGuide.Tags, "|") != "Café culture" || len(gotStudy.Tags) != 0 {
		t.Errorf("after delete: guide %v, case study %v", gotGuide.Tags, gotStudy.Tags)
	}
	if _, err := s.Tags.FindTagBySlug(ctx, "food-bank"); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("deleted tag found: %v", err)
	}
	if err := s.Tags.DeleteTag(ctx, tag.ID); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("deleting twice: %v", err)
	}
	if err := s.Tags.UpdateTag(ctx, &hub.Tag{ID: 999, Name: "x"}); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("updating a missing tag: %v", err)
	}
}

// testCreateTag: a topic made before any content uses it is found,
// listed with no uses, and taken up by content tagged with its name;
// a second one with the same slug is ECONFLICT and changes nothing.
func testCreateTag(t *testing.T, open Opener) {
	s := open(t).Stores
	tag := &hub.Tag{Slug: "repair-cafes", Name: "Repair cafés", Description: "Fixing things together"}
	if err := s.Tags.CreateTag(ctx, tag); err != nil || tag.ID == 0 {
		t.Fatalf("CreateTag: %v (id %d)", err, tag.ID)
	}
	got, err := s.Tags.FindTagBySlug(ctx, "repair-cafes")
	if err != nil || got.ID != tag.ID || got.Name != "Repair cafés" || got.Description != "Fixing things together" || got.Uses != 0 {
		t.Fatalf("created tag read back as %+v, %v", got, err)
	}
	dup := &hub.Tag{Slug: "repair-cafes", Name: "Repair cafes", Description: "other"}
	if err := s.Tags.CreateTag(ctx, dup); hub.ErrorCode(err) != hub.ECONFLICT {
		t.Fatalf("second tag with the same slug: %v, want ECONFLICT", err)
	}
	if got, _ := s.Tags.FindTagBySlug(ctx, "repair-cafes"); got.Name != "Repair cafés" || got.Description != "Fixing things together" {
		t.Errorf("the conflict changed the tag: %+v", got)
	}
	g := &hub.Guide{Title: "G", Body: "b", Tags: []string{"repair cafes"}}
	if err := s.Guides.CreateGuide(ctx, g, &hub.GuideRevision{Title: "G", Body: "b"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Guides.FindGuideByID(ctx, g.ID); strings.Join(got.Tags, "|") != "Repair cafés" {
		t.Errorf("guide tagged with the created topic carries %v, want its name", got.Tags)
	}
	all, err := s.Tags.FindTags(ctx)
	if err != nil || len(all) != 1 || all[0].Uses != 1 {
		t.Errorf("tags after use: %v %v", all, err)
	}
}

func testCaseStudyRoundTrip(t *testing.T, open Opener) {
	s := open(t).Stores
	p := &hub.Place{Name: "Hulme Library", Slug: "hulme-library"}
	if err := s.Places.CreatePlace(ctx, p); err != nil {
		t.Fatal(err)
	}
	c := &hub.CaseStudy{Slug: "rota", Title: "A shared rota", Summary: "How we stopped double-booking", Problem: "Clashes", Approach: "A spreadsheet",
		Tools: "LibreOffice", Outcome: "Fewer clashes", Lessons: "Start sooner", Organisation: "Hulme Food Bank", PlaceID: p.ID,
		Tags: []string{"Volunteers", "Food"}, Contact: "rota@example.org"}
	if err := s.CaseStudies.CreateCaseStudy(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, err := s.CaseStudies.FindCaseStudyBySlug(ctx, "rota")
	if err != nil {
		t.Fatal(err)
	}
	want := *c
	want.Tags = []string{"Food", "Volunteers"} // by name
	if !sameCaseStudy(got, &want) || got.Place == nil || got.Place.Name != "Hulme Library" {
		t.Errorf("got %+v\nwant %+v", got, want)
	}

	got.Title, got.Lessons, got.PlaceID, got.Tags = "A shared rota (2)", "", 0, nil
	if err := s.CaseStudies.UpdateCaseStudy(ctx, got); err != nil {
		t.Fatal(err)
	}
	again, _ := s.CaseStudies.FindCaseStudyByID(ctx, c.ID)
	if again.Title != "A shared rota (2)" || again.Lessons != "" || again.Place != nil || again.PlaceID != 0 || len(again.Tags) != 0 || again.Slug != "rota" || !again.CreatedAt.Equal(c.CreatedAt) {
		t.Errorf("after update %+v", again)
	}

	if err := s.CaseStudies.DeleteCaseStudy(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{
		s.CaseStudies.DeleteCaseStudy(ctx, c.ID),
		s.CaseStudies.UpdateCaseStudy(ctx, got),
		func() error { _, err := s.CaseStudies.FindCaseStudyByID(ctx, c.ID); return err }(),
	} {
		if hub.ErrorCode(err) != hub.ENOTFOUND {
			t.Errorf("missing case study: %v", err)
		}
	}
}

func testCaseStudyFilters(t *testing.T, open Opener) {
	s := open(t).Stores
	p := &hub.Place{Name: "Hall", Slug: "hall"}
	s.Places.CreatePlace(ctx, p)
	// Created in this order, listed newest first.
	for _, c := range []*hub.CaseStudy{
		{Slug: "first", Title: "Rota spreadsheet", Tags: []string{"volunteers"}},
		{Slug: "second", Title: "Repair café", PlaceID: p.ID},
		{Slug: "third", Title: "Volunteer rota app", Tags: []string{"Volunteers"}, PlaceID: p.ID},
	} {
		c.Problem = "p"
		if err := s.CaseStudies.CreateCaseStudy(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	tests := []filterCase[hub.CaseStudyFilter]{
		{"all, newest first", hub.CaseStudyFilter{}, "third second first", 3},
		{"tag", hub.CaseStudyFilter{Tag: "volunteers"}, "third first", 2},
		{"place", hub.CaseStudyFilter{PlaceID: p.ID}, "third second", 2},
		{"query", hub.CaseStudyFilter{Query: "ROTA"}, "third first", 2},
		{"tag and place", hub.CaseStudyFilter{Tag: "volunteers", PlaceID: p.ID}, "third", 1},
		{"page", hub.CaseStudyFilter{Limit: 1, Offset: 1}, "second", 3},
	}
	checkFilters(t, tests, s.CaseStudies.FindCaseStudies, func(t *testing.T, c *hub.CaseStudy) string {
		if c.PlaceID != 0 && (c.Place == nil || c.Place.ID != c.PlaceID) {
			t.Errorf("%s: place not loaded", c.Slug)
		}
		return c.Slug
	})
}

func testGuideFilters(t *testing.T, open Opener) {
	s := open(t).Stores
	for _, g := range []*hub.Guide{
		{Slug: "a", Title: "Running a rota", Tags: []string{"Volunteers"}},
		{Slug: "b", Title: "Printing zines"},
		{Slug: "c", Title: "Rota tools", Tags: []string{"volunteers", "Tools"}},
	} {
		g.Body = "b"
		if err := s.Guides.CreateGuide(ctx, g, &hub.GuideRevision{Title: g.Title, Body: "b"}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []filterCase[hub.GuideFilter]{
		{"all, newest first", hub.GuideFilter{}, "c b a", 3},
		{"tag", hub.GuideFilter{Tag: "volunteers"}, "c a", 2},
		{"query", hub.GuideFilter{Query: "rota"}, "c a", 2},
		{"query escapes wildcards", hub.GuideFilter{Query: "r_ta"}, "", 0},
		{"page", hub.GuideFilter{Limit: 2}, "c b", 3},
		{"second page", hub.GuideFilter{Limit: 2, Offset: 2}, "a", 3},
	}
	checkFilters(t, tests, s.Guides.FindGuides, func(_ *testing.T, g *hub.Guide) string { return g.Slug })
	c, _ := s.Guides.FindGuideBySlug(ctx, "c")
	if strings.Join(c.Tags, "|") != "Tools|Volunteers" || c.Revision != 1 {
		t.Errorf("guide c: %+v", c)
	}
}

func testGuideRevisions(t *testing.T, open Opener) {
	s := open(t).Stores
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
