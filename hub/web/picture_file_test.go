package web_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/web"
	"github.com/commonplace-hub/commonplace/internal/picturetest"
	"github.com/commonplace-hub/commonplace/internal/uris"
)

// servePictureAsBefore is how picture files were served before their
// headers were built once (commit 9e3800f): the readers' pages' security
// headers (taken from the hub's own /healthz answer, less its own type
// and caching), the picture's headers, then http.ServeContent. It is the
// reference the fast path must match, answer for answer.
func servePictureAsBefore(th *testHub, pages http.Header, files map[string]hub.PictureSize, id int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		size := files[r.URL.Path]
		p, err := th.svc.PictureFile(r.Context(), id, size)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		h := w.Header()
		for k, v := range pages {
			h[k] = v
		}
		data := p.Large
		if size == hub.SizeSmall {
			data = p.Small
		}
		h.Set("Content-Type", p.MIME)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
		h.Set("ETag", `"`+p.Hash[:32]+"-"+string(size)+`"`)
		h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
		http.ServeContent(w, r, "", p.CreatedAt, bytes.NewReader(data))
	})
}

// TestPictureFileAnswersAsBefore: every answer for a picture file (whole,
// HEAD, 304 on If-None-Match or If-Modified-Since, 412, a range, a range
// not satisfiable, If-Range) has the status, headers and bytes it had
// when every request went through http.ServeContent, with the picture
// cache off and on (a second request answered from it); an address with
// the wrong hash is the hub's own not-found page.
func TestPictureFileAnswersAsBefore(t *testing.T) {
	for name, ttl := range map[string]time.Duration{"cache off": 0, "cache on": time.Minute} {
		t.Run(name, func(t *testing.T) {
			th := newTestHub(t, func(c *web.Config) { c.PageCache = ttl })
			_, g, _ := th.seed()
			p, err := th.svc.SetPicture(th.host(), hub.OwnerGuide, g.ID, hub.PictureUpload{Data: picturetest.JPEG(1200, 900, 1), Alt: "A bright hall"})
			if err != nil {
				t.Fatal(err)
			}
			large, small := uris.Picture(p, hub.SizeLarge), uris.Picture(p, hub.SizeSmall)
			pages := th.get(th.client(), "/healthz").Header.Clone()
			for _, k := range []string{"Date", "Content-Type", "Content-Length", "Cache-Control"} {
				pages.Del(k)
			}
			if pages.Get("Referrer-Policy") == "" || pages.Get("Content-Security-Policy") == "" {
				t.Fatalf("the pages' headers: %v", pages)
			}
			ref := httptest.NewServer(servePictureAsBefore(th, pages, map[string]hub.PictureSize{large: hub.SizeLarge, small: hub.SizeSmall}, p.ID))
			defer ref.Close()

			whole := th.get(th.client(), large)
			etag, modified := whole.Header.Get("ETag"), whole.Header.Get("Last-Modified")
			if whole.StatusCode != 200 || etag == "" || modified == "" {
				t.Fatalf("the picture: %d %v", whole.StatusCode, whole.Header)
			}
			tests := []struct {
				name, method, path string
				header             []string
				status             int
			}{
				{"whole", "GET", large, nil, 200},
				{"small", "GET", small, nil, 200},
				{"again", "GET", small, nil, 200},
				{"head", "HEAD", large, nil, 200},
				{"if-none-match", "GET", large, []string{"If-None-Match", etag}, 304},
				{"if-none-match head", "HEAD", large, []string{"If-None-Match", etag}, 304},
				{"if-none-match in a list", "GET", large, []string{"If-None-Match", `"other", ` + etag}, 304},
				{"if-none-match other", "GET", large, []string{"If-None-Match", `"other"`}, 200},
				{"if-none-match star", "GET", large, []string{"If-None-Match", "*"}, 304},
				{"if-modified-since", "GET", large, []string{"If-Modified-Since", modified}, 304},
				{"if-modified-since long ago", "GET", large, []string{"If-Modified-Since", "Mon, 02 Jan 2006 15:04:05 GMT"}, 200},
				{"if-match other", "GET", large, []string{"If-Match", `"other"`}, 412},
				{"if-unmodified-since long ago", "GET", large, []string{"If-Unmodified-Since", "Mon, 02 Jan 2006 15:04:05 GMT"}, 412},
				{"range", "GET", large, []string{"Range", "bytes=0-99"}, 206},
				{"range suffix", "GET", small, []string{"Range", "bytes=-10"}, 206},
				{"range not satisfiable", "GET", large, []string{"Range", "bytes=99999999-"}, 416},
				{"if-range matching", "GET", large, []string{"Range", "bytes=10-19", "If-Range", etag}, 206},
				{"if-range stale", "GET", large, []string{"Range", "bytes=10-19", "If-Range", `"other"`}, 200},
				{"if-range without range", "GET", large, []string{"If-Range", `"other"`}, 200},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					got := th.sendPicture(th.srv.URL, tt.method, tt.path, tt.header)
					want := th.sendPicture(ref.URL, tt.method, tt.path, tt.header)
					if got.status != tt.status || want.status != tt.status {
						t.Errorf("status %d, before %d, want %d", got.status, want.status, tt.status)
					}
					if !reflect.DeepEqual(got.header, want.header) {
						t.Errorf("headers\n got %v\nwant %v", got.header, want.header)
					}
					if !bytes.Equal(got.body, want.body) {
						t.Errorf("body: %d bytes, before %d", len(got.body), len(want.body))
					}
				})
			}

			// Not the picture's hash: the hub's not-found page, as for any
			// address it does not know.
			wrong := strings.Replace(large, p.Hash[:16], strings.Repeat("0", 16), 1)
			got, want := th.sendPicture(th.srv.URL, "GET", wrong, nil), th.sendPicture(th.srv.URL, "GET", "/no-such-page", nil)
			got.body = bytes.ReplaceAll(got.body, []byte(wrong), []byte("/no-such-page")) // the page names its address
			if got.status != 404 || !reflect.DeepEqual(got.header, want.header) || !bytes.Equal(got.body, want.body) {
				t.Errorf("wrong hash: %d %v\nnot found: %d %v", got.status, got.header, want.status, want.header)
			}
		})
	}
}

type pictureAnswer struct {
	status int
	header http.Header // less Date
	body   []byte
}

func (th *testHub) sendPicture(base, method, path string, header []string) pictureAnswer {
	th.t.Helper()
	req, _ := http.NewRequest(method, base+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		th.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	resp.Header.Del("Date")
	return pictureAnswer{resp.StatusCode, resp.Header, body}
}
