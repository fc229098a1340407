package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"html"
	"html/template"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/ical"
	"github.com/commonplace-hub/commonplace/internal/uris"
	"github.com/commonplace-hub/commonplace/locales"
)

// Feeds: iCalendar (RFC 5545) calendars of the hub's events, for calendar
// apps to subscribe to, and an Atom (RFC 4287) feed of new items, for feed
// readers. Like the pages they are public and set no cookies; they answer
// conditional GETs with 304 (ETag is a hash of the body).

// calendarHistoryYears is how far back the hub's calendars go: events that
// ended longer ago drop out (a single event's own calendar keeps it).
const calendarHistoryYears = 1

// calendarRefresh is how often calendar apps are asked to fetch again.
const calendarRefresh = 6 * time.Hour

// feedMaxAge is how long caches may keep a feed without asking again.
const feedMaxAge = 5 * time.Minute

// atomEntries is how many items the Atom feed holds.
const atomEntries = 50

func (s *Server) calendarAll(w http.ResponseWriter, r *http.Request) error {
	return s.serveEvents(w, r, hub.EventFilter{}, func(st hub.Settings) ical.Calendar {
		return ical.Calendar{Name: st.Name, Description: st.Description, URL: s.absURL(uris.List(hub.KindEvent))}
	})
}

// serveEvents serves the events f finds, from calendarSince on, as the
// calendar cal makes with the hub's settings.
func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request, f hub.EventFilter, cal func(hub.Settings) ical.Calendar) error {
	f.From = s.calendarSince()
	events, _, err := s.svc.ListEvents(r.Context(), f)
	if err != nil {
		return err
	}
	st := s.settings(r.Context())
	return s.serveCalendar(w, r, st, cal(st), events)
}

func (s *Server) calendarTopic(w http.ResponseWriter, r *http.Request) error {
	t, err := s.topicInPath(r)
	if err != nil {
		return err
	}
	return s.serveEvents(w, r, hub.EventFilter{Tag: t.Slug}, func(st hub.Settings) ical.Calendar {
		desc := t.Description
		if desc == "" {
			desc = s.hubWords(st).T("%s events from %s.", t.Name, st.Name)
		}
		return ical.Calendar{Name: st.Name + ": " + t.Name, Description: desc, URL: s.absURL(uris.Topic(t.Slug))}
	})
}

func (s *Server) calendarPlace(w http.ResponseWriter, r *http.Request) error {
	pl, err := s.svc.PlaceBySlug(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	return s.serveEvents(w, r, hub.EventFilter{PlaceID: pl.ID}, func(st hub.Settings) ical.Calendar {
		desc := s.hubWords(st).T("Events at %s.", pl.Name)
		if a := pl.Address(); a != "" {
			desc = s.hubWords(st).T("Events at %s, %s.", pl.Name, a)
		}
		return ical.Calendar{Name: st.Name + ": " + pl.Name, Description: desc, URL: s.absURL(uris.Place(pl.Slug))}
	})
}

func (s *Server) calendarEvent(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	e, err := s.svc.EventBySlug(ctx, chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	st := s.settings(ctx)
	return s.serveCalendar(w, r, st, ical.Calendar{Name: e.Title, Description: s.plainText(e.Description, 200), URL: s.absURL(uris.Item(hub.KindEvent, e.Slug))}, []*hub.Event{e})
}

// calendarSince is when the oldest event in a calendar may have ended.
func (s *Server) calendarSince() time.Time {
	return s.svc.Now().AddDate(-calendarHistoryYears, 0, 0)
}

// serveCalendar completes cal with what every feed says and serves it.
func (s *Server) serveCalendar(w http.ResponseWriter, r *http.Request, st hub.Settings, cal ical.Calendar, events []*hub.Event) error {
	cal.TimeZone = st.TimeZone
	cal.Source = s.absURL(r.URL.Path)
	cal.Host = s.base.Hostname()
	cal.EventURL = func(e *hub.Event) string { return s.absURL(uris.Item(hub.KindEvent, e.Slug)) }
	cal.EventImage = s.eventImages(r, events)
	cal.Refresh = calendarRefresh
	cal.Now = s.svc.Now()
	var buf bytes.Buffer
	if err := ical.Write(&buf, cal, events); err != nil {
		return err
	}
	modified := ical.LastModified(events)
	if st.UpdatedAt.After(modified) {
		modified = st.UpdatedAt
	}
	serveFeed(w, r, ical.MediaType, buf.Bytes(), modified)
	return nil
}

// serveFeed serves a feed's body with validators and cache headers, and
// answers a conditional GET whose validator still matches with 304.
// The ETag catches every change, deletions included; Last-Modified, the
// newest change among the items, does not see deletions, which matters
// only to clients that send If-Modified-Since without If-None-Match.
func serveFeed(w http.ResponseWriter, r *http.Request, contentType string, body []byte, modified time.Time) {
	sum := sha256.Sum256(body)
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	h.Set("Cache-Control", "public, max-age="+strconv.Itoa(int(feedMaxAge/time.Second)))
	http.ServeContent(w, r, "", modified, bytes.NewReader(body))
}

// filterCalendar is the calendar matching the events list's filters: a
// topic's or a place's when one of them is chosen, else the whole hub's.
func filterCalendar(tr translator, f eventFilterForm, tags []*hub.Tag, place *hub.Place) (path, label string) {
	switch {
	case f.Tag != "" && f.Place == "":
		for _, t := range tags {
			if t.Slug == f.Tag {
				return uris.TopicCalendar(t.Slug), tr.T("[calendar of a topic] %s events", t.Name)
			}
		}
	case place != nil && f.Tag == "":
		return uris.PlaceCalendar(place.Slug), tr.T("[calendar of a place] events at %s", place.Name)
	}
	return "", tr.T("all events")
}

// webcalURL turns a feed's http(s) address into the webcal:// address that
// opens a calendar app's "subscribe" dialog. The address is the hub's own,
// so it is marked safe for templates (which would refuse the scheme).
func webcalURL(u string) template.URL {
	for _, p := range []string{"https://", "http://"} {
		if rest, ok := strings.CutPrefix(u, p); ok {
			return template.URL("webcal://" + rest)
		}
	}
	return template.URL(u)
}

// ---- Atom ----

const atomMediaType = "application/atom+xml; charset=utf-8"

type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang      string      `xml:"xml:lang,attr,omitempty"`
	Base      string      `xml:"xml:base,attr"`
	ID        string      `xml:"id"`
	Title     string      `xml:"title"`
	Subtitle  string      `xml:"subtitle,omitempty"`
	Updated   string      `xml:"updated"`
	Links     []atomLink  `xml:"link"`
	Author    atomAuthor  `xml:"author"`
	Generator string      `xml:"generator"`
	Logo      string      `xml:"logo,omitempty"`
	Entries   []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomAuthor struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

// atomCategory is an item's topic: its slug as the term, the hub's topic
// pages as the scheme (the term appended to it is the topic's page).
type atomCategory struct {
	Term   string `xml:"term,attr"`
	Scheme string `xml:"scheme,attr,omitempty"`
	Label  string `xml:"label,attr,omitempty"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Published  string         `xml:"published"`
	Updated    string         `xml:"updated"`
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
	Summary    *atomText      `xml:"summary,omitempty"`
	Content    *atomText      `xml:"content,omitempty"`

	published, updated time.Time
	num                int64 // the item's ID: newer within one second
}

// atomFeed serves the newest events, guides and case studies, newest
// first. Events are the ones still to come: a new event is almost always
// in the future, and this keeps the query small on hubs with years of
// history.
func (s *Server) atomFeed(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st := s.settings(ctx)
	now := s.svc.Now()
	events, _, err := s.svc.ListEvents(ctx, hub.EventFilter{From: now})
	if err != nil {
		return err
	}
	guides, _, err := s.svc.ListGuides(ctx, hub.GuideFilter{Limit: atomEntries})
	if err != nil {
		return err
	}
	studies, _, err := s.svc.ListCaseStudies(ctx, hub.CaseStudyFilter{Limit: atomEntries})
	if err != nil {
		return err
	}
	var entries []atomEntry
	tr := s.hubWords(st)
	here := s.today(st).Location()
	for _, e := range events {
		entries = append(entries, s.eventEntry(tr, e, now, here))
	}
	for _, g := range guides {
		entries = append(entries, s.guideEntry(g))
	}
	for _, c := range studies {
		entries = append(entries, s.caseStudyEntry(tr, c))
	}
	sort.SliceStable(entries, func(i, j int) bool {
		if !entries[i].published.Equal(entries[j].published) {
			return entries[i].published.After(entries[j].published)
		}
		if entries[i].num != entries[j].num {
			return entries[i].num > entries[j].num
		}
		return entries[i].ID > entries[j].ID
	})
	if len(entries) > atomEntries {
		entries = entries[:atomEntries]
	}
	updated := st.UpdatedAt
	for _, e := range entries {
		if e.updated.After(updated) {
			updated = e.updated
		}
	}
	if updated.IsZero() {
		updated = now.Truncate(24 * time.Hour)
	}
	feed := atomFeed{
		Lang:     st.Language,
		Base:     s.absURL(uris.Home),
		ID:       s.absURL(uris.Feed),
		Title:    st.Name,
		Subtitle: st.Description,
		Updated:  atomTime(updated),
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: s.absURL(uris.Feed)},
			{Rel: "alternate", Type: "text/html", Href: s.absURL(uris.Home)},
		},
		Author:    atomAuthor{Name: st.Name, URI: s.absURL(uris.Home)},
		Generator: "Commonplace",
		Entries:   entries,
	}
	feed.Logo = s.absURL(uris.Logo) // uploaded or generated
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", " ")
	if err := enc.Encode(feed); err != nil {
		return err
	}
	buf.WriteByte('\n')
	serveFeed(w, r, atomMediaType, buf.Bytes(), updated)
	return nil
}

// tagID is an entry's permanent id: a tag URI (RFC 4151) from the hub's
// host, the item's creation date and its kind and number, so it survives
// a change of title.
func (s *Server) tagID(kind hub.Kind, id int64, created time.Time) string {
	return "tag:" + s.base.Hostname() + "," + created.UTC().Format("2006-01-02") + ":" + string(kind) + "/" + strconv.FormatInt(id, 10)
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (s *Server) newEntry(kind hub.Kind, id int64, title, path string, tags []string, created, updated time.Time) atomEntry {
	e := atomEntry{
		ID:        s.tagID(kind, id, created),
		Title:     title,
		Published: atomTime(created),
		Updated:   atomTime(updated),
		Links:     []atomLink{{Rel: "alternate", Type: "text/html", Href: s.absURL(path)}},
		published: created,
		updated:   updated,
		num:       id,
	}
	for _, t := range tags {
		e.Categories = append(e.Categories, atomCategory{Term: hub.Slugify(t), Scheme: s.absURL(uris.Topics + "/"), Label: t})
	}
	return e
}

// eventEntry is an event's Atom entry in tr's language, its times with a
// zone note for a hub in zone here.
func (s *Server) eventEntry(tr translator, e *hub.Event, now time.Time, here *time.Location) atomEntry {
	entry := s.newEntry(hub.KindEvent, e.ID, e.Title, uris.Item(hub.KindEvent, e.Slug), e.Tags, e.CreatedAt, e.UpdatedAt)
	entry.Links = append(entry.Links, atomLink{Rel: "related", Type: "text/calendar", Href: s.absURL(uris.EventCalendar(e.Slug))})
	o := e.First()
	if next := e.NextOccurrences(now, 1); len(next) == 1 {
		o = next[0]
	}
	facts := tr.When(o.Start, o.End, e.AllDay) + tr.elsewhere(noteFor(o, here))
	if e.Recurring() {
		facts = tr.T("[time span, how it repeats] %s (%s)", facts, lowerFirst(hub.DescribeIn(tr, e.Recurrence, e.Start)))
	}
	where := ""
	switch {
	case e.Place != nil:
		where = e.Place.Name
		if a := e.Place.Address(); a != "" {
			where += ", " + a
		}
	case e.OnlineURL != "":
		where = tr.T("Online")
	}
	summary := tr.T("[feed summary: when] %s.", facts)
	if where != "" {
		summary = tr.T("[feed summary: when, where] %s. %s.", facts, where)
	}
	var b strings.Builder
	// The next date's status ("Cancelled: room flooded").
	if status := tr.statusText(o); status != "" {
		summary = tr.T("[feed summary: status, the rest] %s. %s", status, summary)
		b.WriteString("<p><strong>" + html.EscapeString(status) + "</strong></p>\n")
	}
	entry.Summary = &atomText{Type: "text", Body: summary}
	b.WriteString("<p><strong>" + html.EscapeString(tr.T("When:")) + "</strong> " + html.EscapeString(facts) + "</p>\n")
	if where != "" {
		b.WriteString("<p><strong>" + html.EscapeString(tr.T("Where:")) + "</strong> " + html.EscapeString(where) + "</p>\n")
	}
	b.WriteString(string(s.md.render(e.Description)))
	entry.Content = &atomText{Type: "html", Body: b.String()}
	return entry
}

func (s *Server) guideEntry(g *hub.Guide) atomEntry {
	entry := s.newEntry(hub.KindGuide, g.ID, g.Title, uris.Item(hub.KindGuide, g.Slug), g.Tags, g.CreatedAt, g.UpdatedAt)
	summary := g.Summary
	if summary == "" {
		summary = s.plainText(g.Body, 200)
	}
	entry.Summary = &atomText{Type: "text", Body: summary}
	entry.Content = &atomText{Type: "html", Body: string(s.md.render(g.Body))}
	return entry
}

func (s *Server) caseStudyEntry(tr translator, c *hub.CaseStudy) atomEntry {
	entry := s.newEntry(hub.KindCaseStudy, c.ID, c.Title, uris.Item(hub.KindCaseStudy, c.Slug), c.Tags, c.CreatedAt, c.UpdatedAt)
	summary := c.Summary
	if summary == "" {
		summary = s.plainText(c.Problem, 200)
	}
	entry.Summary = &atomText{Type: "text", Body: summary}
	var b strings.Builder
	if c.Organisation != "" {
		b.WriteString("<p><strong>" + html.EscapeString(tr.T("By:")) + "</strong> " + html.EscapeString(c.Organisation) + "</p>\n")
	}
	for _, sec := range c.Sections() {
		b.WriteString("<h2>" + html.EscapeString(tr.T(sec.Heading)) + "</h2>\n")
		b.WriteString(string(s.md.render(sec.Text)))
	}
	entry.Content = &atomText{Type: "html", Body: b.String()}
	return entry
}

// lowerFirst lowers the first letter: "Every week" -> "every week".
func lowerFirst(s string) string {
	for i := range s {
		if i > 0 {
			return strings.ToLower(s[:i]) + s[i:]
		}
	}
	return strings.ToLower(s)
}

// hubWords are the messages in the hub's own language (its setting), for
// what every reader gets alike: feeds and calendars.
func (s *Server) hubWords(st hub.Settings) translator {
	tag, ok := s.catalog.Supported(st.Language)
	if !ok {
		tag = locales.Source
	}
	return s.translatorIn(tag)
}
