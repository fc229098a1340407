package hub

import (
	"context"
	"strconv"
)

// DefaultPictureBudget is the disk space the hub's pictures may take when
// the host sets no other limit: 1 GiB, some thousands of pictures (a
// processed photo takes 200 to 400 KB in its two sizes).
const DefaultPictureBudget int64 = 1 << 30

// WithPictureBudget sets the most disk space, in bytes, that the hub's
// pictures may take together (DefaultPictureBudget when not given); 0 or
// less for no limit.
func WithPictureBudget(bytes int64) Option {
	return func(s *Service) { s.PictureBudget = max(bytes, 0) }
}

// CheckPictureBudget refuses a prepared upload (PictureUpload.Prepare)
// that would take the hub's pictures over their budget (PictureBudget),
// counting the space of the owner's picture it would replace as free
// (ownerID 0 for an item not yet saved, other than the header). The
// refusal is EINVALID on the image field, so that front ends can check
// before they save anything else; SetPicture checks again.
func (s *Service) CheckPictureBudget(ctx context.Context, owner PictureOwner, ownerID int64, up *PictureUpload) error {
	if up == nil || up.prepared == nil {
		return nil
	}
	return s.checkPictureBudget(ctx, owner, ownerID, up.prepared)
}

// checkPictureBudget is CheckPictureBudget for a processed picture.
func (s *Service) checkPictureBudget(ctx context.Context, owner PictureOwner, ownerID int64, p *Picture) error {
	if s.PictureBudget <= 0 || s.Pictures == nil {
		return nil
	}
	_, used, err := s.Pictures.PictureSpace(ctx)
	if err != nil {
		return err
	}
	if old, err := s.Pictures.FindPicture(ctx, owner, ownerID); err == nil {
		used -= old.Bytes
	} else if ErrorCode(err) != ENOTFOUND {
		return err
	}
	if used+int64(len(p.Large)+len(p.Small)) <= s.PictureBudget {
		return nil
	}
	return pictureRefused(noRoom(used, s.PictureBudget))
}

// noRoom is the refusal of a picture when the hub's pictures take used
// bytes of a budget they may not pass.
func noRoom(used, budget int64) *Error {
	return Errorf(EINVALID, "There is no room for this picture: the hub's pictures already take %s MB of the %s MB they may use. Remove pictures it no longer needs, or ask whoever runs the hub to raise the limit.",
		Megabytes(used), Megabytes(budget))
}

// Megabytes writes a size in megabytes (of 2²⁰ bytes) for people: "0.4",
// "12.5".
func Megabytes(n int64) string {
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64)
}
