package calendar

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzParse: any bytes are a calendar whose broken events are skipped with
// a reason, or ErrNotCalendar; never a panic, never an endless series.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.ics")
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20270101T100000Z\r\nRRULE:FREQ=SECONDLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"))
	now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, b []byte) {
		res, err := ParseBytes(b, Options{Now: now, Months: 2})
		if err != nil {
			return
		}
		if n := len(res.Items); n > 20*MaxOccurrences {
			t.Fatalf("%d events from %d bytes", n, len(b))
		}
	})
}
