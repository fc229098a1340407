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
	ID        int64      `json:"id"`
	URL       string     `json:"url"`
	SmallURL  string     `json:"small_url"`
	Alt       string     `json:"alt"`
	MediaType string     `json:"media_type"`
	Width     int        `json:"width"`
	Height    int        `json:"height"`
	Focus     [2]float64 `json:"focus"`
	Owner     string     `json:"owner"`
	OwnerID   int64      `json:"owner_id"`
	Blurhash  string     `json:"blurhash,omitempty"`
}

// Picture is p's JSON.
func (enc Encoder) Picture(p *hub.Picture) Picture {
	return Picture{ID: p.ID, URL: enc.URL(uris.Picture(p, hub.SizeLarge)), SmallURL: enc.URL(uris.Picture(p, hub.SizeSmall)),
		Alt: p.Alt, MediaType: p.MIME, Width: p.Width, Height: p.Height, Focus: [2]float64{p.FocusX, p.FocusY},
		Owner: string(p.Owner), OwnerID: p.OwnerID, Blurhash: p.Blurhash}
}
