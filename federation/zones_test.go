package federation

import (
	"github.com/commonplace-hub/commonplace/locales"
	"testing"
	"time"
)

// TestWhenTextAt: the federated summary line names both clocks when the
// event's is not the hub's, and stays as it was when they agree (so
// unchanged events are not sent again).
func TestWhenTextAt(t *testing.T) {
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	english := cat.In(locales.Source)
	london, _ := time.LoadLocation("Europe/London")
	ny, _ := time.LoadLocation("America/New_York")
	dublin, _ := time.LoadLocation("Europe/Dublin")
	tests := []struct {
		name       string
		start, end time.Time
		allDay     bool
		here       *time.Location
		want       string
	}{
		{"same zone", time.Date(2026, 10, 6, 19, 0, 0, 0, london), time.Date(2026, 10, 6, 21, 0, 0, 0, london), false, london,
			"Tuesday 6 October 2026, 19:00–21:00 (Europe/London)"},
		{"another zone on the same clock", time.Date(2026, 10, 6, 19, 0, 0, 0, dublin), time.Date(2026, 10, 6, 21, 0, 0, 0, dublin), false, london,
			"Tuesday 6 October 2026, 19:00–21:00 (Europe/Dublin)"},
		{"New York on a London hub", time.Date(2026, 10, 8, 9, 0, 0, 0, ny), time.Date(2026, 10, 8, 10, 0, 0, 0, ny), false, london,
			"Thursday 8 October 2026, 09:00–10:00 New York time (Thursday 8 October 2026, 14:00–15:00 London time)"},
		{"the next day here", time.Date(2026, 10, 8, 21, 0, 0, 0, ny), time.Date(2026, 10, 8, 22, 0, 0, 0, ny), false, london,
			"Thursday 8 October 2026, 21:00–22:00 New York time (Friday 9 October 2026, 02:00–03:00 London time)"},
		{"all day", time.Date(2026, 10, 8, 0, 0, 0, 0, ny), time.Date(2026, 10, 9, 0, 0, 0, 0, ny), true, london,
			"Thursday 8 October 2026 (all day)"},
		{"no hub zone", time.Date(2026, 10, 8, 9, 0, 0, 0, ny), time.Date(2026, 10, 8, 10, 0, 0, 0, ny), false, nil,
			"Thursday 8 October 2026, 09:00–10:00 (America/New_York)"},
	}
	for _, tt := range tests {
		if got := whenTextAt(english, tt.start, tt.end, tt.allDay, tt.start.Location().String(), tt.here); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}
