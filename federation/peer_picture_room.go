package federation

import (
	"context"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// pictureRoomRetry is how long a peer's picture skipped for lack of space
// waits before it is tried again (the budget may have been raised, or
// pictures removed, meanwhile).
const pictureRoomRetry = time.Hour

// noRoom reports whether a peer's picture of n bytes (0: before it is
// fetched) has no room in the hub's pictures' budget; if so the item stays
// without it, the skip is logged and recorded (hub.PictureRoom.Skipped),
// and the picture is tried again after pictureRoomRetry, however many
// fetches failed before. A budget that cannot be read is logged and does
// not stop the fetch.
func (pf *pictureFetcher) noRoom(ctx context.Context, d hub.PeerPictureFetch, n int64) bool {
	err := pf.room.Check(ctx, n)
	if err == nil {
		return false
	}
	if hub.ErrorCode(err) != hub.EINVALID {
		pf.log.Warn("reading the pictures' space", "err", err)
		return false
	}
	pf.room.Skipped(ctx, pf.log, hub.SourcePeer, d.URL, err)
	next := pf.now().Add(pictureRoomRetry)
	if err := pf.store.PeerPictureFailed(ctx, d.ItemID, d.URL, &next, truncateReason("no room for pictures: "+err.Error())); err != nil {
		pf.log.Warn("recording a skipped picture", "item", d.ItemID, "err", err)
	}
	return true
}
