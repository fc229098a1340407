package hub

import (
	"context"
	"strings"
	"time"
)

// Place is a venue: where events happen and case studies are set.
type Place struct {
	ID            int64
	Slug          string
	Name          string
	Description   string // Markdown
	StreetAddress string
	Locality      string // town or city
	Region        string
	PostalCode    string
	Country       string
	// Latitude and Longitude are optional WGS84 coordinates.
	Latitude  *float64
	Longitude *float64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Address returns the postal address on one line.
func (p *Place) Address() string {
	var parts []string
	for _, s := range []string{p.StreetAddress, p.Locality, p.Region, p.PostalCode, p.Country} {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}

// Validate checks and normalises a place.
func (p *Place) Validate() error {
	f := fieldErrors{}
	p.Name = strings.TrimSpace(p.Name)
	checkText(f, "name", "Name", p.Name, true, MaxTitle)
	checkText(f, "description", "Description", p.Description, false, MaxBody)
	for field, v := range map[string]*string{"street_address": &p.StreetAddress, "locality": &p.Locality, "region": &p.Region, "postal_code": &p.PostalCode, "country": &p.Country} {
		*v = strings.TrimSpace(*v)
		checkText(f, field, "This address line", *v, false, MaxShort)
	}
	if (p.Latitude == nil) != (p.Longitude == nil) {
		f.add("latitude", "Give both latitude and longitude, or neither.")
	}
	if p.Latitude != nil && (*p.Latitude < -90 || *p.Latitude > 90) {
		f.add("latitude", "Latitude must be between -90 and 90.")
	}
	if p.Longitude != nil && (*p.Longitude < -180 || *p.Longitude > 180) {
		f.add("longitude", "Longitude must be between -180 and 180.")
	}
	return f.err("place")
}

// PlaceStore keeps places. Missing places give an ENOTFOUND *Error.
type PlaceStore interface {
	FindPlaceByID(ctx context.Context, id int64) (*Place, error)
	FindPlaceBySlug(ctx context.Context, slug string) (*Place, error)
	// FindPlaces returns all places ordered by name.
	FindPlaces(ctx context.Context) ([]*Place, error)
	// CreatePlace sets ID and timestamps and makes Slug unique.
	CreatePlace(ctx context.Context, p *Place) error
	UpdatePlace(ctx context.Context, p *Place) error
	// DeletePlace removes a place; it returns ECONFLICT when events or case
	// studies still refer to it.
	DeletePlace(ctx context.Context, id int64) error
}

// Tag is a topic label shared by events, guides and case studies. Topics
// are created when content first uses them, or directly by an organiser
// (Service.CreateTag). Pages, the API and the CLI call them topics; the
// items' field and the domain keep the older name.
type Tag struct {
	ID          int64
	Slug        string
	Name        string
	Description string
	// Uses counts the items carrying the tag (filled by FindTags).
	Uses int
}

// TagStore keeps tags.
type TagStore interface {
	FindTagBySlug(ctx context.Context, slug string) (*Tag, error)
	// CreateTag stores a new tag with the slug it was given and sets its
	// ID; ECONFLICT when a tag with that slug exists.
	CreateTag(ctx context.Context, t *Tag) error
	// FindTags returns every tag with its use count, ordered by name.
	FindTags(ctx context.Context) ([]*Tag, error)
	// UpdateTag changes a tag's name and description (not its slug).
	UpdateTag(ctx context.Context, t *Tag) error
	// DeleteTag removes the tag from every item and deletes it.
	DeleteTag(ctx context.Context, id int64) error
}

// Validate checks a tag.
func (t *Tag) Validate() error {
	f := fieldErrors{}
	t.Name = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(t.Name), "#"))
	checkText(f, "name", "Name", t.Name, true, 50)
	checkText(f, "description", "Description", t.Description, false, MaxSummary)
	return f.err("topic")
}
