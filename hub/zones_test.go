package hub_test

import (
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

func TestZoneCity(t *testing.T) {
	for name, want := range map[string]string{
		"America/New_York": "New York", "America/Argentina/Buenos_Aires": "Buenos Aires", "UTC": "UTC", "Etc/GMT+5": "Etc/GMT+5", "Europe/London": "London",
	} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		if got := hub.ZoneCity(loc); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
}

func TestSameClock(t *testing.T) {
	london, _ := time.LoadLocation("Europe/London")
	dublin, _ := time.LoadLocation("Europe/Dublin")
	ny, _ := time.LoadLocation("America/New_York")
	at := time.Date(2026, 10, 6, 12, 0, 0, 0, time.UTC)
	if !hub.SameClock(at, london, dublin) || hub.SameClock(at, london, ny) || hub.SameClock(at, london, time.UTC) {
		t.Error("London and Dublin share clocks in October, London and New York or UTC do not")
	}
	if !hub.SameClock(time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC), london, time.UTC) {
		t.Error("London is on UTC in December")
	}
}

func TestRemoteItemAllDay(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	at := func(d, h int) *time.Time { t := time.Date(2030, 6, d, h, 0, 0, 0, berlin); return &t }
	tests := []struct {
		name       string
		start, end *time.Time
		zone       string
		want       bool
	}{
		{"one day", at(15, 0), at(16, 0), "Europe/Berlin", true},
		{"two days", at(15, 0), at(17, 0), "Europe/Berlin", true},
		{"midnight in another zone is not", at(15, 0), at(16, 0), "Europe/London", false},
		{"an evening", at(15, 19), at(15, 21), "Europe/Berlin", false},
		{"no end", at(15, 0), nil, "Europe/Berlin", false},
		{"no length", at(15, 0), at(15, 0), "Europe/Berlin", false},
	}
	for _, tt := range tests {
		it := &hub.RemoteItem{StartsAt: tt.start, EndsAt: tt.end, TimeZone: tt.zone}
		if got := it.AllDay(); got != tt.want {
			t.Errorf("%s: all day %v, want %v", tt.name, got, tt.want)
		}
	}
}
