package federation_test

import (
	"context"
	"encoding/json"
	"image"
	_ "image/jpeg"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/picturetest"
)

// mastodonMedia is what Mastodon's ActivityPub::Parser::MediaAttachmentParser
// (app/lib/activitypub/parser/media_attachment_parser.rb) reads of an
// attachment: remote_url from url (a string or a Link's href),
// description from summary, else name, focus from focalPoint, and the
// content type from mediaType.
type mastodonMedia struct {
	remoteURL, description, contentType string
	focus                               []any
}

func readAsMastodon(t *testing.T, att map[string]any) mastodonMedia {
	t.Helper()
	var m mastodonMedia
	switch u := att["url"].(type) {
	case string:
		m.remoteURL = u
	case map[string]any:
		m.remoteURL, _ = u["href"].(string)
	}
	if s, _ := att["summary"].(string); strings.TrimSpace(s) != "" {
		m.description = strings.TrimSpace(s)
	} else if n, _ := att["name"].(string); strings.TrimSpace(n) != "" {
		m.description = strings.TrimSpace(n)
	}
	m.contentType, _ = att["mediaType"].(string)
	m.focus, _ = att["focalPoint"].([]any)
	return m
}

// TestPicturesGoOutAsAttachments: an event's and a guide's pictures go to
// the fediverse as attachments shaped like Mastodon's own (checked against
// a real Mastodon document), with the description as name; the event's
// is its image too, and the hub's header image is the actor's image.
func TestPicturesGoOutAsAttachments(t *testing.T) {
	h := newHub(t)
	f := newFediverse(t)
	h.follow(f, f.actor("alice", true))
	note := activityDoc(t, "mastodon-note-attachment-blurhash-group-mention.json")
	real := note["attachment"].([]any)[0].(map[string]any)
	realRead := readAsMastodon(t, real)
	if realRead.remoteURL == "" || realRead.description == "" || realRead.contentType != "image/jpeg" || len(realRead.focus) != 2 {
		t.Fatalf("the Mastodon document reads as %+v", realRead)
	}

	start := time.Now().Add(48 * time.Hour).Truncate(time.Hour)
	e := &hub.Event{Title: "Bike repair", TimeZone: "Europe/London", Start: start, End: start.Add(2 * time.Hour)}
	if err := h.svc.CreateEvent(h.host(), e); err != nil {
		t.Fatal(err)
	}
	g := &hub.Guide{Title: "Fixing a puncture", Body: "Find the hole."}
	if err := h.svc.CreateGuide(h.host(), g); err != nil {
		t.Fatal(err)
	}
	alt := "Six people mending bikes in a bright hall"
	for _, owner := range []struct {
		owner hub.PictureOwner
		id    int64
	}{{hub.OwnerEvent, e.ID}, {hub.OwnerGuide, g.ID}, {hub.OwnerHeader, 0}} {
		if _, err := h.svc.SetPicture(h.host(), owner.owner, owner.id, hub.PictureUpload{Data: picturetest.JPEG(2000, 1500, 1), Alt: alt, FocusX: 0.5, FocusY: -0.25}); err != nil {
			t.Fatal(err)
		}
	}

	for _, path := range []string{"/events/" + e.Slug, "/guides/" + g.Slug} {
		_, obj := h.get(path, "application/activity+json")
		atts, _ := obj["attachment"].([]any)
		if len(atts) != 1 {
			t.Fatalf("%s: attachment %v", path, obj["attachment"])
		}
		att := atts[0].(map[string]any)
		for k, v := range real {
			if k == "blurhash" {
				continue // not made by the hub
			}
			if got, ok := att[k]; !ok {
				t.Errorf("%s: attachment lacks %q that Mastodon sends", path, k)
			} else if _, isString := v.(string); isString != (func() bool { _, s := got.(string); return s }()) {
				t.Errorf("%s: %q is %T, Mastodon's is %T", path, k, got, v)
			}
		}
		read := readAsMastodon(t, att)
		if read.description != alt || read.contentType != "image/jpeg" || len(read.focus) != 2 || read.focus[0] != 0.5 || read.focus[1] != -0.25 {
			t.Errorf("%s: Mastodon would read %+v", path, read)
		}
		if att["type"] != "Image" || att["width"] != float64(1600) || att["height"] != float64(1200) {
			t.Errorf("%s: attachment %v", path, att)
		}
		resp, err := http.Get(read.remoteURL)
		if err != nil {
			t.Fatal(err)
		}
		cfg, _, err := image.DecodeConfig(resp.Body)
		resp.Body.Close()
		if err != nil || cfg.Width != 1600 || resp.Header.Get("Content-Type") != "image/jpeg" {
			t.Errorf("%s: the attachment's url serves %v %v", path, cfg, err)
		}
	}
	// A Mastodon 4.5 follower gets the Event itself (as Mobilizon and
	// Gancio do), in an Update once the picture is added: the picture is
	// its attachment and its image (the banner); the Article's is only an
	// attachment.
	waitFor(t, "an Update of the event and of the guide", func() bool { return len(f.deliveries("Update")) >= 2 })
	for _, d := range f.deliveries("Update") {
		obj, _ := d.Body["object"].(map[string]any)
		atts, _ := obj["attachment"].([]any)
		if len(atts) != 1 || readAsMastodon(t, atts[0].(map[string]any)).description != alt {
			t.Fatalf("Update of %s: attachment %v", obj["type"], obj["attachment"])
		}
		img, _ := obj["image"].(map[string]any)
		switch obj["type"] {
		case "Event":
			if img["url"] != atts[0].(map[string]any)["url"] || img["name"] != alt {
				t.Errorf("the event's image is %v", obj["image"])
			}
		case "Article":
			if img != nil {
				t.Errorf("an Article with an image: %v", img)
			}
		default:
			t.Errorf("Update of a %v", obj["type"])
		}
	}
	// The context defines focalPoint as Mastodon's does.
	_, obj := h.get("/events/"+e.Slug, "application/activity+json")
	if ctx, _ := json.Marshal(obj["@context"]); !strings.Contains(string(ctx), `"focalPoint":{"@container":"@list","@id":"toot:focalPoint"}`) {
		t.Errorf("@context %s", ctx)
	}
	// The header image is the actor's image, once the actor document
	// cached when alice followed (5 seconds) is made again.
	var actor map[string]any
	waitFor(t, "the actor's image", func() bool { _, actor = h.get("/actor", "application/activity+json"); return actor["image"] != nil })
	if img, _ := actor["image"].(map[string]any); img["name"] != alt || img["mediaType"] != "image/jpeg" || img["type"] != "Image" {
		t.Errorf("actor image %v", actor["image"])
	}
}

// TestPeersPicturesAreKept: pictures on peers' items arrive in the commons
// with their address and description (empty when there is none), read
// from an attachment as Mastodon sends one (the real document's), a
// Document of an image type, or Mobilizon's image; links, non-image
// documents and addresses that are not http(s) are not pictures.
func TestPeersPicturesAreKept(t *testing.T) {
	h := newHub(t)
	f := newFediverse(t)
	group := f.actor("group", true)
	followFake(t, h, f, group)
	note := activityDoc(t, "mastodon-note-attachment-blurhash-group-mention.json")
	mastodonAttachment := note["attachment"].([]any)[0].(map[string]any)
	tests := []struct {
		name string
		typ  string
		att  map[string]any // set as the object's attachment (with a Link before it)
		img  any            // set as the object's image
		want *hub.RemotePicture
	}{
		{"Mastodon's attachment", "Event", mastodonAttachment, nil, &hub.RemotePicture{URL: mastodonAttachment["url"].(string),
			Alt: mastodonAttachment["name"].(string), MediaType: "image/jpeg", Width: 1500, Height: 1095}},
		{"no description", "Article", map[string]any{"type": "Image", "url": map[string]any{"type": "Link", "href": "https://peer.example/p.png"}}, nil,
			&hub.RemotePicture{URL: "https://peer.example/p.png"}},
		{"Mobilizon's banner as image", "Event", nil, map[string]any{"type": "Image", "url": "https://peer.example/banner.jpg", "name": "<b>Banner</b>", "mediaType": "image/jpeg"},
			&hub.RemotePicture{URL: "https://peer.example/banner.jpg", Alt: "Banner", MediaType: "image/jpeg"}},
		{"a PDF", "Article", map[string]any{"type": "Document", "mediaType": "application/pdf", "url": "https://peer.example/a.pdf"}, nil, nil},
		{"a javascript: address", "Event", map[string]any{"type": "Image", "url": "javascript:alert(1)", "name": "x"}, nil, nil},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj := map[string]any{"id": group.id(f) + "/items/" + strconv.Itoa(i), "type": tt.typ, "name": "Item " + tt.name, "attributedTo": group.id(f),
				"startTime": "2027-04-01T10:00:00Z", "endTime": "2027-04-01T12:00:00Z", "to": []any{"https://www.w3.org/ns/activitystreams#Public"},
				"content": "<p>Hello</p>"}
			if tt.att != nil {
				obj["attachment"] = []any{map[string]any{"type": "Link", "href": "https://peer.example/", "mediaType": "text/html"}, tt.att}
			}
			if tt.img != nil {
				obj["image"] = tt.img
			}
			if resp := f.post(signedPost{a: group, url: h.inbox(), body: f.activity(group, "Create", obj)}); resp.StatusCode != http.StatusAccepted {
				t.Fatalf("create: %d", resp.StatusCode)
			}
			it, err := h.db.Commons().RemoteItemByObject(context.Background(), obj["id"].(string))
			if err != nil {
				t.Fatal(err)
			}
			if (it.Picture == nil) != (tt.want == nil) || (tt.want != nil && *it.Picture != *tt.want) {
				t.Errorf("picture %+v, want %+v", it.Picture, tt.want)
			}
		})
	}
}
