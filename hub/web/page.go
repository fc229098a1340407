package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/markdown"
)

// pageData is what every template gets: the site, the head metadata that
// makes shared links preview well, and the view's own Data.
type pageData struct {
	Site        hub.Settings
	BaseURL     string // the hub's public URL, without a trailing slash
	Title       string // page title without the site name; "" on home
	Description string // plain text for meta description and og:description
	Canonical   string // absolute URL
	OGType      string // website, article...
	JSONLD      any    // schema.org object, rendered as application/ld+json
	NoIndex     bool
	Section     string // navigation section to mark current
	Admin       *adminContext
	Data        any

	// Calendar is the path of the iCalendar feed of the page's events, ""
	// for the hub's whole calendar; CalendarLabel says what it holds
	// ("events at Hulme Library").
	Calendar, CalendarLabel string

	// Comments are the fediverse replies shown under an item page.
	Comments []*hub.Comment
	// CommentsTotal is how many visible replies the item has; the page
	// shows only the newest commentsOnPage.
	CommentsTotal int
	// Adaptations are other hubs' guides and case studies adapted from
	// this one (hub/adapted.go).
	Adaptations []*hub.Adaptation

	// Lang and Dir are the language the page is in (<html lang dir>);
	// KeepLang is set when the reader chose it with ?lang=, which links
	// then keep; Languages is the switcher (and the hreflang alternates);
	// Unreviewed is true when no native speaker has signed the
	// translation off yet (the footer says so).
	Lang, Dir  string
	catalog    string // the catalog the page is rendered with (en for en-GB)
	KeepLang   string
	Languages  []languageLink
	Unreviewed bool
	// Handle is the hub's fediverse handle (@name@host) for the follow
	// box; "" when the hub does not federate or on organiser pages.
	Handle string
	// Picture is the item's or place's picture, shown on its page and in
	// og:image; nil for none.
	Picture *shownPicture
	// Thumbs are the pictures of a list page's items (thumbnails.go); nil
	// on other pages.
	Thumbs thumbnails
	// ActivityJSON is the page's ActivityStreams document (the actor on
	// the home page, the object on an item page), for rel=alternate.
	ActivityJSON string
	// OEmbed is the page's oEmbed discovery URL (oembed.go); "" for none.
	OEmbed string
}

// adminContext is present on organiser pages.
type adminContext struct {
	Organiser *hub.Organiser
	CSRF      string
	Flash     string
}

// page starts pageData for a request, loading the hub's settings.
func (s *Server) page(r *http.Request, title string, data any) *pageData {
	st := s.settings(r.Context())
	p := &pageData{
		Site:      st,
		BaseURL:   s.absURL(""),
		Title:     title,
		Canonical: s.absURL(r.URL.Path),
		OGType:    "website",
		Data:      data,
	}
	s.pageLanguage(r, p)
	if sess, o := sessionFrom(r.Context()); sess != nil {
		p.Admin = &adminContext{Organiser: o, CSRF: sess.CSRFToken, Flash: flashFrom(r)}
		p.NoIndex = true
	}
	if s.cfg.ActivityPub != nil && p.Admin == nil && st.Handle != "" && !strings.HasPrefix(r.URL.Path, "/admin") {
		p.Handle = "@" + st.Handle + "@" + s.base.Host
		if r.URL.Path == "/" {
			p.ActivityJSON = s.absURL("/actor")
		}
	}
	return p
}

// withActivityJSON marks an item page as having an ActivityStreams
// object at its own URL (with its ?date=, for an occurrence).
func (s *Server) withActivityJSON(p *pageData, r *http.Request) {
	if s.cfg.ActivityPub == nil {
		return
	}
	u := r.URL.Path
	if d := r.URL.Query().Get("date"); d != "" {
		u += "?date=" + url.QueryEscape(d)
	}
	p.ActivityJSON = s.absURL(u)
}

// settings returns the hub's settings, or the defaults if they cannot be
// read (the failure is logged; a page is better than none).
func (s *Server) settings(ctx context.Context) hub.Settings {
	st, err := s.svc.Settings(ctx)
	if err != nil {
		s.log.Error("load settings", "error", err)
		return hub.DefaultSettings()
	}
	return st
}

// plainText turns Markdown into one line of plain text of at most n runes,
// for descriptions and link previews (internal/markdown's Summary).
func (s *Server) plainText(md string, n int) string { return markdown.Summary(md, n) }

func (s *Server) articleJSONLD(p *pageData, path, title, desc string, tags []string, created, updated time.Time) map[string]any {
	ld := map[string]any{
		"@context":      "https://schema.org",
		"@type":         "Article",
		"headline":      title,
		"description":   desc,
		"url":           s.absURL(path),
		"datePublished": created.UTC().Format(time.RFC3339),
		"dateModified":  updated.UTC().Format(time.RFC3339),
		"author":        map[string]any{"@type": "Organization", "name": p.Site.Name, "url": s.absURL("/")},
		"publisher":     map[string]any{"@type": "Organization", "name": p.Site.Name, "url": s.absURL("/")},
	}
	if len(tags) > 0 {
		ld["keywords"] = tags
	}
	return ld
}

// LanguageTags lists the languages a reader can choose, by tag.
func (p *pageData) LanguageTags() string {
	tags := make([]string, len(p.Languages))
	for i, l := range p.Languages {
		tags[i] = l.Tag
	}
	return strings.Join(tags, ", ")
}

// ContentLang is the language of the hub's own items (its setting) when
// it is not the page's: their titles and text then carry it as their
// lang attribute.
func (p *pageData) ContentLang() string {
	if p.Site.Language == "" || p.Site.Language == p.Lang {
		return ""
	}
	return p.Site.Language
}
