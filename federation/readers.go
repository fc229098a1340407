package federation

import (
	"context"
	"encoding/json"
	"github.com/commonplace-hub/commonplace/locales"
	"html"
	"net/http"
	"regexp"
	"strings"

	xhtml "golang.org/x/net/html"
)

// What a reader sees of an event, guide or case study depends on the
// software of the server they read it on (docs/FEDERATION.md, "Readable on
// every server"): the hub publishes one object, the full FEP-8a8e Event or
// the Article, and rewrites it for each reader family as it is delivered
// (postForReaders) and as it is fetched by id (ServeObject), so that the
// title, when, where, the first lines and a link are never hidden behind a
// content warning.

// forReaders returns the object as a reader family should get it. o is not
// changed; objects other than an Event or an Article are returned as they
// are.
func forReaders(fam readerFamily, o map[string]any) map[string]any {
	typ, _ := o["type"].(string)
	if typ != "Event" && typ != "Article" {
		return o
	}
	summary, _ := o["summary"].(string)
	url, _ := o["url"].(string)
	name, _ := o["name"].(string)
	switch fam {
	case familyEvents:
		return o
	case familyMastodonHTML:
		// Mastodon 4.3 and later write the name into "<h2>#{title}</h2>"
		// without escaping it (then sanitise the whole): send it as HTML,
		// so that a title with "<" or "&" shows as it is written. The
		// summary goes as the HTML it is; content is not shown there.
		out := copyObject(o)
		out["name"] = html.EscapeString(name)
		if m, ok := o["nameMap"].(map[string]any); ok {
			out["nameMap"] = escapedForEveryLanguage(m)
		}
		return out
	case familyMastodonText:
		// Mastodon before 4.3 escapes the summary it shows between the name
		// and the link: send it as text, a line per line.
		out := copyObject(o)
		text := htmlToText(summary)
		out["summary"] = text
		if m, ok := o["summaryMap"].(map[string]any); ok {
			out["summaryMap"] = sameForEveryLanguage(m, text)
		}
		return out
	case familyPleroma, familyFriendica:
		// name is shown as the title; summary would be a content warning:
		// everything goes in content.
		out := copyObject(o)
		if fam == familyPleroma && typ == "Event" {
			out["type"] = "Article" // Pleroma's status validator reads Article, Note, Page
		}
		content := summary + lineReadMore(url)
		delete(out, "summary")
		delete(out, "summaryMap")
		out["content"] = content
		if m, ok := o["contentMap"].(map[string]any); ok {
			out["contentMap"] = sameForEveryLanguage(m, content)
		}
		return out
	}
	// GoToSocial, Misskey and unknown servers: a Note with neither name nor
	// summary (either would become a content warning), everything in content,
	// and the picture as the Note's attachment.
	content := lineTitle(name) + summary + lineReadMore(url)
	out := map[string]any{"type": "Note", "content": content}
	for _, k := range []string{"id", "url", "attributedTo", "to", "cc", "published", "updated", "tag", "itemKind", "attachment", "@context"} {
		if v, ok := o[k]; ok {
			out[k] = v
		}
	}
	if m, ok := o["contentMap"].(map[string]any); ok {
		out["contentMap"] = sameForEveryLanguage(m, content)
	}
	return out
}

func copyObject(o map[string]any) map[string]any {
	out := make(map[string]any, len(o))
	for k, v := range o {
		out[k] = v
	}
	return out
}

// escapedForEveryLanguage is a language map with each (text) value HTML-escaped.
func escapedForEveryLanguage(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		s, _ := v.(string)
		out[k] = html.EscapeString(s)
	}
	return out
}

func sameForEveryLanguage(m map[string]any, v string) map[string]any {
	out := make(map[string]any, len(m))
	for k := range m {
		out[k] = v
	}
	return out
}

// activityForReaders rewrites the object of a Create or Update for a reader
// family; any other activity, or a body it cannot read, is returned as it is.
func activityForReaders(fam readerFamily, body []byte) []byte {
	if fam == familyEvents {
		return body
	}
	var a map[string]any
	if json.Unmarshal(body, &a) != nil {
		return body
	}
	if t, _ := a["type"].(string); t != "Create" && t != "Update" {
		return body
	}
	obj, ok := a["object"].(map[string]any)
	if !ok {
		return body
	}
	a["object"] = forReaders(fam, obj)
	out, err := json.Marshal(a)
	if err != nil {
		return body
	}
	return out
}

// postForReaders delivers an activity to an inbox in the form the inbox's
// server shows well: deliveries are one per (shared) inbox, so one per
// server family.
func (f *Federation) postForReaders(ctx context.Context, inbox string, body []byte) (int, error) {
	return f.post(ctx, inbox, activityForReaders(f.software.familyOfURL(ctx, inbox), body))
}

var (
	cavageKeyID = regexp.MustCompile(`(?i)(?:^|[,\s])keyId\s*=\s*"([^"]*)"`)
	rfc9421Key  = regexp.MustCompile(`(?i);\s*keyid\s*=\s*"([^"]*)"`)
)

// askerFamily is the reader family of the server a GET comes from: the
// server of its signature's key id (draft-cavage Signature, or RFC 9421
// Signature-Input). An unsigned request gets the form every family reads
// acceptably. The signature is not verified: every form is public, so a
// forged key id only gets its sender another public form.
func (f *Federation) askerFamily(r *http.Request) readerFamily {
	keyID := ""
	if m := cavageKeyID.FindStringSubmatch(r.Header.Get("Signature")); m != nil {
		keyID = m[1]
	} else if m := rfc9421Key.FindStringSubmatch(r.Header.Get("Signature-Input")); m != nil {
		keyID = m[1]
	}
	if keyID == "" {
		return familyUnknown
	}
	return f.software.familyOfURL(r.Context(), keyID)
}

// Lines of federated text, one function each, for the later translation of
// what the hub sends.

// lineTitle is an item's title as the first line of a post that has no
// other place for it.
func lineTitle(title string) string {
	if title == "" {
		return ""
	}
	return "<p><strong>" + html.EscapeString(title) + "</strong></p>"
}

// lineReadMore links to the item's page.
func lineReadMore(url string) string {
	if url == "" {
		return ""
	}
	u := html.EscapeString(url)
	return `<p><a href="` + u + `">` + u + `</a></p>`
}

// lineWhen says when an occurrence happens.
func lineWhen(when string) string { return "📅 " + html.EscapeString(when) }

// linePlace says where: the place's name and address.
func linePlace(where string) string { return "📍 " + html.EscapeString(where) }

// lineOnline gives the address of an event held online.
func lineOnline(w locales.Words, url string) string {
	return "💻 " + html.EscapeString(w.T("Online: %s", url))
}

// lineOrganiser says who organises an event.
func lineOrganiser(who string) string { return "👥 " + html.EscapeString(who) }

// lineGuideFrom says a guide comes from this hub.
func lineGuideFrom(w locales.Words, hubName string) string {
	return "<p>📘 " + html.EscapeString(w.T("A guide from %s", hubName)) + "</p>"
}

// lineCaseStudyFrom says whose case study it is.
func lineCaseStudyFrom(w locales.Words, who string) string {
	return "<p>🧭 " + html.EscapeString(w.T("A case study from %s", who)) + "</p>"
}

// htmlToText turns the hub's own summary HTML into text: a line break per
// <br>, a blank line between paragraphs.
func htmlToText(s string) string {
	var b strings.Builder
	z := xhtml.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return strings.TrimSpace(b.String())
		case xhtml.TextToken:
			b.Write(z.Text())
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			if name, _ := z.TagName(); string(name) == "br" {
				b.WriteString("\n")
			}
		case xhtml.EndTagToken:
			if name, _ := z.TagName(); string(name) == "p" {
				b.WriteString("\n\n")
			}
		}
	}
}
