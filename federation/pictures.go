package federation

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/remotehtml"
	"github.com/commonplace-hub/commonplace/internal/uris"
)

// pictureReader is what federation reads of the hub's pictures; the
// hub.Reader it is given (Config.Content) is one. Content that is not
// (a test's) publishes no pictures.
type pictureReader interface {
	Picture(ctx context.Context, owner hub.PictureOwner, ownerID int64) (*hub.Picture, error)
}

// picture returns an owner's picture, nil when it has none or it cannot
// be read (an object goes out without its picture rather than not at all).
func (f *Federation) picture(ctx context.Context, owner hub.PictureOwner, id int64) *hub.Picture {
	pr, ok := f.content.(pictureReader)
	if !ok {
		return nil
	}
	p, err := pr.Picture(ctx, owner, id)
	if err != nil {
		if hub.ErrorCode(err) != hub.ENOTFOUND {
			f.log.Warn("reading a picture to publish", "owner", string(owner), "owner_id", id, "err", err)
		}
		return nil
	}
	return p
}

// imageObject is a picture as ActivityStreams carries it, read the way
// Mastodon's MediaAttachmentParser reads an attachment (url, mediaType,
// name as the description, focalPoint; summary would be taken first, so
// there is none) and GoToSocial's attachment extraction does (the same,
// with width and height).
func (f *Federation) imageObject(p *hub.Picture) map[string]any {
	img := map[string]any{
		"type":       "Image",
		"mediaType":  p.MIME,
		"url":        uris.Base(f.baseStr).Picture(p, hub.SizeLarge),
		"width":      p.Width,
		"height":     p.Height,
		"focalPoint": []any{p.FocusX, p.FocusY},
	}
	if p.Alt != "" {
		img["name"] = p.Alt
	}
	if p.Blurhash != "" {
		img["blurhash"] = p.Blurhash
	}
	return img
}

// withPicture adds an item's picture to its object: as its attachment and,
// for an Event, as its image too (Mobilizon's banner). o is returned.
func (f *Federation) withPicture(ctx context.Context, o map[string]any, owner hub.PictureOwner, id int64) map[string]any {
	p := f.picture(ctx, owner, id)
	if p == nil {
		return o
	}
	img := f.imageObject(p)
	o["attachment"] = []any{img}
	if owner == hub.OwnerEvent {
		o["image"] = img
	}
	return o
}

// remotePicture reads the picture of a peer's item: its first attachment
// that is an Image, or a Document of an image type (Mastodon, Akkoma,
// GoToSocial), else its image (Mobilizon's banner). The description is
// the attachment's name (summary first, as Mastodon reads it), as plain
// text, "" when there is none. nil when there is no picture at an http(s)
// address.
func remotePicture(d doc) *hub.RemotePicture {
	candidates := d.objs("attachment")
	candidates = append(candidates, d.objs("image")...)
	for _, a := range candidates {
		mt := strings.ToLower(strings.TrimSpace(a.str("mediaType")))
		if !a.is("Image") && !(a.is("Document") && strings.HasPrefix(mt, "image/")) {
			continue
		}
		if mt != "" && !strings.HasPrefix(mt, "image/") {
			continue
		}
		u := firstHTTP(a.refs("url"))
		if u == "" {
			continue
		}
		alt := a.str("summary")
		if strings.TrimSpace(alt) == "" {
			alt = a.str("name")
		}
		alt = strings.TrimSpace(remotehtml.PlainText(alt))
		if r := []rune(alt); len(r) > hub.MaxAltLength {
			alt = string(r[:hub.MaxAltLength])
		}
		return &hub.RemotePicture{URL: u, Alt: alt, MediaType: mt, Width: pictureSize(a["width"]), Height: pictureSize(a["height"])}
	}
	return nil
}

// pictureSize reads a JSON number that should be a positive size; 0 otherwise.
func pictureSize(v any) int {
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case json.Number:
		f, _ = x.Float64()
	}
	if f > 0 && f < 1e6 {
		return int(f)
	}
	return 0
}
