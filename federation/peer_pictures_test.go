package federation_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/federation"
	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/picturetest"
	"github.com/commonplace-hub/commonplace/internal/testkit"
	"github.com/commonplace-hub/commonplace/internal/uris"
)

// hostilePictures is a picture server on 127.0.0.1 as an attacker would
// run one: one honest phone photo (with its GPS position in EXIF), and
// bodies that are too big, of the wrong type, lying about what they are,
// claiming huge dimensions, failing, or never finishing.
type hostilePictures struct {
	srv     *httptest.Server
	bigSent atomic.Int64 // bytes of the 50 MB body the hub let through
	flaky   atomic.Int32 // answers of /flaky.jpg so far: the first fails
	release chan struct{}
}

func newHostilePictures(t *testing.T) *hostilePictures {
	hp := &hostilePictures{release: make(chan struct{})}
	serve := func(typ string, body []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", typ)
			w.Write(body)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/gps.jpg", serve("image/jpeg", picturetest.JPEG(2000, 1500, 1)))
	mux.HandleFunc("/media/", serve("image/jpeg", picturetest.JPEG(1920, 1080, 1)))
	mux.HandleFunc("/huge.png", serve("image/png", picturetest.PNGBomb(100_000, 100_000)))
	mux.HandleFunc("/polyglot.gif", serve("image/gif", picturetest.Polyglot()))
	mux.HandleFunc("/picture.svg", serve("image/svg+xml", picturetest.SVG()))
	mux.HandleFunc("/svg-as.png", serve("image/png", picturetest.SVG()))
	mux.HandleFunc("/page.html", serve("text/html", []byte("<html><body>not a picture</body></html>")))
	mux.HandleFunc("/big.jpg", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/jpeg") // no Content-Length: the hub must count
		w.Write([]byte("\xff\xd8\xff\xe0"))
		chunk := bytes.Repeat([]byte{0xAA}, 64<<10)
		for sent := 0; sent < 50<<20; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
			hp.bigSent.Add(int64(len(chunk)))
		}
	})
	mux.HandleFunc("/hang.jpg", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write([]byte("\xff\xd8\xff"))
		w.(http.Flusher).Flush()
		select { // a peer that starts and never finishes
		case <-r.Context().Done():
		case <-hp.release:
		}
	})
	mux.HandleFunc("/flaky.jpg", func(w http.ResponseWriter, r *http.Request) {
		if hp.flaky.Add(1) == 1 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(picturetest.PlainJPEG(640, 480))
	})
	hp.srv = httptest.NewServer(mux)
	t.Cleanup(func() { close(hp.release); hp.srv.Close() })
	return hp
}

// pictureHub is a hub that fetches peers' pictures, with a short fetch
// timeout so that a hanging peer is cut off quickly.
func pictureHub(t *testing.T) *testHub {
	return openHubConfig(t, filepath.Join(t.TempDir(), "hub.db"), nil, true, func(c *federation.Config) {
		c.Pictures = c.Commons.(hub.PeerPictureStore)
		c.PictureTimeout = 2 * time.Second
	})
}

// pictureHubFollowing is a pictureHub following a group on a fake server,
// and a picture server that hostilePictures describes.
func pictureHubFollowing(t *testing.T) (*testHub, *fediverse, *remoteActor, *hostilePictures) {
	h := pictureHub(t)
	f := newFediverse(t)
	group := f.actor("group", true)
	followFake(t, h, f, group)
	return h, f, group, newHostilePictures(t)
}

// sendEventWithPicture has the group create an event whose attachment is
// the picture at url, and returns the item as the hub keeps it.
func sendEventWithPicture(t *testing.T, h *testHub, f *fediverse, group *remoteActor, name, url, alt string) *hub.RemoteItem {
	t.Helper()
	obj := map[string]any{"id": group.id(f) + "/events/" + name, "type": "Event", "name": "Event " + name, "attributedTo": group.id(f),
		"startTime": "2027-04-01T10:00:00Z", "endTime": "2027-04-01T12:00:00Z", "to": []any{"https://www.w3.org/ns/activitystreams#Public"},
		"content":    "<p>Come along.</p>",
		"attachment": []any{map[string]any{"type": "Document", "mediaType": "image/jpeg", "url": url, "name": alt}}}
	if resp := f.post(signedPost{a: group, url: h.inbox(), body: f.activity(group, "Create", obj)}); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("create %s: %d", name, resp.StatusCode)
	}
	it, err := h.db.Commons().RemoteItemByObject(context.Background(), obj["id"].(string))
	if err != nil {
		t.Fatalf("the item %s is not kept: %v", name, err)
	}
	return it
}

// itemNow reads an item again.
func itemNow(t *testing.T, h *testHub, id int64) *hub.RemoteItem {
	t.Helper()
	it, err := h.db.Commons().RemoteItem(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return it
}

// stillDue reports whether the item's picture will be fetched again.
func stillDue(t *testing.T, h *testHub, id int64) bool {
	t.Helper()
	due, err := h.db.Commons().PeerPicturesDue(context.Background(), time.Now().Add(1000*time.Hour), 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range due {
		if d.ItemID == id {
			return true
		}
	}
	return false
}

func getBody(t *testing.T, url string) (int, http.Header, []byte) {
	t.Helper()
	resp, b := testkit.Get(t, nil, url)
	return resp.StatusCode, resp.Header, b
}

// TestPeersPicturesFetched: a peer's picture is fetched in the background,
// stripped of its metadata, re-encoded and served from the hub's own
// address on the item's page and in the commons list with its
// description, never from the peer's; it goes when the item goes.
func TestPeersPicturesFetched(t *testing.T) {
	h, f, group, hp := pictureHubFollowing(t)
	alt := "Volunteers fixing bikes in the car park"
	it := sendEventWithPicture(t, h, f, group, "gps", hp.srv.URL+"/gps.jpg", alt)
	h.fed.FetchPeerPictures(context.Background())
	it = itemNow(t, h, it.ID)
	if it.Picture == nil || it.Picture.Local == nil {
		t.Fatalf("no local picture: %+v", it.Picture)
	}
	local := it.Picture.Local
	if local.Alt != alt || local.Owner != hub.OwnerCommons || local.OwnerID != it.ID || local.Width != 1600 || local.Height != 1200 {
		t.Errorf("local picture %+v", local)
	}
	for _, size := range []hub.PictureSize{hub.SizeLarge, hub.SizeSmall} {
		status, header, body := getBody(t, h.base+uris.Picture(local, size))
		if status != http.StatusOK || header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("%s: %d %s", size, status, header.Get("Content-Type"))
		}
		for _, secret := range picturetest.Secrets {
			if bytes.Contains(body, []byte(secret)) {
				t.Errorf("%s: the served picture still holds %q", size, secret)
			}
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(body))
		if err != nil || format != "jpeg" || (size == hub.SizeSmall && cfg.Width != 400) {
			t.Errorf("%s: %v %s %v", size, cfg, format, err)
		}
	}
	peerHost := strings.TrimPrefix(hp.srv.URL, "http://")
	for path, want := range map[string]string{
		"/commons/" + strconv.FormatInt(it.ID, 10): `src="` + uris.Picture(local, hub.SizeLarge) + `"`,
		"/commons": `src="` + uris.Picture(local, hub.SizeSmall) + `"`,
	} {
		status, body := h.getPage(path)
		if status != http.StatusOK || !strings.Contains(body, want) || !strings.Contains(body, `alt="`+alt+`"`) {
			t.Errorf("%s: %d, no %s with its alt text", path, status, want)
		}
		if strings.Contains(body, peerHost) {
			t.Errorf("%s links or loads the peer's picture server", path)
		}
	}

	// The peer deletes the item: the picture goes with it.
	f.post(signedPost{a: group, url: h.inbox(), body: f.activity(group, "Delete", map[string]any{"id": it.ObjectID, "type": "Tombstone"})})
	if status, _, _ := getBody(t, h.base+uris.Picture(local, hub.SizeLarge)); status != http.StatusNotFound {
		t.Errorf("after the Delete the picture answers %d", status)
	}

	// Unfollowing the peer takes its items' pictures too.
	it = sendEventWithPicture(t, h, f, group, "again", hp.srv.URL+"/gps.jpg", "")
	h.fed.FetchPeerPictures(context.Background())
	local = itemNow(t, h, it.ID).Picture.Local
	if local == nil || local.Alt != "" {
		t.Fatalf("picture without a description: %+v", local)
	}
	list, err := h.db.Stores().Pictures.PicturesWithoutAlt(context.Background())
	if err != nil || len(list) != 1 || list[0].ID != local.ID {
		t.Errorf("pictures that need a description: %v %v", list, err)
	}
	if err := h.svc.UnfollowPeer(h.host(), group.id(f)); err != nil {
		t.Fatal(err)
	}
	if status, _, _ := getBody(t, h.base+uris.Picture(local, hub.SizeSmall)); status != http.StatusNotFound {
		t.Errorf("after the unfollow the picture answers %d", status)
	}
}

// TestHostilePeerPictures: what a hostile or broken peer serves as a
// picture is refused or cut off, logged, and the item kept without it;
// a refusal is not tried again, a failure that may pass is, a bounded
// number of times.
func TestHostilePeerPictures(t *testing.T) {
	h, f, group, hp := pictureHubFollowing(t)
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL + "/gone.jpg"
	down.Close() // a peer that is down: connection refused

	tests := []struct {
		name, path string
		retried    bool // a failure that may pass: tried again later
	}{
		{"a 50 MB body", hp.srv.URL + "/big.jpg", false},
		{"an SVG", hp.srv.URL + "/picture.svg", false},
		{"an SVG served as a PNG", hp.srv.URL + "/svg-as.png", false},
		{"a web page", hp.srv.URL + "/page.html", false},
		{"a polyglot GIF and HTML", hp.srv.URL + "/polyglot.gif", false},
		{"a header claiming 10 gigapixels", hp.srv.URL + "/huge.png", false},
		{"a missing picture", hp.srv.URL + "/nothing.jpg", false},
		{"a peer that is down", downURL, true},
		{"a peer that hangs", hp.srv.URL + "/hang.jpg", true},
	}
	items := map[string]*hub.RemoteItem{}
	for _, tt := range tests {
		items[tt.name] = sendEventWithPicture(t, h, f, group, strings.ReplaceAll(tt.name, " ", "-"), tt.path, "A picture")
	}
	start := time.Now()
	h.fed.FetchPeerPictures(context.Background())
	if took := time.Since(start); took > time.Minute {
		t.Errorf("the fetches took %s", took) // the hanging peer is cut off by the timeout
	}
	for _, tt := range tests {
		it := itemNow(t, h, items[tt.name].ID)
		if it.Picture == nil || it.Picture.URL != tt.path {
			t.Errorf("%s: the item lost its picture's address: %+v", tt.name, it.Picture)
		} else if it.Picture.Local != nil {
			t.Errorf("%s: kept as a picture", tt.name)
		}
		if got := stillDue(t, h, it.ID); got != tt.retried {
			t.Errorf("%s: to be tried again %v, want %v", tt.name, got, tt.retried)
		}
		if status, _ := h.getPage("/commons/" + strconv.FormatInt(it.ID, 10)); status != http.StatusOK {
			t.Errorf("%s: the item's page answers %d", tt.name, status)
		}
	}
	if sent := hp.bigSent.Load(); sent > 2*hub.MaxPictureBytes {
		t.Errorf("the hub read %d bytes of the 50 MB body", sent)
	}

	// The failures that may pass are tried maxPictureTries (4) times in
	// all, each later than the one before, then given up.
	for i := 0; i < 3; i++ {
		h.clock.advance(24 * time.Hour)
		h.fed.FetchPeerPictures(context.Background())
	}
	for _, tt := range tests {
		if tt.retried && stillDue(t, h, items[tt.name].ID) {
			t.Errorf("%s: still to be tried after four failures", tt.name)
		}
	}
}

// TestPeerPictureRetried: a picture whose server fails once is fetched on
// the next try, not before it is due.
func TestPeerPictureRetried(t *testing.T) {
	h, f, group, hp := pictureHubFollowing(t)
	it := sendEventWithPicture(t, h, f, group, "flaky", hp.srv.URL+"/flaky.jpg", "A hall")
	h.fed.FetchPeerPictures(context.Background())
	if itemNow(t, h, it.ID).Picture.Local != nil || hp.flaky.Load() != 1 {
		t.Fatalf("after a 503: fetched %d times", hp.flaky.Load())
	}
	h.fed.FetchPeerPictures(context.Background())
	if hp.flaky.Load() != 1 {
		t.Errorf("fetched again before the retry was due")
	}
	h.clock.advance(6 * time.Minute)
	h.fed.FetchPeerPictures(context.Background())
	if local := itemNow(t, h, it.ID).Picture.Local; local == nil || local.Width != 640 || local.Alt != "A hall" {
		t.Errorf("after the retry: %+v", local)
	}
}

// TestHangingPeerHoldsUpNothing: a server whose pictures all hang costs a
// pass one timeout, not one per picture: its other pictures wait, untried,
// for a later pass, and another server's picture is kept meanwhile.
func TestHangingPeerHoldsUpNothing(t *testing.T) {
	h, f, group, hp := pictureHubFollowing(t)
	var hangs atomic.Int32
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hangs.Add(1)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(func() { close(release); slow.Close() })
	const hanging = 8
	var ids []int64
	for i := 0; i < hanging; i++ {
		ids = append(ids, sendEventWithPicture(t, h, f, group, "slow-"+strconv.Itoa(i), slow.URL+"/p"+strconv.Itoa(i)+".jpg", "").ID)
	}
	good := sendEventWithPicture(t, h, f, group, "good", hp.srv.URL+"/gps.jpg", "A hall")
	h.fed.FetchPeerPictures(context.Background())
	if itemNow(t, h, good.ID).Picture.Local == nil {
		t.Error("the other server's picture was not kept")
	}
	due, err := h.db.Commons().PeerPicturesDue(context.Background(), time.Now().Add(time.Hour), 100)
	if err != nil {
		t.Fatal(err)
	}
	untried := 0
	for _, d := range due {
		if d.Tries == 0 {
			untried++
		}
	}
	if n := int(hangs.Load()); n >= hanging || untried == 0 {
		t.Errorf("%d requests to the hanging server, %d of its %d pictures untried", n, untried, hanging)
	}
}

// TestMobilizonBannerFetched: a real Mobilizon event (its banner a
// Document attachment named "Banner") has its banner fetched from the
// address it gives (moved to the loopback picture server, path and query
// kept) and kept with that description.
func TestMobilizonBannerFetched(t *testing.T) {
	h := pictureHub(t)
	f := newFediverse(t)
	hp := newHostilePictures(t)
	obj := activityDoc(t, "mobilizon-event-europe-london.json")
	raw, _ := json.Marshal(inActivity("Create", obj, obj["actor"], "@context", "to"))
	body, signer := rehost(t, f, raw)
	body = bytes.ReplaceAll(body, []byte(f.srv.URL+"/media/"), []byte(hp.srv.URL+"/media/"))
	var act map[string]any
	json.Unmarshal(body, &act)
	f.serveObject(act["object"].(map[string]any))
	followFake(t, h, f, signer)
	if resp := f.post(signedPost{a: signer, url: h.inbox(), body: body}); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	it, err := h.db.Commons().RemoteItemByObject(context.Background(), act["object"].(map[string]any)["id"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if it.Picture == nil || !strings.HasPrefix(it.Picture.URL, hp.srv.URL+"/media/") || !strings.Contains(it.Picture.URL, "?name=") {
		t.Fatalf("the banner's address: %+v", it.Picture)
	}
	h.fed.FetchPeerPictures(context.Background())
	if local := itemNow(t, h, it.ID).Picture.Local; local == nil || local.Alt != "Banner" || local.Width != 1600 || local.Height != 900 {
		t.Errorf("the banner kept: %+v", local)
	}
}

// TestBlockedPeersPicturesGo: blocking an actor removes its items and, with
// them, their pictures.
func TestBlockedPeersPicturesGo(t *testing.T) {
	h, f, group, hp := pictureHubFollowing(t)
	it := sendEventWithPicture(t, h, f, group, "soon-blocked", hp.srv.URL+"/gps.jpg", "A hall")
	h.fed.FetchPeerPictures(context.Background())
	local := itemNow(t, h, it.ID).Picture.Local
	if local == nil {
		t.Fatal("no picture kept")
	}
	if err := h.svc.Block(h.host(), hub.Block{Kind: hub.BlockActor, Value: group.id(f)}); err != nil {
		t.Fatal(err)
	}
	if status, _, _ := getBody(t, h.base+uris.Picture(local, hub.SizeLarge)); status != http.StatusNotFound {
		t.Errorf("after the block the picture answers %d", status)
	}
}
