package calendar_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/calendar"
)

// With no limit set, a feed is read up to 10 MB: a feed that never ends is
// refused with a message the organiser can act on, and the hub stops
// reading there instead of filling its memory.
func TestFetchDefaultSizeLimit(t *testing.T) {
	var written atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/calendar")
		io.WriteString(w, "BEGIN:VCALENDAR\r\n")
		line := []byte("X-PAD:" + strings.Repeat("x", 32<<10) + "\r\n")
		for r.Context().Err() == nil {
			n, err := w.Write(line)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	f := &calendar.Fetcher{Client: &http.Client{Timeout: 10 * time.Second}}
	start := time.Now()
	_, err := f.Fetch(context.Background(), srv.URL+"/endless.ics", "", "")
	if want := "is larger than 10 MB"; err == nil || !strings.Contains(hub.ErrorMessage(err), want) {
		t.Errorf("endless feed: %v, want %q", err, want)
	}
	srv.Close()
	t.Logf("refused in %v; the server wrote %d MB", time.Since(start), written.Load()>>20)
	if n := written.Load(); n > 20<<20 {
		t.Errorf("read %d bytes of the endless feed", n)
	}
}
