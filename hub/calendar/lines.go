package calendar

import (
	"bytes"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// This file is the wrapper's first layer: it turns the bytes of a real
// feed into clean content lines, grouped into components, before go-ical
// sees them. go-ical's decoder stops at the first malformed line and reads
// one VCALENDAR; real feeds have byte-order marks, blank lines, lines
// broken without the folding space, vCalendar 1.0 quoted-printable soft
// breaks and several VCALENDARs back to back. Splitting the feed into
// components first means a bad line costs one event, not the whole feed.

// contentLine is one unfolded line and where it started in the file.
type contentLine struct {
	text string
	line int // 1-based line number of its first physical line
}

// chunk is one component at the top level of a VCALENDAR (a VEVENT,
// VTIMEZONE...), with its nested components, as content lines from its
// BEGIN to its END.
type chunk struct {
	name  string // VEVENT, VTIMEZONE...
	lines []contentLine
	line  int // line number of its BEGIN
	// broken says why the component could not be delimited (no END), or "".
	broken string
}

// document is what splitting a feed yields: the calendar-level properties
// of every VCALENDAR in it, and their components in order.
type document struct {
	calendars int           // how many BEGIN:VCALENDAR were seen
	props     []contentLine // calendar-level properties, all calendars
	chunks    []chunk
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// toUTF8 returns the feed as UTF-8 without a byte-order mark. Feeds that
// are not valid UTF-8 are read as Windows-1252, which is what such feeds
// (old Outlook, WordPress on Latin-1 databases) are in practice.
func toUTF8(b []byte) string {
	b = bytes.TrimPrefix(b, utf8BOM)
	if utf8.Valid(b) {
		return string(b)
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return string(out)
}

// physicalLines splits on CRLF, LF or a lone CR.
func physicalLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Split(s, "\n")
}

// looksLikeContentLine reports whether a physical line starts a property:
// a name of letters, digits and hyphens followed by ";" or ":".
func looksLikeContentLine(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-':
			continue
		case (c == ':' || c == ';') && i > 0:
			return true
		}
		return false
	}
	return false
}

// isQuotedPrintable reports whether a content line's parameters say its
// value is quoted-printable (vCalendar 1.0, still written by Outlook 2003).
func isQuotedPrintable(line string) bool {
	head, _, ok := strings.Cut(line, ":")
	return ok && strings.Contains(strings.ToUpper(head), "ENCODING=QUOTED-PRINTABLE")
}

// unfold joins folded lines into content lines. Beyond RFC 5545 folding
// (a line starting with a space or tab continues the previous one) it
// drops blank lines, joins quoted-printable soft line breaks (a value
// ending in "="), and treats a line that cannot start a property as the
// continuation of a text value whose newline was written raw.
func unfold(s string) []contentLine {
	var out []contentLine
	for i, l := range physicalLines(s) {
		n := i + 1
		switch {
		case l == "" || strings.TrimSpace(l) == "":
			continue
		case (l[0] == ' ' || l[0] == '\t') && len(out) > 0:
			out[len(out)-1].text += l[1:]
		case len(out) > 0 && isQuotedPrintable(out[len(out)-1].text) && strings.HasSuffix(out[len(out)-1].text, "="):
			prev := &out[len(out)-1]
			prev.text = prev.text[:len(prev.text)-1] + l
		case !looksLikeContentLine(l) && len(out) > 0:
			// A raw newline inside a text value: keep it as an escaped one.
			out[len(out)-1].text += `\n` + l
		default:
			out = append(out, contentLine{text: l, line: n})
		}
	}
	for i := range out {
		if strings.Contains(out[i].text, "TZID=") {
			out[i].text = quoteOffsetTZID(out[i].text)
		}
	}
	return out
}

// offsetTZID is a TZID parameter naming a fixed offset with a colon,
// unquoted ("DTSTART;TZID=UTC+01:00:20260401T090000", as WordPress
// plugins write it), which RFC 5545 parsing would cut at the colon.
var offsetTZID = regexp.MustCompile(`(?i)(;TZID=)((?:UTC|GMT) ?[+-]\d{1,2}:\d{2})([;:])`)

// quoteOffsetTZID quotes such a TZID so that it reaches the zone table
// whole (zones.go reads it as a fixed offset).
func quoteOffsetTZID(l string) string {
	return offsetTZID.ReplaceAllString(l, `${1}"${2}"${3}`)
}

// lineName returns a content line's upper-cased property name.
func lineName(l string) string {
	i := strings.IndexAny(l, ";:")
	if i < 0 {
		return strings.ToUpper(l)
	}
	return strings.ToUpper(l[:i])
}

// lineValue returns what follows the first colon outside quotes.
func lineValue(l string) string {
	quoted := false
	for i := 0; i < len(l); i++ {
		switch l[i] {
		case '"':
			quoted = !quoted
		case ':':
			if !quoted {
				return l[i+1:]
			}
		}
	}
	return ""
}

// split groups content lines into calendars and their components. Lines
// outside any VCALENDAR are ignored. A component that is not closed
// before the next one at the same level, or before END:VCALENDAR, is kept
// with a reason so that it can be reported.
func split(lines []contentLine) document {
	var doc document
	inCalendar := false
	var cur *chunk
	depth := 0 // nesting inside cur: 1 at its BEGIN
	closeBroken := func(why string) {
		if cur != nil {
			cur.broken = why
			doc.chunks = append(doc.chunks, *cur)
			cur, depth = nil, 0
		}
	}
	for _, cl := range lines {
		name := lineName(cl.text)
		value := strings.ToUpper(strings.TrimSpace(lineValue(cl.text)))
		switch {
		case name == "BEGIN" && value == "VCALENDAR":
			closeBroken("it has no END:" + chunkName(cur))
			inCalendar = true
			doc.calendars++
		case name == "END" && value == "VCALENDAR":
			closeBroken("it has no END:" + chunkName(cur))
			inCalendar = false
		case !inCalendar:
			// Junk before, between or after calendars.
		case cur == nil && name == "BEGIN":
			cur = &chunk{name: value, line: cl.line, lines: []contentLine{cl}}
			depth = 1
		case cur == nil:
			doc.props = append(doc.props, cl)
		case name == "BEGIN" && depth == 1 && value == cur.name:
			// A new component of the same kind before this one ended.
			closeBroken("it has no END:" + cur.name)
			cur = &chunk{name: value, line: cl.line, lines: []contentLine{cl}}
			depth = 1
		default:
			cur.lines = append(cur.lines, cl)
			switch name {
			case "BEGIN":
				depth++
			case "END":
				depth--
				if depth == 0 {
					doc.chunks = append(doc.chunks, *cur)
					cur = nil
				}
			}
		}
	}
	closeBroken("the file ends before its END:" + chunkName(cur))
	return doc
}

func chunkName(c *chunk) string {
	if c == nil {
		return ""
	}
	return c.name
}
