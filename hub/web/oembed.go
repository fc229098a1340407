package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/uris"
)

// oEmbed (https://oembed.com): an item page's address pasted into
// WordPress, Discourse and the like becomes the item's embed. Item pages
// advertise /oembed with <link rel="alternate" type="application/json+oembed">;
// /oembed answers a "rich" response whose html is an <iframe> of the
// item's embed (/embed/...), sized within maxwidth and maxheight.

// oembedKinds are the kinds whose pages have an embed, with its default
// size in CSS pixels.
var oembedKinds = []struct {
	kind          hub.Kind
	width, height int
}{
	{hub.KindEvent, 600, 320},
	{hub.KindGuide, 600, 240},
	{hub.KindCaseStudy, 600, 240},
}

// oembedResponse is a rich oEmbed response (oEmbed 1.0, section 2.3.4).
type oembedResponse struct {
	Type         string `json:"type"`
	Version      string `json:"version"`
	Title        string `json:"title"`
	ProviderName string `json:"provider_name"`
	ProviderURL  string `json:"provider_url"`
	CacheAge     int    `json:"cache_age"`
	HTML         string `json:"html"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
}

// oembedURL is the discovery link of an item page (its own address as the
// url parameter).
func (s *Server) oembedURL(page string) string {
	return s.absURL("/oembed?" + url.Values{"url": {page}, "format": {"json"}}.Encode())
}

// withOEmbed advertises the page's oEmbed (event, guide and case study pages).
func (s *Server) withOEmbed(p *pageData, r *http.Request) {
	p.OEmbed = s.oembedURL(s.absURL(r.URL.Path))
}

// oembed answers /oembed?url=...: 404 for an address that is not one of
// this hub's item pages or names no item, 501 for a format but JSON.
func (s *Server) oembed(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if f := q.Get("format"); f != "" && f != "json" {
		return &apiError{status: http.StatusNotImplemented, code: "ENOTIMPLEMENTED", msg: s.t(r, "Only the json format is available.")}
	}
	maxW, err := oembedMax(q.Get("maxwidth"))
	if err != nil {
		return &apiError{status: http.StatusBadRequest, code: "EINVALID", msg: s.t(r, "maxwidth and maxheight must be whole numbers of pixels.")}
	}
	maxH, err := oembedMax(q.Get("maxheight"))
	if err != nil {
		return &apiError{status: http.StatusBadRequest, code: "EINVALID", msg: s.t(r, "maxwidth and maxheight must be whole numbers of pixels.")}
	}
	kind, slug, width, height, ok := s.oembedTarget(q.Get("url"))
	if !ok {
		return hub.Errorf(hub.ENOTFOUND, "This hub has no embed for that address.")
	}
	title, err := s.itemTitle(r, kind, slug)
	if err != nil {
		return err
	}
	if maxW > 0 && width > maxW {
		width = maxW
	}
	if maxH > 0 && height > maxH {
		height = maxH
	}
	st := s.settings(r.Context())
	src := s.absURL("/embed" + uris.Item(kind, slug))
	w.Header().Set("Access-Control-Allow-Origin", "*")
	return writeJSON(w, http.StatusOK, oembedResponse{
		Type: "rich", Version: "1.0", Title: title, ProviderName: st.Name, ProviderURL: s.absURL("/"), CacheAge: 3600,
		HTML:  iframeSnippet(src, title, strconv.Itoa(width), strconv.Itoa(height)),
		Width: width, Height: height,
	})
}

// oembedMax reads maxwidth or maxheight: "" is 0 (no limit).
func oembedMax(v string) (int, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 100000 {
		return 0, strconv.ErrRange
	}
	return n, nil
}

// oembedTarget reads an item page's address on this hub (its scheme and
// host, any query), into the item's kind and slug and its embed's size.
func (s *Server) oembedTarget(raw string) (hub.Kind, string, int, int, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.User != nil || !strings.EqualFold(u.Scheme, s.base.Scheme) || !strings.EqualFold(u.Host, s.base.Host) {
		return "", "", 0, 0, false
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) != 2 || parts[1] == "" {
		return "", "", 0, 0, false
	}
	for _, k := range oembedKinds {
		if parts[0] == k.kind.Path() {
			return k.kind, parts[1], k.width, k.height, true
		}
	}
	return "", "", 0, 0, false
}

// itemTitle is an item's title; ENOTFOUND when there is no such item.
func (s *Server) itemTitle(r *http.Request, kind hub.Kind, slug string) (string, error) {
	ctx := r.Context()
	switch kind {
	case hub.KindEvent:
		e, err := s.svc.EventBySlug(ctx, slug)
		if err != nil {
			return "", err
		}
		return e.Title, nil
	case hub.KindGuide:
		g, err := s.svc.GuideBySlug(ctx, slug)
		if err != nil {
			return "", err
		}
		return g.Title, nil
	case hub.KindCaseStudy:
		c, err := s.svc.CaseStudyBySlug(ctx, slug)
		if err != nil {
			return "", err
		}
		return c.Title, nil
	}
	return "", hub.Errorf(hub.ENOTFOUND, "This hub has no embed for that address.")
}

// embedItem is /embed/guides/{slug} and /embed/case-studies/{slug}: a
// guide's or case study's title and summary, linking to its page.
func (s *Server) embedItem(kind hub.Kind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		eq, err := parseEmbedQuery(r.URL.Query())
		if err != nil {
			return err
		}
		slug := chi.URLParam(r, "slug")
		var title, summary string
		switch kind {
		case hub.KindGuide:
			g, err := s.svc.GuideBySlug(r.Context(), slug)
			if err != nil {
				return err
			}
			title, summary = g.Title, g.Summary
		default:
			c, err := s.svc.CaseStudyBySlug(r.Context(), slug)
			if err != nil {
				return err
			}
			title, summary = c.Title, c.Summary
		}
		p := s.page(r, title, nil)
		p.NoIndex = true
		p.Data = &embedPage{Query: eq, Heading: title, Summary: summary, More: s.absURL(uris.Item(kind, slug))}
		return s.views.render(w, http.StatusOK, "public/embed_item", p)
	}
}
