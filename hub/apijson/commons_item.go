package apijson

import (
	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/uris"
)

// CommonsItem is a peer's item in the commons as the API and the CLI's
// --json give it: the item's own fields (hub.RemoteItem's JSON tags), but
// its picture is the hub's copy (CommonsPicture), never the peer's
// address, so that whoever shows it makes no request to another server.
// Before the copy is fetched (or when its fetch was refused) there is no
// picture field.
type CommonsItem struct {
	*hub.RemoteItem
	Picture *CommonsPicture `json:"picture,omitempty"`
}

// CommonsPicture is the hub's copy of a peer's item's picture: both
// derivatives' addresses on this hub, its description ("" when it came
// without one and nobody described it), type, size and blurhash.
type CommonsPicture struct {
	URL       string `json:"url"`
	SmallURL  string `json:"small_url"`
	Alt       string `json:"alt"`
	MediaType string `json:"media_type"`
	Width     int    `json:"width"`
	Height    int    `json:"height"`
	Blurhash  string `json:"blurhash,omitempty"`
}

// CommonsItem is the JSON of it.
func (enc Encoder) CommonsItem(it *hub.RemoteItem) CommonsItem {
	out := CommonsItem{RemoteItem: it}
	if it.Picture == nil || it.Picture.Local == nil {
		return out
	}
	p := it.Picture.Local
	out.Picture = &CommonsPicture{URL: enc.URL(uris.Picture(p, hub.SizeLarge)), SmallURL: enc.URL(uris.Picture(p, hub.SizeSmall)),
		Alt: p.Alt, MediaType: p.MIME, Width: p.Width, Height: p.Height, Blurhash: p.Blurhash}
	return out
}
