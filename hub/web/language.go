package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"

	"github.com/commonplace-hub/commonplace/locales"
)

// languageLink is one entry of the footer's language switcher and of the
// head's hreflang alternates.
type languageLink struct {
	Tag     string
	Name    string // in the language itself
	URL     string // this page in that language (?lang=tag), a path
	Current bool
}

// pageLanguage fills in the language of p, answered for r: <html lang dir>,
// the switcher, the alternates, and whether the footer says the
// translation is unreviewed.
func (s *Server) pageLanguage(r *http.Request, p *pageData) {
	rl := s.langOf(r)
	tr := s.translatorIn(rl.tag)
	p.Lang, p.Dir, p.catalog = tr.info.Tag, tr.info.Dir, tr.info.Tag
	if hubTag, ok := s.catalog.Supported(p.Site.Language); ok && hubTag == rl.tag {
		p.Lang = p.Site.Language // the hub's own tag, en-GB rather than en
	}
	p.Unreviewed = !tr.info.Reviewed
	if rl.chosen {
		p.KeepLang = rl.tag
	}
	for _, l := range s.catalog.Languages() {
		p.Languages = append(p.Languages, languageLink{Tag: l.Tag, Name: l.Name, URL: withLanguage(r.URL, l.Tag), Current: l.Tag == rl.tag})
	}
}

// withLanguage is u's path and query with lang=tag in place of any lang.
func withLanguage(u *url.URL, tag string) string {
	q := u.Query()
	q.Set("lang", tag)
	return u.Path + "?" + q.Encode()
}

// keepLanguage adds lang=tag to the internal links of a rendered page, a
// hidden lang field to its GET forms and lang=tag to the action of its
// other forms (their answers and redirects keep it: Server.redirect), so that a reader who chose a
// language with ?lang= keeps it from page to page without a cookie.
// Static files, feeds and links that already name a language are left
// as they are.
func keepLanguage(page []byte, tag string) []byte {
	var out bytes.Buffer
	out.Grow(len(page) + 1024)
	hidden := `<input type="hidden" name="lang" value="` + tag + `">`
	for len(page) > 0 {
		h := bytes.Index(page, []byte(` href="/`))
		f := bytes.Index(page, []byte(`<form `))
		if h < 0 && f < 0 {
			out.Write(page)
			break
		}
		if f >= 0 && (h < 0 || f < h) {
			end := bytes.IndexByte(page[f:], '>')
			if end < 0 {
				out.Write(page)
				break
			}
			tagText := page[f : f+end+1]
			out.Write(page[:f])
			if bytes.Contains(tagText, []byte(`method="get"`)) {
				out.Write(tagText)
				out.WriteString(hidden)
			} else {
				// A form that posts names the language in its action, so
				// that its answer and where it sends the reader on keep it.
				out.Write(formActionWithLanguage(tagText, tag))
			}
			page = page[f+end+1:]
			continue
		}
		start := h + len(` href="`)
		end := bytes.IndexByte(page[start:], '"')
		if end < 0 {
			out.Write(page)
			break
		}
		out.Write(page[:start])
		out.WriteString(linkWithLanguage(string(page[start:start+end]), tag))
		page = page[start+end:]
	}
	return out.Bytes()
}

// formActionWithLanguage is a <form ...> tag with lang=tag added to its
// internal action.
func formActionWithLanguage(tagText []byte, tag string) []byte {
	const attr = ` action="/`
	i := bytes.Index(tagText, []byte(attr))
	if i < 0 {
		return tagText
	}
	start := i + len(` action="`)
	end := bytes.IndexByte(tagText[start:], '"')
	if end < 0 {
		return tagText
	}
	var b bytes.Buffer
	b.Write(tagText[:start])
	b.WriteString(linkWithLanguage(string(tagText[start:start+end]), tag))
	b.Write(tagText[start+end:])
	return b.Bytes()
}

// redirect sends the browser on to an address of this hub with 303 See
// Other, keeping a language the reader chose with ?lang=.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to string) {
	if rl := s.langOf(r); rl.chosen && strings.HasPrefix(to, "/") && !strings.HasPrefix(to, "//") {
		u, err := url.Parse(to)
		if err == nil && !u.Query().Has("lang") {
			to = withLanguage(u, rl.tag)
			if u.Fragment != "" {
				to += "#" + u.EscapedFragment()
			}
		}
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// linkWithLanguage adds lang=tag to an internal link as written in HTML
// (& is &amp;).
func linkWithLanguage(link, tag string) string {
	if strings.HasPrefix(link, "//") || strings.HasPrefix(link, "/static/") || strings.Contains(link, "lang=") {
		return link
	}
	path, frag, _ := strings.Cut(link, "#")
	pathOnly, _, _ := strings.Cut(path, "?")
	if last := pathOnly[strings.LastIndexByte(pathOnly, '/')+1:]; strings.Contains(last, ".") || pathOnly == "/logo" {
		return link // a file: a feed, a calendar, the logo
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&amp;"
	}
	out := path + sep + "lang=" + tag
	if frag != "" {
		out += "#" + frag
	}
	return out
}

// contentLanguage is the language of the hub's own items: its setting,
// as a tag (en-GB), for their lang attributes.
func contentLanguage(setting string) string {
	if setting == "" {
		return locales.Source
	}
	return setting
}
