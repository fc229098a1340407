package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/markdown"
	"github.com/commonplace-hub/commonplace/internal/uris"
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

// publicList is a public page listing what list answers, whole (see
// listPage).
func publicList[T any](s *Server, w http.ResponseWriter, r *http.Request, view, section, title, description string, list func(context.Context) ([]T, error)) error {
	items, err := list(r.Context())
	if err != nil {
		return err
	}
	return s.listPage(w, r, view, section, title, description, items)
}

// listPage renders a public list page with data in the view's section:
// title and description are messages, description with the hub's name
// for its %s; each of more adds to the page (thumbnails, say) before it is
// rendered.
func (s *Server) listPage(w http.ResponseWriter, r *http.Request, view, section, title, description string, data any, more ...func(*pageData)) error {
	p := s.page(r, s.t(r, title), nil)
	p.Section = section
	p.Description = s.t(r, description, p.Site.Name)
	p.Data = data
	for _, f := range more {
		f(p)
	}
	return s.views.render(w, http.StatusOK, view, p)
}

// article is what the public page of a guide or case study says of it.
type article struct {
	kind             hub.Kind
	id               int64
	slug, title      string
	summary, text    string // text: Markdown, the description when there is no summary
	tags             []string
	created, updated time.Time
}

// articlePage is a's public page with data for its template: the links to
// its ActivityStreams and oEmbed documents, its description, a schema.org
// Article (ld, when given, adds to it), its replies and its picture.
func (s *Server) articlePage(r *http.Request, a article, data any, ld func(map[string]any)) *pageData {
	p := s.page(r, a.title, nil)
	s.withActivityJSON(p, r)
	s.withOEmbed(p, r)
	p.Section = a.kind.Path()
	p.OGType = "article"
	p.Description = a.summary
	if p.Description == "" {
		p.Description = s.plainText(a.text, 200)
	}
	site := map[string]any{"@type": "Organization", "name": p.Site.Name, "url": s.absURL("/")}
	article := map[string]any{
		"@context":      "https://schema.org",
		"@type":         "Article",
		"headline":      a.title,
		"description":   p.Description,
		"url":           s.absURL(uris.Item(a.kind, a.slug)),
		"datePublished": a.created.UTC().Format(time.RFC3339),
		"dateModified":  a.updated.UTC().Format(time.RFC3339),
		"author":        site,
		"publisher":     site,
	}
	if len(a.tags) > 0 {
		article["keywords"] = a.tags
	}
	if ld != nil {
		ld(article)
	}
	p.JSONLD = article
	p.Data = data
	s.withComments(p, r, a.kind, a.id)
	s.withPicture(p, r, hub.PictureOwner(a.kind), a.id)
	return p
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
