package ical

import (
	"bytes"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// benchEvents is a year of a busy hub: n events in five zones, a third of
// them weekly series with skipped dates, one in ten all-day, each with a
// place, topics and a paragraph of description.
func benchEvents(b *testing.B, n int) []*hub.Event {
	zones := []string{"Europe/London", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Tokyo"}
	lat, lng := 53.4668, -2.2469
	place := &hub.Place{ID: 1, Name: "Hulme Community Centre", StreetAddress: "12 Hulme High Street", Locality: "Manchester",
		PostalCode: "M15 5JS", Latitude: &lat, Longitude: &lng}
	desc := "Bring your phone, tablet or laptop, or borrow one of ours, and get friendly help with whatever you want to do online:\n\n" +
		"- setting up email\n- booking appointments\n- video calls with family\n\nNo need to book; tea provided. Café ☕ upstairs."
	events := make([]*hub.Event, n)
	for i := range events {
		loc := mustZone(zones[i%len(zones)])
		start := time.Date(2026, 1, 1, 10, 0, 0, 0, loc).AddDate(0, 0, i%365).Add(time.Duration(i%9) * time.Hour)
		e := hub.Event{
			ID: int64(i + 1), Slug: fmt.Sprintf("event-%d", i+1), Title: fmt.Sprintf("Community event %d, with tea; and cake", i+1),
			Description: desc, TimeZone: loc.String(), Start: start, End: start.Add(2 * time.Hour),
			Place: place, PlaceID: 1, Tags: []string{"Digital skills", "Age friendly"}, Organiser: "Hulme Digital Buddies",
			CreatedAt: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2025, 12, 2, 0, 0, 0, 0, time.UTC),
		}
		switch {
		case i%10 == 0:
			e.AllDay = true
			e.Start = time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, loc)
			e.End = e.Start.AddDate(0, 0, 1)
		case i%3 == 0:
			e.Recurrence = "FREQ=WEEKLY;UNTIL=" + start.AddDate(0, 6, 0).Format("20060102") + "T235959"
			e.Exceptions = []string{start.AddDate(0, 0, 14).Format("2006-01-02"), start.AddDate(0, 0, 35).Format("2006-01-02")}
		}
		events[i] = &e
	}
	return events
}

// BenchmarkWrite exports 5,000 events as one calendar, as /calendar.ics
// does for a large hub (the database query is not included).
func BenchmarkWrite(b *testing.B) {
	events := benchEvents(b, 5000)
	cal := testCalendar()
	var size bytes.Buffer
	if err := Write(&size, cal, events); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(size.Len()))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := Write(io.Discard, cal, events); err != nil {
			b.Fatal(err)
		}
	}
}
