package apijson

import (
	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/uris"
)

// Picture is a picture of an item, a place or the hub, as the pictures
// endpoints and the queue give it: both derivatives' addresses, its
// description, and what it belongs to (Owner is "event", "guide",
// "case-study", "place", "header", "logo" or "commons").
type Picture struct {
	ID int64 `json:"id"`
	PictureFiles
	Focus    [2]float64 `json:"focus"`
	Owner    string     `json:"owner"`
	OwnerID  int64      `json:"owner_id"`
	Blurhash string     `json:"blurhash,omitempty"`
}

// PictureFiles is what the JSON of every picture the hub keeps says of
// its files (its fields stand in the JSON in place of the embedding):
// both derivatives' addresses on this hub, its description ("" when it
// has none), type and size.
type PictureFiles struct {
	URL       string `json:"url"`
	SmallURL  string `json:"small_url"`
	Alt       string `json:"alt"`
	MediaType string `json:"media_type"`
	Width     int    `json:"width"`
	Height    int    `json:"height"`
}

// pictureFiles is p's PictureFiles.
func (enc Encoder) pictureFiles(p *hub.Picture) PictureFiles {
	return PictureFiles{URL: enc.URL(uris.Picture(p, hub.SizeLarge)), SmallURL: enc.URL(uris.Picture(p, hub.SizeSmall)),
		Alt: p.Alt, MediaType: p.MIME, Width: p.Width, Height: p.Height}
}

// Picture is p's JSON.
func (enc Encoder) Picture(p *hub.Picture) Picture {
	return Picture{ID: p.ID, PictureFiles: enc.pictureFiles(p), Focus: [2]float64{p.FocusX, p.FocusY},
		Owner: string(p.Owner), OwnerID: p.OwnerID, Blurhash: p.Blurhash}
}
