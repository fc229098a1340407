package calendar_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub/calendar"
)

// benchFeed generates a feed of n VEVENTs like a busy partner's: four in
// five one-off (timed in Europe/London, some in UTC, some all-day), one
// in five a weekly series with an EXDATE, and one series in ten with a
// moved occurrence (RECURRENCE-ID override), spread over the year after
// testNow.
func benchFeed(n int) []byte {
	var b bytes.Buffer
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Commonplace//bench//EN\r\nX-WR-CALNAME:Benchmark\r\nX-WR-TIMEZONE:Europe/London\r\n")
	start := testNow.AddDate(0, 0, 1)
	for i := range n {
		day := start.AddDate(0, 0, i%360)
		uid := "bench-" + strconv.Itoa(i) + "@example.org"
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20261001T000000Z\r\nSUMMARY:Session %d\\, room %d\r\n", uid, i, i%7)
		fmt.Fprintf(&b, "DESCRIPTION:Bring a friend. Tea and biscuits\\, step-free access.\\nhttps://example.org/e/%d\r\nLOCATION:Community Hall\\, 1 High Street\r\nCATEGORIES:Community,Week %d\r\n", i, i%52)
		switch {
		case i%5 == 0:
			fmt.Fprintf(&b, "DTSTART;TZID=Europe/London:%sT190000\r\nDTEND;TZID=Europe/London:%sT210000\r\nRRULE:FREQ=WEEKLY;COUNT=20\r\nEXDATE;TZID=Europe/London:%sT190000\r\n",
				day.Format("20060102"), day.Format("20060102"), day.AddDate(0, 0, 14).Format("20060102"))
			if i%10 == 0 {
				fmt.Fprintf(&b, "END:VEVENT\r\nBEGIN:VEVENT\r\nUID:%s\r\nSUMMARY:Session %d (moved)\r\nRECURRENCE-ID;TZID=Europe/London:%sT190000\r\nDTSTART;TZID=Europe/London:%sT180000\r\nDTEND;TZID=Europe/London:%sT200000\r\n",
					uid, i, day.AddDate(0, 0, 7).Format("20060102"), day.AddDate(0, 0, 8).Format("20060102"), day.AddDate(0, 0, 8).Format("20060102"))
			}
		case i%5 == 1:
			fmt.Fprintf(&b, "DTSTART;VALUE=DATE:%s\r\nDTEND;VALUE=DATE:%s\r\n", day.Format("20060102"), day.AddDate(0, 0, 1).Format("20060102"))
		case i%5 == 2:
			fmt.Fprintf(&b, "DTSTART:%sT100000Z\r\nDURATION:PT1H30M\r\n", day.Format("20060102"))
		default:
			fmt.Fprintf(&b, "DTSTART;TZID=Europe/London:%sT140000\r\nDTEND;TZID=Europe/London:%sT160000\r\n", day.Format("20060102"), day.Format("20060102"))
		}
		b.WriteString("END:VEVENT\r\n")
	}
	b.WriteString("END:VCALENDAR\r\n")
	return b.Bytes()
}

// peakHeap samples the live heap until stopped and returns its maximum.
func peakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	return func() uint64 { close(done); wg.Wait(); return peak.Load() }
}

// vmHWM is the process's peak resident memory (Linux), in bytes, or 0.
func vmHWM() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// BenchmarkParse5000 reads and expands the 5,000-event feed.
func BenchmarkParse5000(b *testing.B) {
	feed := benchFeed(5000)
	b.SetBytes(int64(len(feed)))
	b.ReportAllocs()
	stop := peakHeap()
	var res *calendar.Result
	for b.Loop() {
		var err error
		res, err = calendar.ParseBytes(feed, calendar.Options{Now: testNow, DefaultZone: "Europe/London"})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(stop())/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(len(res.Items)), "hub-events")
	if len(res.Skipped) != 0 {
		b.Fatalf("skipped: %v", res.Skipped[0])
	}
}

// BenchmarkImport5000 imports the feed into an empty hub (real SQLite file,
// every event created through hub.Service), then refreshes it unchanged.
func BenchmarkImport5000(b *testing.B) {
	feed := benchFeed(5000)
	b.SetBytes(int64(len(feed)))
	stop := peakHeap()
	var first, second time.Duration
	for b.Loop() {
		b.StopTimer()
		h := newCalendarHub(b, nil)
		b.StartTimer()
		t0 := time.Now()
		rep, err := h.cals.Import(h.host, "bench.ics", feed, nil)
		if err != nil {
			b.Fatal(err)
		}
		first += time.Since(t0)
		if rep.Created < 5000 || len(rep.Skipped) != 0 {
			b.Fatalf("first import: %+v", rep.Summary())
		}
		t0 = time.Now()
		rep, err = h.cals.Import(h.host, "bench.ics", feed, nil)
		if err != nil || rep.Created+rep.Updated != 0 {
			b.Fatalf("second import: %v %s", err, rep.Summary())
		}
		second += time.Since(t0)
		b.StopTimer()
		h.db.Close()
		b.StartTimer()
	}
	b.ReportMetric(first.Seconds()/float64(b.N), "s/first-import")
	b.ReportMetric(second.Seconds()/float64(b.N), "s/unchanged-import")
	b.ReportMetric(float64(stop())/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(vmHWM())/(1<<20), "peak-RSS-MiB")
}
