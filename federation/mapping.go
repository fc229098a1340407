package federation

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"strings"
	"time"
	"unicode"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/markdown"
	"github.com/commonplace-hub/commonplace/internal/uris"
	"github.com/commonplace-hub/commonplace/locales"
)

// NamespaceIRI is the JSON-LD namespace of Commonplace's extension
// properties (docs/FEDERATION.md lists them).
const NamespaceIRI = "https://commonplace-hub.github.io/ns#"

// objectContext is the @context of every object and activity the hub sends.
var objectContext = []any{
	asContext,
	map[string]any{
		"cp":              NamespaceIRI,
		"Hashtag":         "as:Hashtag",
		"sensitive":       "as:sensitive",
		"toot":            "http://joinmastodon.org/ns#",
		"discoverable":    "toot:discoverable",
		"indexable":       "toot:indexable",
		"schema":          "http://schema.org#",
		"PostalAddress":   "schema:PostalAddress",
		"address":         "schema:address",
		"streetAddress":   "schema:streetAddress",
		"postalCode":      "schema:postalCode",
		"addressLocality": "schema:addressLocality",
		"addressRegion":   "schema:addressRegion",
		"addressCountry":  "schema:addressCountry",
		"VirtualLocation": "schema:VirtualLocation",
		"timezone":        "cp:timezone",
		"organizers":      map[string]any{"@id": "cp:organizers", "@type": "@id"},
		"itemKind":        "cp:itemKind",
		"problem":         "cp:problem",
		"approach":        "cp:approach",
		"tools":           "cp:tools",
		"outcome":         "cp:outcome",
		"lessons":         "cp:lessons",
		"organisation":    "cp:organisation",
		"contact":         "cp:contact",
		"accessibility":   "cp:accessibility",
		"bookingUrl":      map[string]any{"@id": "cp:bookingUrl", "@type": "@id"},
		// An event that is not going ahead as planned: schema.org's
		// eventStatus (and previousStartDate), and iCalendar's STATUS as
		// Mobilizon writes and reads it.
		"eventStatus":       map[string]any{"@id": "schema:eventStatus", "@type": "@id"},
		"previousStartDate": "schema:previousStartDate",
		"ical":              "http://www.w3.org/2002/12/cal/ical#",
		// A picture's focal point and blurhash, as Mastodon writes and
		// reads them.
		"focalPoint": map[string]any{"@container": "@list", "@id": "toot:focalPoint"},
		"blurhash":   "toot:blurhash",
	},
}

// itemURL is the public page (and object IRI) of an item.
func (f *Federation) itemURL(kind hub.Kind, slug string) string {
	return uris.Base(f.baseStr).Item(kind, slug)
}

// occurrenceIRI is the IRI of one occurrence of an event series.
func (f *Federation) occurrenceIRI(e *hub.Event, date string) string {
	return uris.Base(f.baseStr).Occurrence(e.Slug, date)
}

// hashtags maps tag names to Hashtag objects.
func (f *Federation) hashtags(tags []string) []any {
	var out []any
	for _, t := range tags {
		out = append(out, map[string]any{
			"type": "Hashtag",
			"name": "#" + hashtagName(t),
			"href": uris.Base(f.baseStr).Topic(hub.Slugify(t)),
		})
	}
	return out
}

// hashtagName makes a tag name usable as a hashtag: "digital skills" ->
// "DigitalSkills" (Mastodon hashtags are letters, digits and underscores).
func hashtagName(t string) string {
	var b strings.Builder
	upper := true
	for _, r := range t {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_':
			if upper {
				r = unicode.ToUpper(r)
			}
			b.WriteRune(r)
			upper = false
		default:
			upper = true
		}
	}
	if b.Len() == 0 {
		return "tag"
	}
	return b.String()
}

// whenText says when an occurrence happens, for people, in w's language:
// "Tuesday 6 October 2026, 19:00–21:00 (Europe/London)" in English.
func whenText(w locales.Words, start, end time.Time, allDay bool, zone string) string {
	if allDay {
		last := end.AddDate(0, 0, -1)
		if !last.After(start) {
			return w.T("[sent to other servers, all day: long date] %s (all day)", w.LongDate(start))
		}
		return w.T("[sent to other servers, all days: first long date, last long date] %s – %s (all day)", w.LongDate(start), w.LongDate(last))
	}
	if end.Format("2006-01-02") == start.Format("2006-01-02") {
		return w.T("[sent to other servers, one day: long date, start time, end time, time zone] %s, %s–%s (%s)", w.LongDate(start), w.Clock24(start), w.Clock24(end), zone)
	}
	return w.T("[sent to other servers, over days: start date, start time, end date, end time, time zone] %s, %s – %s, %s (%s)",
		w.LongDate(start), w.Clock24(start), w.LongDate(end), w.Clock24(end), zone)
}

// words are the messages in the hub's language (its setting), for what it
// sends to other servers.
func (f *Federation) words(st hub.Settings) locales.Words {
	tag, ok := f.catalog.Supported(st.Language)
	if !ok {
		tag = locales.Source
	}
	return f.catalog.In(tag)
}

// clockSpan is "Tuesday 6 October 2026, 19:00–21:00" in w's language, the
// end's day named when it is another.
func clockSpan(w locales.Words, start, end time.Time) string {
	if end.Format("2006-01-02") == start.Format("2006-01-02") {
		return w.T("[sent to other servers, times of one day: long date, start time, end time] %s, %s–%s", w.LongDate(start), w.Clock24(start), w.Clock24(end))
	}
	return w.T("[sent to other servers, times over days: start date, start time, end date, end time] %s, %s – %s, %s",
		w.LongDate(start), w.Clock24(start), w.LongDate(end), w.Clock24(end))
}

// whenTextAt is whenText for a hub whose clock is here: when the event's
// clock reads otherwise, "Thursday 4 April 2030, 19:00–20:30 New York time
// (Friday 5 April 2030, 00:00–01:30 London time)" in English, so followers
// see both and the hub's time is not taken for the event's.
func whenTextAt(w locales.Words, start, end time.Time, allDay bool, zone string, here *time.Location) string {
	if allDay || here == nil || hub.SameClock(start, start.Location(), here) {
		return whenText(w, start, end, allDay, zone)
	}
	return w.T("[sent to other servers, an event on another clock: its times, its city, the hub's times, the hub's city] %s %s time (%s %s time)",
		clockSpan(w, start, end), hub.ZoneCity(start.Location()), clockSpan(w, start.In(here), end.In(here)), hub.ZoneCity(here))
}

// baseObject holds what every published object carries.
func (f *Federation) baseObject(typ, id, name, url string, published, updated time.Time, lang string) map[string]any {
	o := map[string]any{
		"id":           id,
		"type":         typ,
		"name":         name,
		"url":          url,
		"attributedTo": f.ActorID(),
		"to":           []any{publicIRI},
		"cc":           []any{f.followersIRI()},
		"published":    published.UTC().Format(time.RFC3339),
	}
	if updated.After(published.Add(time.Second)) {
		o["updated"] = updated.UTC().Format(time.RFC3339)
	}
	return o
}

func withContent(o map[string]any, summaryHTML, contentHTML, lang string) {
	o["summary"] = summaryHTML
	o["content"] = contentHTML
	if lang != "" {
		o["contentMap"] = map[string]any{lang: contentHTML}
		o["summaryMap"] = map[string]any{lang: summaryHTML}
	}
}

// eventObject maps one occurrence of an event to an ActivityStreams Event
// with the FEP-8a8e properties. id is the object's IRI. An occurrence
// marked cancelled, postponed or rescheduled carries eventStatus and
// ical:status, and its summary starts with the status.
func (f *Federation) eventObject(e *hub.Event, occ hub.Occurrence, id string, st hub.Settings) map[string]any {
	start, end := occ.Start, occ.End
	url := f.itemURL(hub.KindEvent, e.Slug)
	if id != url {
		url = id
	}
	o := f.baseObject(hub.KindEvent.ASType(), id, e.Title, url, e.CreatedAt, e.UpdatedAt, st.Language)
	o["itemKind"] = hub.KindEvent.String()
	o["timezone"] = e.TimeZone
	if e.AllDay {
		o["startTime"] = start.Format(time.RFC3339)
		o["endTime"] = end.Format(time.RFC3339)
	} else {
		o["startTime"] = start.Format(time.RFC3339)
		o["endTime"] = end.Format(time.RFC3339)
	}
	o["organizers"] = []any{f.ActorID()}

	w := f.words(st)
	var lines []string
	var here *time.Location
	if loc, err := time.LoadLocation(st.TimeZone); err == nil && st.TimeZone != "" {
		here = loc
	}
	lines = append(lines, lineWhen(whenTextAt(w, start, end, e.AllDay, e.TimeZone, here)))
	var locations []any
	if p := e.Place; p != nil {
		where := p.Name
		if a := p.Address(); a != "" {
			where += ", " + a
		}
		lines = append(lines, linePlace(where))
		place := map[string]any{"type": "Place", "name": p.Name}
		if p.Address() != "" {
			addr := map[string]any{"type": "PostalAddress"}
			for k, v := range map[string]string{"streetAddress": p.StreetAddress, "addressLocality": p.Locality,
				"addressRegion": p.Region, "postalCode": p.PostalCode, "addressCountry": p.Country} {
				if v != "" {
					addr[k] = v
				}
			}
			place["address"] = addr
		}
		if p.Latitude != nil && p.Longitude != nil {
			place["latitude"] = *p.Latitude
			place["longitude"] = *p.Longitude
		}
		locations = append(locations, place)
	}
	if e.OnlineURL != "" {
		lines = append(lines, lineOnline(w, e.OnlineURL))
		locations = append(locations, map[string]any{"type": "VirtualLocation", "url": e.OnlineURL})
	}
	switch len(locations) {
	case 0:
	case 1:
		o["location"] = locations[0]
	default:
		o["location"] = locations
	}
	if e.Organiser != "" {
		lines = append(lines, lineOrganiser(e.Organiser))
	}
	summary := "<p>" + strings.Join(lines, "<br>") + "</p>"
	if occ.Status.Marked() {
		summary = "<p>" + html.EscapeString(occ.StatusIn(f.words(st))) + "</p>" + summary
		setEventStatus(o, occ)
	}
	if a := markdown.Abstract(e.Description, 300); a != "" {
		summary += "<p>" + html.EscapeString(a) + "</p>"
	}
	withContent(o, summary, markdown.FederatedHTML(e.Description), st.Language)
	if e.Accessibility != "" {
		o["accessibility"] = e.Accessibility
	}
	if e.BookingURL != "" {
		o["bookingUrl"] = e.BookingURL
	}
	if tags := f.hashtags(e.Tags); len(tags) > 0 {
		o["tag"] = tags
	}
	return o
}

// setEventStatus adds what peers read of a marked occurrence: schema.org's
// eventStatus (with previousStartDate for a rescheduled one) and
// iCalendar's STATUS as "ical:status", which Mobilizon reads (CANCELLED,
// TENTATIVE for postponed, CONFIRMED).
func setEventStatus(o map[string]any, occ hub.Occurrence) {
	o["eventStatus"] = occ.Status.SchemaOrg()
	o["ical:status"] = occ.Status.ICal()
	if occ.Status == hub.StatusRescheduled && !occ.PreviousStart.IsZero() && !occ.PreviousStart.Equal(occ.Start) {
		o["previousStartDate"] = occ.PreviousStart.Format(time.RFC3339)
	}
}

// guideObject maps a guide to an Article.
func (f *Federation) guideObject(g *hub.Guide, st hub.Settings) map[string]any {
	url := f.itemURL(hub.KindGuide, g.Slug)
	o := f.baseObject(hub.KindGuide.ASType(), url, g.Title, url, g.CreatedAt, g.UpdatedAt, st.Language)
	o["itemKind"] = hub.KindGuide.String()
	summary := g.Summary
	if summary == "" {
		summary = markdown.Abstract(g.Body, 300)
	}
	withContent(o, lineGuideFrom(f.words(st), st.Name)+"<p>"+html.EscapeString(summary)+"</p>", markdown.FederatedHTML(g.Body), st.Language)
	if tags := f.hashtags(g.Tags); len(tags) > 0 {
		o["tag"] = tags
	}
	withAdaptedFrom(o, g.AdaptedFrom, f.words(st))
	return o
}

// caseStudyObject maps a case study to an Article whose structured
// sections are extension properties.
func (f *Federation) caseStudyObject(c *hub.CaseStudy, st hub.Settings) map[string]any {
	url := f.itemURL(hub.KindCaseStudy, c.Slug)
	o := f.baseObject(hub.KindCaseStudy.ASType(), url, c.Title, url, c.CreatedAt, c.UpdatedAt, st.Language)
	o["itemKind"] = hub.KindCaseStudy.String()
	var content strings.Builder
	for _, s := range c.Sections() {
		fmt.Fprintf(&content, "<h3>%s</h3>\n%s\n", html.EscapeString(f.words(st).T(s.Heading)), markdown.FederatedHTML(s.Text))
		o[s.Key] = s.Text
	}
	who := c.Organisation
	if who == "" {
		who = st.Name
	}
	summary := lineCaseStudyFrom(f.words(st), who)
	if c.Summary != "" {
		summary += "<p>" + html.EscapeString(c.Summary) + "</p>"
	}
	withContent(o, summary, strings.TrimSpace(content.String()), st.Language)
	if c.Organisation != "" {
		o["organisation"] = c.Organisation
	}
	if c.Contact != "" {
		o["contact"] = c.Contact
	}
	if p := c.Place; p != nil {
		o["location"] = map[string]any{"type": "Place", "name": p.Name}
	}
	if tags := f.hashtags(c.Tags); len(tags) > 0 {
		o["tag"] = tags
	}
	withAdaptedFrom(o, c.AdaptedFrom, f.words(st))
	return o
}

// withContext returns a copy of an object with the @context, to serve it
// on its own.
func withContext(o map[string]any) map[string]any {
	out := make(map[string]any, len(o)+1)
	for k, v := range o {
		out[k] = v
	}
	out["@context"] = objectContext
	return out
}

// objectHash identifies an object's content, ignoring its timestamps, so
// an unchanged object is not sent again.
func objectHash(o map[string]any) (string, []byte, error) {
	body, err := json.Marshal(o)
	if err != nil {
		return "", nil, err
	}
	c := make(map[string]any, len(o))
	for k, v := range o {
		if k != "updated" && k != "published" {
			c[k] = v
		}
	}
	b, err := json.Marshal(c)
	if err != nil {
		return "", nil, err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), body, nil
}
