package apijson

import (
	"github.com/commonplace-hub/commonplace/hub"
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
	PictureFiles
	Blurhash string `json:"blurhash,omitempty"`
}

// CommonsItem is the JSON of it.
func (enc Encoder) CommonsItem(it *hub.RemoteItem) CommonsItem {
	out := CommonsItem{RemoteItem: it}
	if it.Picture == nil || it.Picture.Local == nil {
		return out
	}
	p := it.Picture.Local
	out.Picture = &CommonsPicture{PictureFiles: enc.pictureFiles(p), Blurhash: p.Blurhash}
	return out
}
