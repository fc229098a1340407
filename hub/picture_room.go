package hub

import (
	"context"
	"log/slog"
	"time"
)

// Pictures fetched from elsewhere (peers' items, imported calendars' events)
// are kept within the same disk budget as uploads: when the hub's pictures
// already take it, they are not fetched; when one fetched would go over it,
// it is not kept. The item is kept without it, the skip is logged and
// recorded (PictureSkipStore), and the organiser pages say pictures were
// skipped for lack of space.

// Sources of pictures fetched from elsewhere, as PictureSkipStore keeps them.
const (
	SourcePeer     = "peer"
	SourceCalendar = "calendar"
)

// PictureSkipStore records the pictures from elsewhere not kept for lack
// of space, one per address. A PictureStore may implement it; storage's
// forgets an address once a picture from it is kept.
type PictureSkipStore interface {
	// NotePictureSkipped records that the picture at url, from source
	// (SourcePeer or SourceCalendar), was not kept for lack of space.
	NotePictureSkipped(ctx context.Context, source, url string, at time.Time) error
	// PictureSkips returns how many pictures are recorded as skipped and
	// when the last was.
	PictureSkips(ctx context.Context) (n int, last time.Time, err error)
}

// PictureRoom is the pictures' budget as the fetchers of pictures from
// elsewhere check it. The zero value has no limit.
type PictureRoom struct {
	Pictures PictureStore // nil: no limit
	Budget   int64        // 0 or less: no limit
	Now      Clock        // nil: time.Now
}

// PictureRoom is the hub's picture budget, for the fetchers.
func (s *Service) PictureRoom() PictureRoom {
	return PictureRoom{Pictures: s.Pictures, Budget: s.PictureBudget, Now: s.Now}
}

// Check returns nil when n more bytes of pictures fit in the budget (n 0:
// whether there is any room left at all), else EINVALID saying how much
// the pictures take of how much.
func (r PictureRoom) Check(ctx context.Context, n int64) error {
	if r.Budget <= 0 || r.Pictures == nil {
		return nil
	}
	_, used, err := r.Pictures.PictureSpace(ctx)
	if err != nil {
		return err
	}
	if used+n < r.Budget || (n > 0 && used+n <= r.Budget) {
		return nil
	}
	return noRoom(used, r.Budget)
}

// Skipped logs and records that the picture at url, from source, was not
// kept for lack of space (why: Check's error).
func (r PictureRoom) Skipped(ctx context.Context, log *slog.Logger, source, url string, why error) {
	if log != nil {
		log.Warn("picture skipped: no room for pictures", slog.Group("picture", "source", source, "url", url), "error", why)
	}
	ss, ok := r.Pictures.(PictureSkipStore)
	if !ok {
		return
	}
	now := time.Now()
	if r.Now != nil {
		now = r.Now()
	}
	if err := ss.NotePictureSkipped(ctx, source, url, now); err != nil && log != nil {
		log.Warn("recording a skipped picture", "url", url, "error", err)
	}
}

// PictureSkips returns how many pictures from peers and calendars were not
// kept for lack of space, and when the last was; 0 when none or when the
// store does not record them. Editors.
func (s *Service) PictureSkips(ctx context.Context) (int, time.Time, error) {
	if err := requireEditor(ctx); err != nil {
		return 0, time.Time{}, err
	}
	ss, ok := s.Pictures.(PictureSkipStore)
	if !ok {
		return 0, time.Time{}, nil
	}
	return ss.PictureSkips(ctx)
}
