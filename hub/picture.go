package hub

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"
)

// PictureOwner says what a picture belongs to: a kind of item ("event",
// "guide", "case-study"), a place, or the hub itself (its logo and its
// header image). Together with an owner id it names the one picture an
// owner has.
type PictureOwner string

// The owners a picture can have. The item owners are the kinds' names.
const (
	OwnerEvent     = PictureOwner(KindEvent)
	OwnerGuide     = PictureOwner(KindGuide)
	OwnerCaseStudy = PictureOwner(KindCaseStudy)
	OwnerPlace     = PictureOwner("place")
	// OwnerHeader is the hub's header image (owner id 0).
	OwnerHeader = PictureOwner("header")
	// OwnerLogo is the hub's logo (owner id 0; Service.UpdateLogo,
	// Reader.Logo; migration 0023 moved it here from the settings).
	OwnerLogo = PictureOwner("logo")
	// OwnerCommons is a peer's item in the commons (owner id the
	// RemoteItem's): its picture fetched from the peer (PeerPictureStore).
	OwnerCommons = PictureOwner("commons")
)

// Valid reports whether o is an owner a picture can have.
func (o PictureOwner) Valid() bool {
	switch o {
	case OwnerEvent, OwnerGuide, OwnerCaseStudy, OwnerPlace, OwnerHeader, OwnerCommons, OwnerLogo:
		return true
	}
	return false
}

// Kind is the item kind of an item owner, "" for a place or the hub.
func (o PictureOwner) Kind() Kind {
	if k := Kind(o); k.Valid() {
		return k
	}
	return ""
}

// PictureSize names one of the derivatives kept of every picture.
type PictureSize string

// The derivatives kept of every picture: never upscaled, so a small
// original gives two copies of its own size.
const (
	SizeLarge PictureSize = "large" // at most LargeEdge pixels on its longer side
	SizeSmall PictureSize = "small" // at most SmallEdge pixels on its longer side
)

// Limits of what an upload may be, and the sizes kept.
const (
	// MaxPictureBytes is the largest file accepted.
	MaxPictureBytes = 10 << 20
	// MaxPicturePixels is the most pixels (width × height, read from the
	// file's header before decoding) a picture may claim: more is refused
	// as a decompression bomb.
	MaxPicturePixels = 50_000_000
	// MaxAltLength is the longest description kept (Mastodon's limit).
	MaxAltLength = 1500
	LargeEdge    = 1600
	SmallEdge    = 400
)

// Picture is a picture attached to an item, a place or the hub: the
// derivatives made on upload (re-encoded, so no metadata of the original
// survives), their size, and what the picture shows.
type Picture struct {
	ID      int64
	Owner   PictureOwner
	OwnerID int64
	// Alt describes the picture for people who cannot see it. Required for
	// what organisers upload; "" for pictures that came without one.
	Alt string
	// FocusX and FocusY are the point to keep in view when the picture is
	// cropped, from -1 (left, bottom) to 1 (right, top), Mastodon's
	// convention; 0, 0 is the centre.
	FocusX, FocusY float64
	// MIME is the type of both derivatives: image/jpeg, or image/png for
	// pictures with transparency.
	MIME string
	// Hash is the hex SHA-256 of the large derivative: part of the URLs, so
	// a replaced picture never reuses a cached address.
	Hash                    string
	Width, Height           int // of the large derivative
	SmallWidth, SmallHeight int
	// Blurhash is a few dozen characters that a fediverse app draws as a
	// blurred placeholder while the picture loads (blurhash.org); "" for a
	// picture kept before they were made.
	Blurhash string
	// Bytes is the disk space both derivatives take together.
	Bytes int64
	// Large and Small are the derivatives' bytes; nil when read without.
	Large, Small []byte
	CreatedAt    time.Time
	// Source is the address the picture was fetched from: a peer's, or an
	// imported calendar event's ATTACH or IMAGE; "" for uploads.
	Source string
}

// Ext is the file extension of the picture's derivatives.
func (p *Picture) Ext() string {
	if p.MIME == "image/png" {
		return "png"
	}
	return "jpg"
}

// PictureStore keeps pictures. Each owner (PictureOwner and id) has at most
// one; storage removes an item's or place's picture with it. Saving,
// removing or describing an item's or place's picture moves the owner's
// UpdatedAt, as any change to it does.
type PictureStore interface {
	// SavePicture stores p, with both derivatives, as its owner's picture,
	// replacing the one before, and sets p.ID and p.CreatedAt.
	SavePicture(ctx context.Context, p *Picture) error
	// FindPicture returns an owner's picture without its bytes, or ENOTFOUND.
	FindPicture(ctx context.Context, owner PictureOwner, ownerID int64) (*Picture, error)
	// FindPictures returns the pictures of the given owners of one type,
	// without bytes, by owner id; owners without one are absent.
	FindPictures(ctx context.Context, owner PictureOwner, ownerIDs []int64) (map[int64]*Picture, error)
	// PictureData returns a picture with the bytes of one derivative in
	// Large or Small, or ENOTFOUND.
	PictureData(ctx context.Context, id int64, size PictureSize) (*Picture, error)
	// DeletePicture removes an owner's picture, or returns ENOTFOUND.
	DeletePicture(ctx context.Context, owner PictureOwner, ownerID int64) error
	// UpdatePictureAlt sets a picture's description, or returns ENOTFOUND.
	UpdatePictureAlt(ctx context.Context, id int64, alt string) error
	// PicturesWithoutAlt lists the pictures with no description, without
	// bytes, oldest first.
	PicturesWithoutAlt(ctx context.Context) ([]*Picture, error)
	// PicturesWithoutBlurhash lists the ids of pictures that have no
	// blurhash (kept before they were made), oldest first.
	PicturesWithoutBlurhash(ctx context.Context) ([]int64, error)
	// SetPictureBlurhash sets a picture's blurhash without moving its
	// owner's UpdatedAt, or returns ENOTFOUND.
	SetPictureBlurhash(ctx context.Context, id int64, hash string) error
	// PictureSpace returns how many pictures are kept and the bytes of
	// their derivatives together.
	PictureSpace(ctx context.Context) (count int, bytes int64, err error)
}

// PictureUpload is a picture as an organiser sends it.
type PictureUpload struct {
	Data []byte
	Alt  string
	// FocusX, FocusY: see Picture; 0, 0 when not given.
	FocusX, FocusY float64

	prepared *Picture // set by Prepare
}

// Prepare checks the description and processes the file (ProcessPicture),
// so that a front end can refuse a picture before it saves anything else;
// SetPicture then keeps what Prepare made rather than doing it again. The
// error is EINVALID with the field ("image" or "image_alt") that is wrong.
func (up *PictureUpload) Prepare() error {
	if up.prepared != nil {
		return nil
	}
	f := fieldErrors{}
	checkAlt(f, up.Alt, true)
	p, err := ProcessPicture(up.Data)
	if err != nil {
		if len(f) == 0 {
			return err
		}
		for k, v := range fieldTexts(err) {
			f[k] = v
		}
	}
	if err := f.err("picture"); err != nil {
		return err
	}
	up.Data, up.prepared = nil, p // the original is no longer needed
	return nil
}

// checkAlt validates a description: required (for organisers' uploads)
// and at most MaxAltLength characters.
func checkAlt(f fieldErrors, alt string, required bool) {
	alt = strings.TrimSpace(alt)
	switch {
	case alt == "" && required:
		f.add("image_alt", "Describe the picture for people who cannot see it.")
	case utf8.RuneCountInString(alt) > MaxAltLength:
		f.addf("image_alt", "Use at most %d characters.", MaxAltLength)
	}
}

// Picture returns an owner's picture without its bytes, or ENOTFOUND.
func (s Reader) Picture(ctx context.Context, owner PictureOwner, ownerID int64) (*Picture, error) {
	if s.Pictures == nil {
		return nil, Errorf(ENOTFOUND, "No picture.")
	}
	return s.Pictures.FindPicture(ctx, owner, ownerID)
}

// PicturesOf returns the pictures of many owners of one type (for lists),
// by owner id; empty when the hub keeps no pictures.
func (s Reader) PicturesOf(ctx context.Context, owner PictureOwner, ownerIDs []int64) (map[int64]*Picture, error) {
	if s.Pictures == nil || len(ownerIDs) == 0 {
		return map[int64]*Picture{}, nil
	}
	return s.Pictures.FindPictures(ctx, owner, ownerIDs)
}

// PictureFile returns one derivative of a picture with its bytes, or
// ENOTFOUND.
func (s Reader) PictureFile(ctx context.Context, id int64, size PictureSize) (*Picture, error) {
	if s.Pictures == nil || (size != SizeLarge && size != SizeSmall) {
		return nil, Errorf(ENOTFOUND, "No picture.")
	}
	return s.Pictures.PictureData(ctx, id, size)
}

// requireOwnerRole checks the organiser may change an owner's picture:
// editors for items and places, admins for the hub's own.
func requireOwnerRole(ctx context.Context, owner PictureOwner) error {
	if owner == OwnerHeader || owner == OwnerLogo {
		return requireAdmin(ctx)
	}
	return requireEditor(ctx)
}

// checkOwner checks the owner exists, so no picture is kept for nothing.
func (s *Service) checkOwner(ctx context.Context, owner PictureOwner, id int64) error {
	var err error
	switch owner {
	case OwnerEvent:
		_, err = s.Events.FindEventByID(ctx, id)
	case OwnerGuide:
		_, err = s.Guides.FindGuideByID(ctx, id)
	case OwnerCaseStudy:
		_, err = s.CaseStudies.FindCaseStudyByID(ctx, id)
	case OwnerPlace:
		_, err = s.Places.FindPlaceByID(ctx, id)
	case OwnerHeader, OwnerLogo:
		if id != 0 {
			err = Errorf(ENOTFOUND, "No picture.")
		}
	default:
		err = Errorf(EINVALID, "Pictures can be added to events, guides, case studies, places and the hub.")
	}
	return err
}

// SetPicture processes an upload (see ProcessPicture) and keeps it as the
// owner's picture, replacing any before. The description is required.
// Nothing is saved when the file or the description is refused.
func (s *Service) SetPicture(ctx context.Context, owner PictureOwner, ownerID int64, up PictureUpload) (*Picture, error) {
	if err := requireOwnerRole(ctx, owner); err != nil {
		return nil, err
	}
	if s.Pictures == nil {
		return nil, Errorf(EUNAVAILABLE, "This hub cannot keep pictures.")
	}
	if err := s.checkOwner(ctx, owner, ownerID); err != nil {
		return nil, err
	}
	if err := up.Prepare(); err != nil {
		return nil, err
	}
	p := up.prepared
	if err := s.checkPictureBudget(ctx, owner, ownerID, p); err != nil {
		return nil, err
	}
	p.Owner, p.OwnerID, p.Alt = owner, ownerID, strings.TrimSpace(up.Alt)
	p.FocusX, p.FocusY = clampFocus(up.FocusX), clampFocus(up.FocusY)
	if err := s.Pictures.SavePicture(ctx, p); err != nil {
		return nil, err
	}
	s.pictureChanged(ctx, owner, ownerID, "picture saved", p)
	return p, nil
}

// SetFetchedPicture keeps a picture the hub fetched from source (an
// imported calendar's ATTACH or IMAGE; see FetchPicture) as the owner's,
// replacing any before. Its description may be empty: such pictures are
// listed as needing one (PicturesWithoutAlt). Editors, as for SetPicture.
func (s *Service) SetFetchedPicture(ctx context.Context, owner PictureOwner, ownerID int64, p *Picture, source string) error {
	if err := requireOwnerRole(ctx, owner); err != nil {
		return err
	}
	if s.Pictures == nil {
		return Errorf(EUNAVAILABLE, "This hub cannot keep pictures.")
	}
	if err := s.checkOwner(ctx, owner, ownerID); err != nil {
		return err
	}
	p.Owner, p.OwnerID, p.Source = owner, ownerID, source
	p.Alt = strings.TrimSpace(p.Alt)
	if r := []rune(p.Alt); len(r) > MaxAltLength {
		p.Alt = string(r[:MaxAltLength])
	}
	if err := s.Pictures.SavePicture(ctx, p); err != nil {
		return err
	}
	s.pictureChanged(ctx, owner, ownerID, "picture fetched", p)
	return nil
}

// RemovePicture removes an owner's picture, or returns ENOTFOUND.
func (s *Service) RemovePicture(ctx context.Context, owner PictureOwner, ownerID int64) error {
	if err := requireOwnerRole(ctx, owner); err != nil {
		return err
	}
	if s.Pictures == nil {
		return Errorf(ENOTFOUND, "No picture.")
	}
	if err := s.Pictures.DeletePicture(ctx, owner, ownerID); err != nil {
		return err
	}
	s.pictureChanged(ctx, owner, ownerID, "picture removed", nil)
	return nil
}

// DescribePicture sets the description of a picture (one that came
// without, or a better one). Editors, or admins for the hub's own.
func (s *Service) DescribePicture(ctx context.Context, id int64, alt string) error {
	if err := requireEditor(ctx); err != nil {
		return err
	}
	if s.Pictures == nil {
		return Errorf(ENOTFOUND, "No picture.")
	}
	f := fieldErrors{}
	checkAlt(f, alt, true)
	if err := f.err("picture"); err != nil {
		return err
	}
	p, err := s.Pictures.PictureData(ctx, id, SizeSmall)
	if err != nil {
		return err
	}
	if err := requireOwnerRole(ctx, p.Owner); err != nil {
		return err
	}
	if err := s.Pictures.UpdatePictureAlt(ctx, id, strings.TrimSpace(alt)); err != nil {
		return err
	}
	s.pictureChanged(ctx, p.Owner, p.OwnerID, "picture described", p)
	return nil
}

// PicturesWithoutAlt lists the pictures that need a description.
func (s *Service) PicturesWithoutAlt(ctx context.Context) ([]*Picture, error) {
	if err := requireEditor(ctx); err != nil {
		return nil, err
	}
	if s.Pictures == nil {
		return nil, nil
	}
	return s.Pictures.PicturesWithoutAlt(ctx)
}

// PictureSpace returns how many pictures the hub keeps and the disk space
// they take, in bytes.
func (s *Service) PictureSpace(ctx context.Context) (int, int64, error) {
	if err := requireEditor(ctx); err != nil {
		return 0, 0, err
	}
	if s.Pictures == nil {
		return 0, 0, nil
	}
	return s.Pictures.PictureSpace(ctx)
}

// pictureChanged logs a change of picture and, for a published item,
// tells followers the item changed.
func (s *Service) pictureChanged(ctx context.Context, owner PictureOwner, ownerID int64, msg string, p *Picture) {
	attrs := []any{slog.Group("picture", "owner", string(owner), "owner_id", ownerID)}
	if p != nil {
		attrs = append(attrs, slog.Group("size", "width", p.Width, "height", p.Height, "bytes", len(p.Large)))
	}
	if k := owner.Kind(); k != "" {
		s.changed(ctx, Change{Kind: k, ID: ownerID, Op: OpUpdate}, msg, attrs...)
		return
	}
	s.Logger.Info(msg, append(attrs, "by", actorName(ctx))...)
}

func clampFocus(v float64) float64 {
	switch {
	case v != v: // NaN
		return 0
	case v < -1:
		return -1
	case v > 1:
		return 1
	}
	return v
}

// ParseFocus reads a focal point written "x,y" (each from -1 to 1); "" is
// the centre.
func ParseFocus(s string) (x, y float64, err error) {
	if strings.TrimSpace(s) == "" {
		return 0, 0, nil
	}
	if _, err := fmt.Sscanf(strings.TrimSpace(s), "%g,%g", &x, &y); err != nil || x < -1 || x > 1 || y < -1 || y > 1 {
		return 0, 0, Errorf(EINVALID, "Write the focal point as two numbers from -1 to 1, such as 0.2,-0.5.")
	}
	return x, y, nil
}

// RemotePicture is the picture of a peer's item in the commons: its
// address on the peer with its description ("" when it came without one),
// its type and its size (0 when not said), and, once federation has
// fetched it (PeerPictureStore), the hub's own copy. Pages show only the
// copy, so readers make no request elsewhere.
type RemotePicture struct {
	URL       string `json:"url"`
	Alt       string `json:"alt"`
	MediaType string `json:"media_type,omitempty"`
	Width     int    `json:"width,omitempty"`
	Height    int    `json:"height,omitempty"`
	// Local is the copy kept here, without its bytes; nil until fetched
	// (or when the fetch was refused).
	Local *Picture `json:"-"`
}
