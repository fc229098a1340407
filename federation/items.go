package federation

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/remotehtml"
	"github.com/commonplace-hub/commonplace/internal/markdown"
	"github.com/commonplace-hub/commonplace/internal/uris"
)

// parseItem maps an Event or Article to a remote item, leniently: what
// the hub relies on (id, a title or text, times for events) is checked.
func parseItem(d doc, origin hub.Origin, now time.Time) (*hub.RemoteItem, error) {
	it := &hub.RemoteItem{ObjectID: d.id(), Kind: itemKindOf(d), Origin: origin, Received: now}
	it.URL = firstHTTP(d.refs("url"))
	if it.URL == "" {
		it.URL = it.ObjectID
	}
	content := itemLanguages(d, it)
	it.ContentHTML = remotehtml.Sanitize(content)
	it.ContentText = remotehtml.PlainText(content)
	it.Summary = remotehtml.PlainText(d.str("summary"))
	it.Title = strings.TrimSpace(remotehtml.PlainText(d.str("name")))
	if it.Title == "" {
		it.Title = markdown.Abstract(it.Summary+" "+it.ContentText, 80)
	}
	if it.Title == "" {
		return nil, errors.New("the object has neither a name nor any text")
	}
	if it.Kind == hub.KindCaseStudy {
		// Every section key, with the domain's own headings.
		all := (&hub.CaseStudy{Problem: "-", Approach: "-", Tools: "-", Outcome: "-", Lessons: "-"}).Sections()
		for _, sec := range all {
			if md := d.str(sec.Key); strings.TrimSpace(md) != "" {
				rendered := markdown.FederatedHTML(md)
				it.Sections = append(it.Sections, hub.Section{Key: sec.Key, Heading: sec.Heading, HTML: remotehtml.Sanitize(rendered)})
				it.ContentText += " " + remotehtml.PlainText(rendered)
			}
		}
	}
	it.Picture = remotePicture(d)
	it.AdaptedFrom = remoteOriginal(d)
	it.Published = parseTime(d.str("published"))
	if it.Published.IsZero() {
		it.Published = now
	}
	it.Updated = parseTime(d.str("updated"))
	if it.Updated.IsZero() {
		it.Updated = it.Published
	}
	for _, t := range d.objs("tag") {
		if !t.is("Hashtag") || len(it.Tags) >= 30 {
			continue
		}
		name := strings.TrimPrefix(strings.TrimSpace(t.str("name")), "#")
		if slug := hubTopicSlug(t.str("href"), it.ObjectID); slug != "" {
			name = strings.ReplaceAll(slug, "-", " ")
		}
		if name != "" {
			it.Tags = append(it.Tags, name)
		}
	}
	if it.Kind == hub.KindEvent {
		start, end := parseTime(d.str("startTime")), parseTime(d.str("endTime"))
		if start.IsZero() {
			return nil, fmt.Errorf("the event %s has no valid startTime", it.ObjectID)
		}
		if end.Before(start) {
			end = start
		}
		it.TimeZone = d.str("timezone")
		if _, err := time.LoadLocation(it.TimeZone); err != nil || it.TimeZone == "" {
			it.TimeZone = "UTC"
		}
		it.StartsAt, it.EndsAt = &start, &end
		for _, loc := range d.objs("location") {
			switch {
			case loc.is("VirtualLocation"):
				if it.OnlineURL == "" {
					it.OnlineURL = firstHTTP(loc.refs("url"))
				}
			default:
				if it.PlaceName != "" {
					continue
				}
				it.PlaceName = strings.TrimSpace(loc.str("name"))
				it.Address = addressOf(loc)
				it.Latitude, it.Longitude = floatOf(loc["latitude"], 90), floatOf(loc["longitude"], 180)
				if it.Latitude == nil || it.Longitude == nil {
					it.Latitude, it.Longitude = nil, nil // both or neither
				}
			}
		}
	} else if loc := d.obj("location"); loc != nil {
		it.PlaceName = strings.TrimSpace(loc.str("name"))
	}
	return it, nil
}

// addressOf reads a Place's address: free text (Gancio) or a
// PostalAddress (Mobilizon, Commonplace).
func addressOf(loc doc) string {
	if s := loc.str("address"); s != "" {
		return strings.TrimSpace(s)
	}
	a := loc.obj("address")
	if a == nil {
		return ""
	}
	var parts []string
	for _, k := range []string{"streetAddress", "addressLocality", "addressRegion", "postalCode", "addressCountry"} {
		if v := strings.TrimSpace(a.str(k)); v != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, ", ")
}

// floatOf reads a coordinate (parseDoc keeps numbers as json.Number);
// nil when it is missing, not a number or outside [-limit, limit].
func floatOf(v any, limit float64) *float64 {
	if x, ok := floatValue(v); ok && x >= -limit && x <= limit {
		return &x
	}
	return nil
}

func firstHTTP(refs []string) string {
	for _, r := range refs {
		if strings.HasPrefix(r, "https://") || strings.HasPrefix(r, "http://") {
			return r
		}
	}
	return ""
}

func parseTime(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// hubTopicSlug is the topic slug of a hashtag's href when a hub links it
// to a topic page on the item's own server: /topics/{slug}, or /tags/{slug}
// as hubs before the rename do. The slug keeps topic filters the same
// across hubs ("#DigitalSkills" is digital-skills). "" for any other href.
func hubTopicSlug(href, objectID string) string {
	u, err := url.Parse(href)
	if err != nil || HostOf(u.String()) != HostOf(objectID) {
		return ""
	}
	slug, ok := uris.TopicSlug(u.Path)
	if !ok || hub.Slugify(slug) != slug {
		return ""
	}
	return slug
}

// itemLanguages reads the languages of an object (content and the
// contentMap, nameMap and summaryMap): it sets the item's Language and
// Translations and returns the HTML content that is the item's own.
func itemLanguages(d doc, it *hub.RemoteItem) string {
	content, lang := d.str("content"), ""
	contents, names, summaries := langMap(d.obj("contentMap")), langMap(d.obj("nameMap")), langMap(d.obj("summaryMap"))
	langs := mapLanguages(contents, names, summaries)
	for _, l := range langs {
		if c := contents[l]; c != "" && (content == "" || c == content) {
			lang, content = l, c
			break
		}
	}
	if lang == "" {
		for _, l := range langs {
			if contents[l] != "" {
				lang = l
				break
			}
		}
	}
	it.Language = lang
	if l := d.str("inLanguage"); it.Language == "" && len(l) <= 16 {
		it.Language = l
	}
	for _, l := range langs {
		if l == lang {
			continue
		}
		t := hub.ItemText{Language: l, Title: strings.TrimSpace(remotehtml.PlainText(names[l])),
			Summary: remotehtml.PlainText(summaries[l]), ContentHTML: remotehtml.Sanitize(contents[l])}
		if t.Title != "" || t.Summary != "" || t.ContentHTML != "" {
			it.Translations = append(it.Translations, t)
		}
	}
	if d.str("name") == "" && names[lang] != "" {
		d["name"] = names[lang]
	}
	return content
}

// maxItemLanguages bounds how many languages of one item are kept.
const maxItemLanguages = 12

// langMap reads a nameMap, summaryMap or contentMap: language tag to text,
// tags of at most 16 characters only.
func langMap(d doc) map[string]string {
	out := map[string]string{}
	for k, v := range d {
		if s, ok := v.(string); ok && s != "" && k != "" && len(k) <= 16 {
			out[k] = s
		}
	}
	return out
}

// mapLanguages lists the languages of the maps, sorted, at most
// maxItemLanguages.
func mapLanguages(maps ...map[string]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range maps {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	if len(out) > maxItemLanguages {
		out = out[:maxItemLanguages]
	}
	return out
}
