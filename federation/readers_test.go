package federation_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	xhtml "golang.org/x/net/html"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/testkit"
)

// What a reader sees of a post on each kind of server, emulated from each
// server's own source: the rules are in docs/FEDERATION.md ("Readable on
// every server"), with the files they come from.
type seen struct {
	Title   string // shown as a heading or title, if the server has one
	Warning string // a content warning: what is behind it is hidden until clicked
	Body    string // what is shown (as text), outside any warning when Warning is ""
}

// visible is everything a reader sees without clicking a content warning.
func (s seen) visible() string {
	if s.Warning != "" {
		return s.Title + "\n" + s.Warning
	}
	return s.Title + "\n" + s.Body
}

func str(o map[string]any, k string) string { v, _ := o[k].(string); return v }

// htmlText is the text of HTML as a browser shows it, tags dropped.
func htmlText(s string) string {
	var b strings.Builder
	z := xhtml.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return b.String()
		case xhtml.TextToken:
			b.Write(z.Text())
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken, xhtml.EndTagToken:
			b.WriteString("\n")
		}
	}
}

// mastodonSees emulates Mastodon. For the converted types
// (app/lib/activitypub/activity.rb CONVERTED_TYPES: Image Audio Video
// Article Page Event) the status has an empty spoiler_text and text
// converted_text; content is not used. Before 4.3
// (app/lib/activitypub/activity/create.rb, code index file 44480550):
// converted_text = linkify([title, spoiler_text, url || uri].join("\n\n")),
// and linkify escapes, so the summary shows as written, tags and all. From
// 4.3 (mastodon/mastodon#28629, "Fix the summary of converted ActivityPub
// object types to be treated as HTML", CHANGELOG 4.3.0; create.rb in
// Menrath/mastodon @717f0103 and polyamspace/mastodon @19c89f1b, moved to
// parser/status_parser.rb processed_text later, sharlayan/mastodon @3ea982e0): converted_text =
// ["<h2>#{title}</h2>", spoiler_text, linkify(url || uri)].join("\n\n"),
// the title NOT escaped, then sanitised (lib/sanitize_ext/sanitize_config.rb
// MASTODON_STRICT keeps h2): a reader sees the HTML of all three. title is
// name, else nameMap's first value; spoiler_text is summary, else
// summaryMap's first (parser/status_parser.rb). A Note: text = content,
// spoiler_text = summary.
func mastodonSees(o map[string]any, from43 bool) seen {
	switch str(o, "type") {
	case "Image", "Audio", "Video", "Article", "Page", "Event":
		link := str(o, "url")
		if link == "" {
			link = str(o, "id")
		}
		title, summary := str(o, "name"), str(o, "summary")
		if m, ok := o["nameMap"].(map[string]any); title == "" && ok {
			for _, v := range m {
				title, _ = v.(string)
			}
		}
		if from43 {
			parts := []string{htmlText("<h2>" + title + "</h2>"), htmlText(summary), link}
			if title == "" {
				parts = parts[1:]
			}
			return seen{Title: strings.TrimSpace(parts[0]), Body: strings.Join(parts[1:], "\n")}
		}
		return seen{Body: strings.Join(slices.DeleteFunc([]string{title, summary, link}, func(s string) bool { return s == "" }), "\n\n")}
	case "Note", "Question":
		return seen{Warning: str(o, "summary"), Body: htmlText(str(o, "content"))}
	}
	return seen{} // not shown
}

// gotosocialSees emulates GoToSocial. internal/typeutils/astointernal.go
// (commit 0567b319), ASStatusToStatus: "status.ContentWarning ... prefer
// Summary, fall back to Name"; content is the post, behind the warning.
// Event, Article and Note are all statusables (internal/ap).
func gotosocialSees(o map[string]any) seen {
	cw := str(o, "summary")
	if cw == "" {
		cw = str(o, "name")
	}
	return seen{Warning: htmlText(cw), Body: htmlText(str(o, "content"))}
}

// misskeySees emulates Misskey. packages/backend/src/core/activitypub/
// models/ApNoteService.ts (commit 005b2fd8), createNote: validPost types
// only; `const cw = note.summary === ” ? null : note.summary`; text from
// _misskey_content, else source (text/x.misskeymarkdown), else
// htmlToMfm(content); name is passed on for poll votes only.
func misskeySees(o map[string]any) seen {
	switch str(o, "type") {
	case "Note", "Question", "Article", "Audio", "Document", "Image", "Page", "Video", "Event":
	default:
		return seen{}
	}
	return seen{Warning: htmlText(str(o, "summary")), Body: htmlText(str(o, "content"))}
}

// pleromaSees emulates Pleroma and Akkoma. lib/pleroma/web/activity_pub/
// object_validators/article_note_page_validator.ex (BDX-town/Akkoma, commit
// 3d17b943): validate_inclusion(:type, ["Article", "Note", "Page"]);
// lib/pleroma/web/mastodon_api/views/status_view.ex render_content: with a
// name, "<p><a href=url>name</a></p>" then content; spoiler_text = summary.
func pleromaSees(o map[string]any) seen {
	switch str(o, "type") {
	case "Article", "Note", "Page":
	default:
		return seen{} // refused by the validator
	}
	return seen{Title: str(o, "name"), Warning: htmlText(str(o, "summary")), Body: htmlText(str(o, "content"))}
}

// friendicaSees emulates Friendica. src/Protocol/ActivityPub/Processor.php
// (friendica/friendica): $item['title'] = name, $item['content-warning'] =
// summary, $item['body'] = content.
func friendicaSees(o map[string]any) seen {
	return seen{Title: str(o, "name"), Warning: htmlText(str(o, "summary")), Body: htmlText(str(o, "content"))}
}

// readerCase is one kind of server: the NodeInfo document it serves and
// how it shows a post.
type readerCase struct {
	name     string
	nodeinfo func(t testing.TB) []byte
	sees     func(o map[string]any) seen
}

func fixture(name string) func(testing.TB) []byte {
	return func(t testing.TB) []byte { return nodeInfoDoc(t, name) }
}

var readerCases = []readerCase{
	{"Mastodon 4.5", fixture("mastodon-4.5.json"), func(o map[string]any) seen { return mastodonSees(o, true) }},
	{"Mastodon 4.1", fixture("mastodon-4.1.json"), func(o map[string]any) seen { return mastodonSees(o, false) }},
	{"GoToSocial", fixture("gotosocial-0.19.json"), gotosocialSees},
	{"Misskey", fixture("misskey-2.1.json"), misskeySees},
	{"Sharkey", fixture("sharkey-2.0.json"), misskeySees},
	{"Akkoma", fixture("akkoma-2.0.json"), pleromaSees},
	{"Friendica", fixture("friendica-2023.05.json"), friendicaSees},
}

// eachReader runs fn as a subtest for each server family, with a hub
// followed by a reader on a server of that family.
func eachReader(t *testing.T, fn func(t *testing.T, rc readerCase, h *testHub, f *fediverse)) {
	for _, rc := range readerCases {
		t.Run(rc.name, func(t *testing.T) {
			h := newHub(t)
			f := newFediverse(t)
			f.nodeinfo = rc.nodeinfo(t)
			h.follow(f, f.actor("reader", true))
			fn(t, rc, h, f)
		})
	}
}

// checkReadable asserts a reader sees the title, when (with the zone),
// where, the first lines and the link, none of it behind a warning.
func checkReadable(t *testing.T, who string, s seen, link string) {
	t.Helper()
	if s.Warning != "" {
		t.Errorf("%s: behind a content warning %q: %q", who, s.Warning, s.Body)
	}
	v := s.visible()
	for _, want := range []string{"Seed swap", "Saturday 3 April 2027, 10:00–12:00 (Europe/London)", "Hulme Library", "Come along.", link} {
		if !strings.Contains(v, want) {
			t.Errorf("%s: a reader does not see %q in:\n%s", who, want, v)
		}
	}
	if strings.Contains(v, "<p>") || strings.Contains(v, "<br>") {
		t.Errorf("%s: a reader sees markup:\n%s", who, v)
	}
}

// Every server family's readers see an event's title, date and time with
// its zone, place, first lines and link, outside any content warning.
func TestReadersSeeTheEventOnEveryServer(t *testing.T) {
	eachReader(t, func(t *testing.T, rc readerCase, h *testHub, f *fediverse) {
		e := h.event("Seed swap", time.Date(2027, 4, 3, 10, 0, 0, 0, london), "")
		waitFor(t, "the Create", func() bool { return len(f.deliveries("Create")) == 1 })
		d := f.deliveries("Create")[0]
		if d.Verified != nil {
			t.Fatalf("the rewritten delivery does not verify: %v", d.Verified)
		}
		obj, _ := d.Body["object"].(map[string]any)
		checkReadable(t, rc.name, rc.sees(obj), h.base+"/events/"+e.Slug)
	})
}

// A title with markup characters shows as it is written on every server:
// Mastodon 4.3+ puts the name into "<h2>#{title}</h2>" unescaped, so the
// hub sends it HTML-escaped there (before the fix, "<cake>" vanished as an
// unknown tag and "&amp;" showed as "&").
func TestTitlesShowAsWritten(t *testing.T) {
	const title = `Tea & <cake> for "all" &amp; more`
	eachReader(t, func(t *testing.T, rc readerCase, h *testHub, f *fediverse) {
		h.event(title, time.Date(2027, 4, 3, 10, 0, 0, 0, london), "")
		waitFor(t, "the Create", func() bool { return len(f.deliveries("Create")) == 1 })
		obj, _ := f.deliveries("Create")[0].Body["object"].(map[string]any)
		if v := rc.sees(obj).visible(); !strings.Contains(v, title) {
			t.Errorf("%s: a reader does not see the title %q as written in:\n%s", rc.name, title, v)
		}
	})
}

// Hubs, Mobilizon and Gancio keep getting the full FEP-8a8e Event.
func TestEventServersGetTheFullEvent(t *testing.T) {
	for _, doc := range []string{"mobilizon-2.1.json", "gancio-2.1.json"} {
		t.Run(doc, func(t *testing.T) {
			h := newHub(t)
			f := newFediverse(t)
			f.nodeinfo = nodeInfoDoc(t, doc)
			h.follow(f, f.actor("events", true))
			h.event("Seed swap", time.Date(2027, 4, 3, 10, 0, 0, 0, london), "")
			waitFor(t, "the Create", func() bool { return len(f.deliveries("Create")) == 1 })
			obj, _ := f.deliveries("Create")[0].Body["object"].(map[string]any)
			if obj["type"] != "Event" || obj["name"] != "Seed swap" || obj["startTime"] != "2027-04-03T10:00:00+01:00" || obj["timezone"] != "Europe/London" || obj["location"] == nil {
				t.Errorf("%s got %v", doc, obj)
			}
			if !strings.Contains(str(obj, "content"), "More detail here.") {
				t.Errorf("%s lost the description: %q", doc, obj["content"])
			}
		})
	}
}

// signedGet is a GET signed as a remote actor (draft-cavage, Mastodon's
// headers for a fetch).
func signedGet(t *testing.T, f *fediverse, a *remoteActor, url string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Accept", "application/activity+json")
	req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	signing := fmt.Sprintf("(request-target): get %s\nhost: %s\ndate: %s", req.URL.RequestURI(), req.URL.Host, req.Header.Get("Date"))
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, a.key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Signature", fmt.Sprintf(`keyId="%s",algorithm="rsa-sha256",headers="(request-target) host date",signature="%s"`,
		a.keyID(f), base64.StdEncoding.EncodeToString(sig)))
	return getJSON(t, req)
}

func getJSON(t *testing.T, req *http.Request) map[string]any {
	t.Helper()
	resp, b := testkit.Do(t, nil, req)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", req.URL, resp.StatusCode, b)
	}
	if v := resp.Header.Get("Vary"); !strings.Contains(v, "Signature") {
		t.Errorf("Vary %q: caches would mix the answers to different servers", v)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// A server fetching the event by its id (a boost seen elsewhere, a URL
// pasted into search) gets what its readers see well: its signature names
// it. An unsigned fetch gets the form that reads acceptably everywhere.
func TestFetchByIDFollowsTheAsker(t *testing.T) {
	h := newHub(t)
	e := h.event("Seed swap", time.Date(2027, 4, 3, 10, 0, 0, 0, london), "")
	link := h.base + "/events/" + e.Slug
	for _, rc := range readerCases {
		t.Run(rc.name, func(t *testing.T) {
			f := newFediverse(t)
			f.nodeinfo = rc.nodeinfo(t)
			obj := signedGet(t, f, f.actor("searcher", false), link)
			if obj["id"] != link {
				t.Errorf("id %v, want %s", obj["id"], link)
			}
			checkReadable(t, rc.name, rc.sees(obj), link)
		})
	}
	t.Run("a hub", func(t *testing.T) {
		f := newFediverse(t)
		f.nodeinfo = []byte(`{"version":"2.1","software":{"name":"commonplace","version":"dev"}}`)
		obj := signedGet(t, f, f.actor("hub", false), link)
		if obj["type"] != "Event" || obj["startTime"] == nil {
			t.Errorf("a hub got %v, want the full Event", obj["type"])
		}
	})
	t.Run("unsigned", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, link, nil)
		req.Header.Set("Accept", "application/activity+json")
		obj := getJSON(t, req)
		for _, rc := range readerCases {
			checkReadable(t, "unsigned, read on "+rc.name, rc.sees(obj), link)
		}
	})
}

// A guide reads as well: its title, that it is a guide from the hub, its
// abstract and the link, outside any content warning, on every family.
func TestReadersSeeAGuideOnEveryServer(t *testing.T) {
	eachReader(t, func(t *testing.T, rc readerCase, h *testHub, f *fediverse) {
		g := &hub.Guide{Title: "Running a drop-in", Summary: "How we run a weekly digital drop-in.", Body: "## Before\n\nBook the room."}
		if err := h.svc.CreateGuide(h.host(), g); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the Create", func() bool { return len(f.deliveries("Create")) == 1 })
		obj, _ := f.deliveries("Create")[0].Body["object"].(map[string]any)
		s := rc.sees(obj)
		if s.Warning != "" {
			t.Errorf("behind a content warning %q", s.Warning)
		}
		for _, want := range []string{"Running a drop-in", "A guide from", "How we run a weekly digital drop-in.", h.base + "/guides/" + g.Slug} {
			if !strings.Contains(s.visible(), want) {
				t.Errorf("a reader does not see %q in:\n%s", want, s.visible())
			}
		}
	})
}
