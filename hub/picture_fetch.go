package hub

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// PictureFetchTimeout bounds one picture fetch, headers and body together,
// when the caller's client sets no shorter timeout.
const PictureFetchTimeout = 20 * time.Second

// fetchedPictureTypes are the content types a fetched picture may be
// served as: the formats ProcessPicture accepts. No SVG.
var fetchedPictureTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/webp": true, "image/gif": true}

// PictureFetchError is a picture that could not be fetched or was refused.
// Permanent is set when fetching it again would give the same answer (a
// refused type, a file over the limit, not a picture, a 404), so it is
// not tried again.
type PictureFetchError struct {
	URL       string
	Permanent bool
	Err       error
}

func (e *PictureFetchError) Error() string { return fmt.Sprintf("picture %s: %v", e.URL, e.Err) }
func (e *PictureFetchError) Unwrap() error { return e.Err }

// FetchPicture fetches the picture at rawURL with client and processes it
// as an upload is (ProcessPicture: metadata stripped, re-encoded, pixel
// count checked before decoding). client must be the hub's client for
// remote fetches, which refuses private addresses. The answer must be
// 200 with a content type of image/jpeg, image/png, image/webp or
// image/gif; the body is cut off past MaxPictureBytes and the whole fetch
// past PictureFetchTimeout. Every failure is a *PictureFetchError. Only
// one picture is fetched and decoded at a time by each caller, so memory
// stays bounded.
func FetchPicture(ctx context.Context, client *http.Client, rawURL, userAgent string) (*Picture, error) {
	data, err := fetchPictureBytes(ctx, client, rawURL, userAgent)
	if err != nil {
		return nil, err
	}
	p, err := ProcessPicture(data)
	if err != nil {
		return nil, &PictureFetchError{URL: rawURL, Permanent: ErrorCode(err) == EINVALID, Err: err}
	}
	return p, nil
}

func fetchPictureBytes(ctx context.Context, client *http.Client, rawURL, userAgent string) ([]byte, error) {
	fail := func(permanent bool, err error) ([]byte, error) {
		return nil, &PictureFetchError{URL: rawURL, Permanent: permanent, Err: err}
	}
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fail(true, errors.New("not an http(s) address"))
	}
	ctx, cancel := context.WithTimeout(ctx, PictureFetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return fail(true, err)
	}
	req.Header.Set("Accept", "image/jpeg, image/png, image/webp, image/gif")
	if userAgent != "" {
		req.Header.Set("User-Agent", userAgent)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fail(false, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		gone := resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone ||
			(resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusRequestTimeout)
		return fail(gone, fmt.Errorf("HTTP %d", resp.StatusCode))
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt = strings.ToLower(mt); !fetchedPictureTypes[mt] {
		return fail(true, fmt.Errorf("served as %q, not a JPEG, PNG, WebP or GIF picture", mt))
	}
	if resp.ContentLength > MaxPictureBytes {
		return fail(true, fmt.Errorf("%d bytes, more than the %d MB limit", resp.ContentLength, MaxPictureBytes>>20))
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxPictureBytes+1))
	if err != nil {
		return fail(false, err)
	}
	if len(data) > MaxPictureBytes {
		return fail(true, fmt.Errorf("more than the %d MB limit", MaxPictureBytes>>20))
	}
	return data, nil
}

// PeerPictureFetch is a peer's item in the commons whose picture is still
// to be fetched: its address and description, and how many fetches have
// failed so far.
type PeerPictureFetch struct {
	ItemID int64
	URL    string
	Alt    string
	Tries  int
}

// PeerPictureStore keeps the pictures of peers' items fetched to the hub
// (owner OwnerCommons, owner id the item's), so pages show them from the
// hub's own address. An item whose picture address is new or changed is
// due for a fetch at once; storage removes its picture with the item.
type PeerPictureStore interface {
	// PeerPicturesDue lists at most limit items whose picture is due to be
	// fetched by now, the longest waiting first.
	PeerPicturesDue(ctx context.Context, now time.Time, limit int) ([]PeerPictureFetch, error)
	// SavePeerPicture keeps p (Alt included) as the picture of the item,
	// fetched from url, and marks it done. ENOTFOUND, and nothing saved,
	// when the item is gone or its picture's address is no longer url.
	SavePeerPicture(ctx context.Context, itemID int64, url string, p *Picture) error
	// PeerPictureFailed records a failed fetch of url for the item: one
	// more try, the reason, and when to try again (nil: never).
	PeerPictureFailed(ctx context.Context, itemID int64, url string, next *time.Time, reason string) error
}
