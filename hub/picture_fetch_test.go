package hub_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/picturetest"
)

// TestFetchPicture: what a picture server answers, and whether fetching
// again could change it (Permanent), against a real server on loopback.
func TestFetchPicture(t *testing.T) {
	jpeg := picturetest.PlainJPEG(300, 200)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if ct := q.Get("type"); ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		if n := q.Get("length"); n != "" {
			w.Header().Set("Content-Length", n)
		}
		if s := q.Get("status"); s != "" {
			code, _ := strconv.Atoi(s)
			w.WriteHeader(code)
			return
		}
		w.Write(jpeg)
	}))
	defer srv.Close()
	tests := []struct {
		name, url string
		ok        bool
		permanent bool
	}{
		{"a JPEG", "/?type=image/jpeg", true, false},
		{"a JPEG with parameters", "/?type=image/jpeg;+charset=binary", true, false},
		{"not found", "/?status=404", false, true},
		{"gone", "/?status=410", false, true},
		{"forbidden", "/?status=403", false, true},
		{"too many requests", "/?status=429", false, false},
		{"server error", "/?status=503", false, false},
		{"served as HTML", "/?type=text/html", false, true},
		{"served as SVG", "/?type=image/svg%2Bxml", false, true},
		{"served as bytes", "/?type=application/octet-stream", false, true},
		{"claims 20 MB", "/?type=image/jpeg&length=20971520", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := hub.FetchPicture(context.Background(), srv.Client(), srv.URL+tt.url, "test")
			if tt.ok {
				if err != nil || p.Width != 300 || p.Height != 200 {
					t.Fatalf("%+v %v", p, err)
				}
				return
			}
			var fe *hub.PictureFetchError
			if !errors.As(err, &fe) || fe.Permanent != tt.permanent {
				t.Errorf("error %v, want a PictureFetchError with Permanent %v", err, tt.permanent)
			}
		})
	}
	for _, bad := range []string{"ftp://example.org/p.jpg", "javascript:alert(1)", "/relative.jpg"} {
		if _, err := hub.FetchPicture(context.Background(), srv.Client(), bad, ""); err == nil {
			t.Errorf("%s fetched", bad)
		}
	}
	// A server that is gone: may come back, so not permanent.
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	var fe *hub.PictureFetchError
	if _, err := hub.FetchPicture(context.Background(), down.Client(), down.URL+"/p.jpg", ""); !errors.As(err, &fe) || fe.Permanent {
		t.Errorf("a server that is down: %v", err)
	}
}
