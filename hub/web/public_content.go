package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/commonplace-hub/commonplace/hub"
)

const listPageSize = 20

// pageNumber reads ?page=, from 1.
func pageNumber(r *http.Request) (int, error) {
	v := r.URL.Query().Get("page")
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 100000 {
		return 0, hub.Errorf(hub.EINVALID, "The page number in this address is not valid.")
	}
	return n, nil
}

// pager is the "newer/older" navigation of a list.
type pager struct {
	Page, Pages, Total int
}

func newPager(page, total int) pager {
	pages := (total + listPageSize - 1) / listPageSize
	if pages == 0 {
		pages = 1
	}
	return pager{Page: page, Pages: pages, Total: total}
}

func (s *Server) guideList(w http.ResponseWriter, r *http.Request) error {
	page, err := pageNumber(r)
	if err != nil {
		return err
	}
	guides, total, err := s.svc.ListGuides(r.Context(), hub.GuideFilter{Limit: listPageSize, Offset: (page - 1) * listPageSize})
	if err != nil {
		return err
	}
	p := s.page(r, "Guides", nil)
	p.Section = "guides"
	p.Description = "How-to guides written by " + p.Site.Name + "."
	p.Data = struct {
		Guides []*hub.Guide
		Pager  pager
	}{guides, newPager(page, total)}
	return s.views.render(w, http.StatusOK, "public/guides", p)
}

func (s *Server) guideShow(w http.ResponseWriter, r *http.Request) error {
	g, err := s.svc.GuideBySlug(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	p := s.page(r, g.Title, nil)
	p.Section = "guides"
	p.OGType = "article"
	p.Description = g.Summary
	if p.Description == "" {
		p.Description = s.plainText(g.Body, 200)
	}
	p.JSONLD = s.articleJSONLD(p, "/guides/"+g.Slug, g.Title, p.Description, g.Tags, g.CreatedAt, g.UpdatedAt)
	p.Data = g
	p.Comments = s.comments(r, hub.KindGuide, g.ID)
	return s.views.render(w, http.StatusOK, "public/guide", p)
}

func (s *Server) caseStudyList(w http.ResponseWriter, r *http.Request) error {
	page, err := pageNumber(r)
	if err != nil {
		return err
	}
	studies, total, err := s.svc.ListCaseStudies(r.Context(), hub.CaseStudyFilter{Limit: listPageSize, Offset: (page - 1) * listPageSize})
	if err != nil {
		return err
	}
	p := s.page(r, "Case studies", nil)
	p.Section = "case-studies"
	p.Description = "What groups tried, and what happened: case studies from " + p.Site.Name + "."
	p.Data = struct {
		CaseStudies []*hub.CaseStudy
		Pager       pager
	}{studies, newPager(page, total)}
	return s.views.render(w, http.StatusOK, "public/case_studies", p)
}

func (s *Server) caseStudyShow(w http.ResponseWriter, r *http.Request) error {
	c, err := s.svc.CaseStudyBySlug(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	p := s.page(r, c.Title, nil)
	p.Section = "case-studies"
	p.OGType = "article"
	p.Description = c.Summary
	if p.Description == "" {
		p.Description = s.plainText(c.Problem, 200)
	}
	ld := s.articleJSONLD(p, "/case-studies/"+c.Slug, c.Title, p.Description, c.Tags, c.CreatedAt, c.UpdatedAt)
	if c.Organisation != "" {
		ld["author"] = map[string]any{"@type": "Organization", "name": c.Organisation}
	}
	if c.Place != nil {
		ld["contentLocation"] = placeJSONLD(c.Place)
	}
	p.JSONLD = ld
	p.Data = c
	p.Comments = s.comments(r, hub.KindCaseStudy, c.ID)
	return s.views.render(w, http.StatusOK, "public/case_study", p)
}

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

func (s *Server) tagList(w http.ResponseWriter, r *http.Request) error {
	tags, err := s.svc.ListTags(r.Context())
	if err != nil {
		return err
	}
	p := s.page(r, "Topics", nil)
	p.Section = "tags"
	p.Description = "Topics of the events, guides and case studies on " + p.Site.Name + "."
	p.Data = tags
	return s.views.render(w, http.StatusOK, "public/tags", p)
}

func (s *Server) tagShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t, err := s.svc.TagBySlug(ctx, chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	from := s.svc.Now()
	occ, err := s.svc.Occurrences(ctx, hub.OccurrenceFilter{From: from, To: from.AddDate(0, 6, 0), Tag: t.Slug, Limit: 30})
	if err != nil {
		return err
	}
	guides, _, err := s.svc.ListGuides(ctx, hub.GuideFilter{Tag: t.Slug, Limit: 50})
	if err != nil {
		return err
	}
	studies, _, err := s.svc.ListCaseStudies(ctx, hub.CaseStudyFilter{Tag: t.Slug, Limit: 50})
	if err != nil {
		return err
	}
	p := s.page(r, "Topic: "+t.Name, nil)
	p.Section = "tags"
	p.Description = t.Description
	if p.Description == "" {
		p.Description = fmt.Sprintf("Events, guides and case studies about %s on %s.", t.Name, p.Site.Name)
	}
	p.Calendar, p.CalendarLabel = "/tags/"+t.Slug+"/calendar.ics", t.Name+" events"
	p.Data = struct {
		Tag         *hub.Tag
		Days        []dayGroup
		Guides      []*hub.Guide
		CaseStudies []*hub.CaseStudy
	}{t, groupByDay(occ, s.today(p.Site).Location()), guides, studies}
	return s.views.render(w, http.StatusOK, "public/tag", p)
}

func (s *Server) placeList(w http.ResponseWriter, r *http.Request) error {
	places, err := s.svc.ListPlaces(r.Context())
	if err != nil {
		return err
	}
	p := s.page(r, "Places", nil)
	p.Section = "places"
	p.Description = "Where " + p.Site.Name + "'s events happen."
	p.Data = places
	return s.views.render(w, http.StatusOK, "public/places", p)
}

func (s *Server) placeShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	pl, err := s.svc.PlaceBySlug(ctx, chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	from := s.svc.Now()
	occ, err := s.svc.Occurrences(ctx, hub.OccurrenceFilter{From: from, To: from.AddDate(0, 3, 0), PlaceID: pl.ID, Limit: 30})
	if err != nil {
		return err
	}
	studies, _, err := s.svc.ListCaseStudies(ctx, hub.CaseStudyFilter{PlaceID: pl.ID, Limit: 50})
	if err != nil {
		return err
	}
	p := s.page(r, pl.Name, nil)
	p.Section = "places"
	p.Description = pl.Address()
	if d := s.plainText(pl.Description, 200); d != "" {
		p.Description += ". " + d
	}
	ld := placeJSONLD(pl)
	ld["@context"] = "https://schema.org"
	ld["url"] = s.absURL("/places/" + pl.Slug)
	p.JSONLD = ld
	p.Calendar, p.CalendarLabel = "/places/"+pl.Slug+"/calendar.ics", "events at "+pl.Name
	p.Data = struct {
		Place       *hub.Place
		Days        []dayGroup
		CaseStudies []*hub.CaseStudy
		MapURL      string
	}{pl, groupByDay(occ, s.today(p.Site).Location()), studies, osmLink(pl)}
	return s.views.render(w, http.StatusOK, "public/place", p)
}

// osmLink is a plain link to OpenStreetMap: readers who follow it choose
// to; the page itself loads nothing from elsewhere.
func osmLink(p *hub.Place) string {
	if p.Latitude == nil || p.Longitude == nil {
		return ""
	}
	return fmt.Sprintf("https://www.openstreetmap.org/?mlat=%.5f&mlon=%.5f#map=17/%.5f/%.5f", *p.Latitude, *p.Longitude, *p.Latitude, *p.Longitude)
}

// themeCSS serves the hub's colours as CSS custom properties, so pages need
// no inline styles.
func (s *Server) themeCSS(w http.ResponseWriter, r *http.Request) error {
	st := s.settings(r.Context())
	accent := st.AccentColour
	if !hub.IsHexColour(accent) {
		accent = hub.DefaultSettings().AccentColour
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	fmt.Fprintf(w, ":root { --accent: %s; }\n", accent)
	return nil
}

func (s *Server) logo(w http.ResponseWriter, r *http.Request) error {
	data, mime, err := s.svc.Logo(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", mime)
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(data)
	return nil
}
