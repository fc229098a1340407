package main

import (
	"bytes"
	"context"
	"flag"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// runInProcess runs a command line without a database, for help and usage.
func runInProcess(args ...string) (stdout, stderr string, code int) {
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &stdio{
		stdin: strings.NewReader(""), stdout: &out, stderr: &errOut,
		getenv: func(string) string { return "" },
	})
	return out.String(), errOut.String(), code
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"help"}, {"-h"}} {
		out, _, code := runInProcess(args...)
		if code != 0 {
			t.Errorf("%v: exit %d", args, code)
		}
		// Every leaf command is listed with its summary.
		for _, line := range []string{
			"serve                         Run the hub's web server",
			"event add ", "event edit SLUG", "guide restore SLUG REVISION", "case-study add",
			"place delete SLUG", "topic edit SLUG", "topic add NAME", "'topic' also answers to the older name 'tag'.", "settings set", "token create", "organiser password", "version",
		} {
			if !strings.Contains(out, line) {
				t.Errorf("%v: help lacks %q", args, line)
			}
		}
	}

	out, _, code := runInProcess("event", "add", "--help")
	if code != 0 || !strings.Contains(out, "--title TITLE") || !strings.Contains(out, "the LAST day, inclusive") || !strings.Contains(out, "Common flags:\n  --config FILE") {
		t.Errorf("event add --help: exit %d\n%s", code, out)
	}
	out, _, code = runInProcess("help", "guide")
	if code != 0 || !strings.Contains(out, "revisions SLUG") {
		t.Errorf("help guide: exit %d\n%s", code, out)
	}
	out, _, code = runInProcess("help", "serve")
	if code != 0 || !strings.Contains(out, "--demo") || !strings.Contains(out, `(default "127.0.0.1:8080")`) {
		t.Errorf("help serve: exit %d\n%s", code, out)
	}
	if out, _, code := runInProcess("version"); code != 0 || !strings.HasPrefix(out, "commonplace ") {
		t.Errorf("version: exit %d %q", code, out)
	}

	for _, args := range [][]string{{}, {"nope"}, {"event"}, {"event", "nope"}, {"help", "nope"}} {
		if _, stderr, code := runInProcess(args...); code != exitUsage || stderr == "" {
			t.Errorf("%q: exit %d, stderr %q", args, code, stderr)
		}
	}
}

func TestParseWhen(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		in     string
		allDay bool
		want   time.Time
		msg    string
	}{
		{"2026-12-01 19:00", false, time.Date(2026, 12, 1, 19, 0, 0, 0, london), ""},
		{"2026-07-01T09:30", false, time.Date(2026, 7, 1, 9, 30, 0, 0, london), ""}, // summer time
		{" 2026-12-01 19:00 ", false, time.Date(2026, 12, 1, 19, 0, 0, 0, london), ""},
		{"2026-12-01", true, time.Date(2026, 12, 1, 0, 0, 0, 0, london), ""},
		{"2026-12-01 19:00", true, time.Date(2026, 12, 1, 0, 0, 0, 0, london), ""},
		{"", false, time.Time{}, ""},
		{"2026-12-01", false, time.Time{}, "Give a time as well"},
		{"tomorrow", false, time.Time{}, "Write the time as YYYY-MM-DD HH:MM"},
		{"01/12/2026", true, time.Time{}, "Write the date as YYYY-MM-DD"},
		{"2026-02-30 10:00", false, time.Time{}, "Write the time"},
	}
	for _, tc := range cases {
		got, msg := parseWhen(tc.in, london, tc.allDay)
		if !got.Equal(tc.want) || !strings.HasPrefix(msg, tc.msg) || (tc.msg == "") != (msg == "") {
			t.Errorf("parseWhen(%q, allDay=%v) = %s, %q; want %s, %q", tc.in, tc.allDay, got, msg, tc.want, tc.msg)
		}
	}
}

func TestParseInterspersed(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "")
	title := fs.String("title", "", "")
	pos, err := parseInterspersed(fs, []string{"slug", "--json", "--title", "A title", "second", "--", "--third"})
	if err != nil {
		t.Fatal(err)
	}
	if !*asJSON || *title != "A title" || !slices.Equal(pos, []string{"slug", "second", "--third"}) {
		t.Errorf("json=%v title=%q positional=%q", *asJSON, *title, pos)
	}
}

func TestPublicURL(t *testing.T) {
	bound := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 41234}
	cases := []struct {
		raw   string
		bound net.Addr
		want  string
		ok    bool
	}{
		{"", bound, "http://localhost:41234", true},
		{"", &net.TCPAddr{IP: net.IPv4zero, Port: 8080}, "http://localhost:8080", true},
		{"", &net.TCPAddr{IP: net.IPv4(192, 0, 2, 7), Port: 80}, "http://192.0.2.7:80", true},
		{"https://hub.example.org", bound, "https://hub.example.org", true},
		{"https://example.org/hub/", bound, "https://example.org/hub/", true},
		{"hub.example.org", bound, "", false},
		{"ftp://hub.example.org", bound, "", false},
		{"https://hub.example.org/?x=1", bound, "", false},
	}
	for _, tc := range cases {
		u, err := publicURL(tc.raw, tc.bound)
		if (err == nil) != tc.ok || (tc.ok && u.String() != tc.want) {
			t.Errorf("publicURL(%q, %s) = %v, %v; want %q", tc.raw, tc.bound, u, err, tc.want)
		}
	}
}

func TestRandomPassword(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		pw := randomPassword()
		if len(pw) != 19 || strings.Count(pw, "-") != 3 {
			t.Fatalf("password %q has the wrong shape", pw)
		}
		for _, r := range strings.ReplaceAll(pw, "-", "") {
			if !strings.ContainsRune(passwordAlphabet, r) {
				t.Fatalf("password %q has %q, outside the alphabet", pw, r)
			}
		}
		if seen[pw] {
			t.Fatalf("password %q repeated", pw)
		}
		seen[pw] = true
	}
}

func TestDemoEventsAreUpcomingAndValid(t *testing.T) {
	now := time.Date(2026, 3, 29, 12, 0, 0, 0, time.UTC) // the day the clocks change
	events := demoEvents(now, demoPlaceMap())
	if len(events) < 8 {
		t.Fatalf("%d demo events", len(events))
	}
	upcoming := 0
	for _, ev := range events {
		if err := ev.Validate(); err != nil {
			t.Errorf("demo event %q is invalid: %v", ev.Title, err)
			continue
		}
		if len(ev.NextOccurrences(now, 1)) > 0 {
			upcoming++
		}
	}
	if upcoming != len(events) {
		t.Errorf("%d of %d demo events have an upcoming date", upcoming, len(events))
	}
	for _, c := range demoCaseStudies(demoPlaceMap()) {
		if err := c.Validate(); err != nil || len(c.Sections()) != 5 {
			t.Errorf("demo case study %q: %v, %d sections", c.Title, err, len(c.Sections()))
		}
	}
}

// demoPlaceMap gives the demo places IDs, as if stored.
func demoPlaceMap() map[string]*hub.Place {
	m := map[string]*hub.Place{}
	for i, p := range demoPlaces {
		p.ID = int64(i + 1)
		m[p.Name] = &p
	}
	return m
}
