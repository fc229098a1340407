package calendar

import (
	"html"
	"io"
	"mime/quotedprintable"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-ical"
)

// propText returns a property's text value, unescaped by go-ical. Where
// go-ical refuses the escaping (feeds write "\:" or end with a lone
// backslash) it unescapes leniently instead, and it decodes vCalendar 1.0
// quoted-printable values. A nil property gives "".
func propText(p *ical.Prop) string {
	if p == nil {
		return ""
	}
	return strings.Join(propTextList(p), ",")
}

// propTextList is propText for list values such as CATEGORIES.
func propTextList(p *ical.Prop) []string {
	if p == nil {
		return nil
	}
	q := *p
	if strings.EqualFold(q.Params.Get("ENCODING"), "QUOTED-PRINTABLE") {
		b, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(q.Value)))
		if err == nil {
			// The decoded text is plain: no iCalendar escapes to undo.
			return []string{normaliseNewlines(toUTF8(b))}
		}
	}
	// go-ical checks that the value type is TEXT; feeds put VALUE=URI or
	// nothing at all on text-like properties, so ask for the default.
	if q.Params.Get("VALUE") != "" {
		params := ical.Params{}
		for k, v := range q.Params {
			if k != "VALUE" {
				params[k] = v
			}
		}
		q.Params = params
	}
	if l, err := q.TextList(); err == nil {
		return l
	}
	return lenientTextList(q.Value)
}

// lenientTextList unescapes a TEXT list, keeping unknown escapes' characters.
func lenientTextList(v string) []string {
	var out []string
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\' && i+1 < len(v):
			i++
			switch v[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				b.WriteByte(v[i])
			}
		case c == '\\':
			// trailing backslash: drop it
		case c == ',':
			out = append(out, b.String())
			b.Reset()
		default:
			b.WriteByte(c)
		}
	}
	return append(out, b.String())
}

func normaliseNewlines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// oneLine collapses whitespace, including newlines, to single spaces.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// truncate shortens s to at most n characters, ending with "…" when cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRightFunc(string(r[:n-1]), unicode.IsSpace) + "…"
}

var (
	htmlTagRe     = regexp.MustCompile(`(?i)</?(a|b|i|u|p|br|div|span|strong|em|ul|ol|li|h[1-6]|table|tr|td|img|font)\b[^>]*>`)
	htmlLinkRe    = regexp.MustCompile(`(?is)<a\b[^>]*?href\s*=\s*["']([^"']+)["'][^>]*>(.*?)</a>`)
	htmlBreakRe   = regexp.MustCompile(`(?i)<br\s*/?>|</p>|</div>|</li>|</h[1-6]>|</tr>`)
	htmlItemRe    = regexp.MustCompile(`(?i)<li\b[^>]*>`)
	htmlAnyTagRe  = regexp.MustCompile(`(?s)<[^>]*>`)
	blankLinesRe  = regexp.MustCompile(`\n{3,}`)
	placeholderRe = regexp.MustCompile(`#_[A-Z_]+`)
)

// looksLikeHTML reports whether a description is HTML rather than text.
func looksLikeHTML(s string) bool { return htmlTagRe.MatchString(s) }

// htmlToText turns the HTML that Google, WordPress and others put in
// DESCRIPTION into plain text with Markdown links, which the hub renders
// safely; everything else in the markup is dropped.
func htmlToText(s string) string {
	s = htmlLinkRe.ReplaceAllStringFunc(s, func(m string) string {
		sub := htmlLinkRe.FindStringSubmatch(m)
		href, text := sub[1], strings.TrimSpace(htmlAnyTagRe.ReplaceAllString(sub[2], ""))
		if !strings.HasPrefix(href, "http://") && !strings.HasPrefix(href, "https://") && !strings.HasPrefix(href, "mailto:") {
			return text
		}
		if text == "" || html.UnescapeString(text) == href {
			// A Markdown autolink, in markers that survive tag stripping.
			return "\x00" + href + "\x01"
		}
		return "[" + text + "](" + href + ")"
	})
	s = htmlItemRe.ReplaceAllString(s, "\n- ")
	s = htmlBreakRe.ReplaceAllString(s, "\n")
	s = htmlAnyTagRe.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	return strings.NewReplacer("\u00a0", " ", "\x00", "<", "\x01", ">").Replace(s)
}

// cleanDescription makes a feed's description fit for the hub: HTML to
// text, entities decoded, trailing spaces and runs of blank lines removed.
func cleanDescription(s string) string {
	s = normaliseNewlines(s)
	if looksLikeHTML(s) {
		s = htmlToText(s)
	} else if strings.Contains(s, "&") {
		s = strings.ReplaceAll(html.UnescapeString(s), "\u00a0", " ")
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRightFunc(l, unicode.IsSpace)
	}
	s = strings.Join(lines, "\n")
	s = blankLinesRe.ReplaceAllString(s, "\n\n")
	return strings.TrimSpace(s)
}

// cleanLocation drops template placeholders that some plugins leave
// unrendered ("#_LOCATIONNAME") and tidies separators left behind.
func cleanLocation(s string) string {
	s = placeholderRe.ReplaceAllString(s, "")
	s = oneLine(html.UnescapeString(s))
	return strings.Trim(s, " ,;-")
}
