package federation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// Fetching peers' pictures: the picture of a commons item is fetched in
// the background, never while the inbox answers nor when a page is
// shown, through the hub's client for remote fetches (which refuses
// private addresses), and kept here re-encoded (hub.FetchPicture), so
// readers make no request elsewhere.

// Limits of the picture fetches.
const (
	// maxPictureTries is how many times a picture is fetched before the
	// item is left without one.
	maxPictureTries = 4
	// pictureRetryBase is the wait after the first failed fetch; each
	// failure after it waits four times longer (5 minutes, 20, 80).
	pictureRetryBase = 5 * time.Minute
	// pictureTick is how often the fetcher looks for retries due.
	pictureTick = time.Minute
	// pictureBatch is how many due pictures are read from the store at once.
	pictureBatch = 20
)

// pictureFetcher fetches the pictures of peers' items, one at a time.
type pictureFetcher struct {
	store     hub.PeerPictureStore
	client    *http.Client
	userAgent string
	log       *slog.Logger
	now       func() time.Time
	timeout   time.Duration
	policy    serverPolicy
	redirects func(context.Context) context.Context // refuses redirects to refused servers
	wake      chan struct{}
	room      hub.PictureRoom // the pictures' budget (peer_picture_room.go)
	mu        sync.Mutex      // one pass at a time
}

// wakeup asks for a pass soon, without blocking (an item with a new
// picture was kept).
func (pf *pictureFetcher) wakeup() {
	if pf != nil {
		nudge(pf.wake)
	}
}

// loop fetches due pictures when woken and every pictureTick, until ctx
// ends.
func (pf *pictureFetcher) loop(ctx context.Context) {
	runLoop(ctx, pictureTick, pf.wake, func() { pf.pass(ctx) })
}

// pass fetches every picture due now. After a failure that may pass (a
// server down or too slow), the other pictures on that server wait for a
// later pass, untried: a peer with many hanging pictures costs one
// timeout a pass, not one each, and does not hold up the others.
func (pf *pictureFetcher) pass(ctx context.Context) {
	pf.mu.Lock()
	defer pf.mu.Unlock()
	tried := map[int64]bool{}
	failing := map[string]bool{} // hosts that failed in this pass
	for ctx.Err() == nil {
		due, err := pf.store.PeerPicturesDue(ctx, pf.now(), pictureBatch)
		if err != nil {
			if ctx.Err() == nil {
				pf.log.Warn("listing peers' pictures to fetch", "err", err)
			}
			return
		}
		fresh := 0
		for _, d := range due {
			if tried[d.ItemID] || ctx.Err() != nil {
				continue
			}
			tried[d.ItemID], fresh = true, fresh+1
			if host := HostOf(d.URL); failing[host] {
				continue
			} else if !pf.fetch(ctx, d) {
				failing[host] = true
			}
		}
		if fresh == 0 {
			return
		}
	}
}

// fetch fetches one item's picture and keeps it, or records the failure:
// tried again later unless it cannot succeed or has failed
// maxPictureTries times. The item is kept either way. It reports false
// after a failure that may pass (the server down, slow or failing).
func (pf *pictureFetcher) fetch(ctx context.Context, d hub.PeerPictureFetch) bool {
	attrs := []any{slog.Group("picture", "item", d.ItemID, "url", d.URL, "try", d.Tries+1)}
	if pf.noRoom(ctx, d, 0) {
		return true
	}
	p, err := pf.get(ctx, d.URL)
	if err == nil && pf.noRoom(ctx, d, int64(len(p.Large)+len(p.Small))) {
		return true
	}
	if err == nil {
		p.Alt = d.Alt
		err = pf.store.SavePeerPicture(ctx, d.ItemID, d.URL, p)
		switch {
		case err == nil:
			pf.log.Info("peer's picture kept", append(attrs, "width", p.Width, "height", p.Height, "bytes", len(p.Large)+len(p.Small))...)
		case hub.ErrorCode(err) == hub.ENOTFOUND:
			pf.log.Info("peer's picture no longer wanted: the item is gone or changed", attrs...)
		default:
			pf.log.Warn("keeping a peer's picture", append(attrs, "err", err)...)
		}
		return true
	}
	if ctx.Err() != nil {
		return true // stopping: the fetch stays due
	}
	var fe *hub.PictureFetchError
	permanent := errors.As(err, &fe) && fe.Permanent
	var next *time.Time
	if !permanent && d.Tries+1 < maxPictureTries {
		t := pf.now().Add(pictureRetryBase << (2 * d.Tries))
		next = &t
	}
	if err := pf.store.PeerPictureFailed(ctx, d.ItemID, d.URL, next, truncateReason(err.Error())); err != nil {
		pf.log.Warn("recording a failed picture fetch", append(attrs, "err", err)...)
	}
	if next != nil {
		pf.log.Warn("fetching a peer's picture failed; trying again later", append(attrs, "err", err, "next", *next)...)
	} else {
		pf.log.Warn("fetching a peer's picture failed; the item stays without it", append(attrs, "err", err, "permanent", permanent)...)
	}
	return permanent
}

// get fetches and processes a picture, refusing servers the hub does not
// federate with, within the fetcher's timeout.
func (pf *pictureFetcher) get(ctx context.Context, url string) (*hub.Picture, error) {
	if host := HostOf(url); host == "" || pf.policy.refusedHost(ctx, host) {
		return nil, &hub.PictureFetchError{URL: url, Permanent: true, Err: fmt.Errorf("%w (%s)", errRefusedServer, host)}
	}
	ctx, cancel := context.WithTimeout(pf.redirects(ctx), pf.timeout)
	defer cancel()
	return hub.FetchPicture(ctx, pf.client, url, pf.userAgent)
}

// truncateReason keeps a failure's text short enough to store.
func truncateReason(s string) string {
	if r := []rune(s); len(r) > 300 {
		return string(r[:300])
	}
	return s
}

// FetchPeerPictures fetches every peer's picture due now, and returns when
// done (Run does this in the background, when an item with a new picture
// arrives and every minute). Nothing without Config.Pictures.
func (f *Federation) FetchPeerPictures(ctx context.Context) {
	if f.pictures != nil {
		f.pictures.pass(ctx)
	}
}
