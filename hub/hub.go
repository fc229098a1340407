// Package hub is the domain of a Commonplace hub: events, guides, case
// studies, places, tags, organisers and settings, the rules they obey, and
// the Service that every front end (public pages, organiser pages, JSON API,
// CLI, federation) calls.
//
// The package depends on nothing else in the module. Storage adapters
// implement the small store interfaces declared beside each type; front ends
// depend on hub, never the reverse.
package hub

import (
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Limits on text fields, in characters.
const (
	MaxTitle    = 200
	MaxSummary  = 1000
	MaxBody     = 100_000
	MaxShort    = 500
	MaxTagCount = 20
)

// Slugify turns a title into a URL path segment: lower case ASCII letters,
// digits and hyphens. Accents are folded ("Café" -> "cafe"). It returns
// "item" for titles with nothing usable in them.
func Slugify(s string) string {
	s = norm.NFKD.String(s)
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			dash = false
		case unicode.Is(unicode.Mn, r):
			// combining accent left by NFKD: drop it
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
		if b.Len() >= 80 {
			break
		}
	}
	out := strings.Trim(b.String(), "-")
	if out == "" {
		return "item"
	}
	return out
}

// checkOptionalURL trims an optional web address and checks it (checkURL)
// when there is one.
func checkOptionalURL(f fieldErrors, field string, u *string) {
	*u = strings.TrimSpace(*u)
	if *u == "" {
		return
	}
	if msg := checkURL(*u); msg != "" {
		f.add(field, msg)
	}
}

// checkTitleSummary trims the title and summary of a guide or case study
// and checks them.
func checkTitleSummary(f fieldErrors, title, summary *string) {
	*title, *summary = strings.TrimSpace(*title), strings.TrimSpace(*summary)
	checkText(f, "title", "Title", *title, true, MaxTitle)
	checkText(f, "summary", "Summary", *summary, false, MaxSummary)
}

// normaliseAndCheckTags normalises a list of tags (normaliseTags) and
// checks it.
func normaliseAndCheckTags(f fieldErrors, tags *[]string) {
	*tags = normaliseTags(*tags)
	checkTags(f, *tags)
}

// checkURL reports what is wrong with an absolute http(s) URL, or "".
func checkURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return string(Msg("Enter a full web address starting with https:// (for example https://example.org/tickets)."))
	}
	// url.Parse allows spaces after the host; a link with them breaks when
	// shared or exported.
	if strings.ContainsFunc(raw, unicode.IsSpace) {
		return string(Msg("A web address cannot contain spaces; copy it from your browser's address bar."))
	}
	return ""
}

// checkText validates a text field's presence and length.
func checkText(f fieldErrors, field, label, value string, required bool, max int) {
	if required && strings.TrimSpace(value) == "" {
		f.addf(field, "%s is required.", Message(label))
		return
	}
	if n := utf8.RuneCountInString(value); n > max {
		f.addf(field, "%s is too long: %d characters, the limit is %d.", Message(label), n, max)
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var buf [20]byte
	i := len(buf)
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		buf[i] = '-'
	}
	return string(buf[i:])
}

// normaliseTags trims, de-duplicates (case-insensitively) and drops empty tag
// names, keeping the first spelling seen.
func normaliseTags(tags []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range tags {
		// Tags are one line of text: newlines and other control characters
		// become spaces, runs of spaces one space.
		t = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) {
				return ' '
			}
			return r
		}, t)
		t = strings.Join(strings.Fields(strings.TrimPrefix(strings.TrimSpace(t), "#")), " ")
		if t == "" {
			continue
		}
		k := Slugify(t)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, t)
	}
	return out
}

// checkTags validates tag names.
func checkTags(f fieldErrors, tags []string) {
	if len(tags) > MaxTagCount {
		f.addf("tags", "Use at most %d topics.", MaxTagCount)
	}
	for _, t := range tags {
		if utf8.RuneCountInString(t) > 50 {
			f.add("tags", "Each topic must be at most 50 characters.")
		}
	}
}

// Clock returns the current time; the Service uses it so tests can fix time.
type Clock func() time.Time
