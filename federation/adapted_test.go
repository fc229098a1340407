package federation

import (
	"strings"
	"testing"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/locales"
)

// What an adapted guide or case study carries: the FEP-e232 object link,
// the original's actor in cc and a line at the head of the summary, with
// the original's title escaped; and nothing for an item not adapted.
func TestWithAdaptedFrom(t *testing.T) {
	w := locales.MustLoad().In(locales.Source)
	a := &hub.AdaptedFrom{ObjectID: "https://a.example/case-studies/x", URL: "https://a.example/case-studies/x", Title: "Tablets <b>&</b> us",
		Kind: hub.KindCaseStudy, Origin: hub.Origin{ActorID: "https://a.example/actor", Name: "Hub A", Host: "a.example"}}
	o := map[string]any{"summary": "<p>Ours.</p>", "summaryMap": map[string]any{"en": "<p>Ours.</p>"}, "cc": []any{"https://b.example/actor/followers"},
		"tag": []any{map[string]any{"type": "Hashtag", "name": "#x"}}}
	withAdaptedFrom(o, a, w)
	if got := adaptedFromRef(doc(o)); got != a.ObjectID {
		t.Errorf("the object link reads back as %q", got)
	}
	if cc := doc(o).refs("cc"); len(cc) != 2 || cc[1] != a.Origin.ActorID {
		t.Errorf("cc = %v, want the followers and the original's actor", cc)
	}
	want := `<p>↪ Adapted from <a href="https://a.example/case-studies/x">Tablets &lt;b&gt;&amp;&lt;/b&gt; us</a> by Hub A</p><p>Ours.</p>`
	if o["summary"] != want || o["summaryMap"].(map[string]any)["en"] != want {
		t.Errorf("summary = %q\nwant      %q", o["summary"], want)
	}
	plain := map[string]any{"summary": "<p>Ours.</p>"}
	withAdaptedFrom(plain, nil, w)
	if len(plain) != 1 || plain["summary"] != "<p>Ours.</p>" {
		t.Errorf("an item not adapted was changed: %v", plain)
	}
}

// Reading the reference: only a Link with the isBasedOn rel and an
// ActivityStreams media type counts, however the tag is shaped.
func TestAdaptedFromRef(t *testing.T) {
	const href = "https://a.example/guides/g"
	for _, c := range []struct {
		name, json, want string
	}{
		{"FEP-e232 link", `{"tag":[{"type":"Link","rel":"https://schema.org/isBasedOn","mediaType":"application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"","href":"` + href + `"}]}`, href},
		{"activity+json, a single tag", `{"tag":{"type":"Link","rel":"https://schema.org/isBasedOn","mediaType":"application/activity+json","href":"` + href + `"}}`, href},
		{"a quote link is not an adaptation", `{"tag":[{"type":"Link","rel":"https://misskey-hub.net/ns#_misskey_quote","mediaType":"application/activity+json","href":"` + href + `"}]}`, ""},
		{"a web page link is not an object link", `{"tag":[{"type":"Link","rel":"https://schema.org/isBasedOn","mediaType":"text/html","href":"` + href + `"}]}`, ""},
		{"a Mention", `{"tag":[{"type":"Mention","rel":"https://schema.org/isBasedOn","mediaType":"application/activity+json","href":"` + href + `"}]}`, ""},
		{"no href", `{"tag":[{"type":"Link","rel":"https://schema.org/isBasedOn","mediaType":"application/activity+json"}]}`, ""},
		{"href not a string", `{"tag":[{"type":"Link","rel":"https://schema.org/isBasedOn","mediaType":"application/activity+json","href":{"x":1}}]}`, ""},
		{"tag a string", `{"tag":"` + href + `"}`, ""},
		{"no tag", `{}`, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := parseDoc([]byte(c.json))
			if err != nil {
				t.Fatal(err)
			}
			if got := adaptedFromRef(d); got != c.want {
				t.Errorf("adaptedFromRef = %q, want %q", got, c.want)
			}
		})
	}
}

// The summary line is translated: the hub's language is what followers read.
func TestAdaptedFromLineInWelsh(t *testing.T) {
	w := locales.MustLoad().In("cy")
	o := map[string]any{"summary": ""}
	withAdaptedFrom(o, &hub.AdaptedFrom{ObjectID: "https://a.example/g", Title: "G", Origin: hub.Origin{Name: "A"}}, w)
	if s := o["summary"].(string); !strings.Contains(s, "Addaswyd o") {
		t.Errorf("summary in Welsh: %q", s)
	}
}

// What a peer's object says it is adapted from, as the commons keeps it:
// http(s) originals only, the link's name as plain text, its href when it
// has none.
func TestRemoteOriginal(t *testing.T) {
	link := func(href, name string) doc {
		return doc{"tag": []any{map[string]any{"type": "Link", "rel": relAdaptedFrom, "mediaType": "application/activity+json", "href": href, "name": name}}}
	}
	for _, c := range []struct {
		name string
		d    doc
		want *hub.RemoteOriginal
	}{
		{"named", link("https://a.example/g", "Rota"), &hub.RemoteOriginal{ObjectID: "https://a.example/g", Title: "Rota"}},
		{"HTML in the name", link("https://a.example/g", "<b>Rota</b><script>x</script>"), &hub.RemoteOriginal{ObjectID: "https://a.example/g", Title: "Rota"}},
		{"no name", link("https://a.example/g", ""), &hub.RemoteOriginal{ObjectID: "https://a.example/g", Title: "https://a.example/g"}},
		{"javascript", link("javascript:alert(1)", "x"), nil},
		{"none", doc{}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := remoteOriginal(c.d)
			if (got == nil) != (c.want == nil) || got != nil && *got != *c.want {
				t.Errorf("remoteOriginal = %+v, want %+v", got, c.want)
			}
		})
	}
}
