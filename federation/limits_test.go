package federation

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// endless writes a JSON object that never ends, as fast as it is read,
// until the client goes away; it reports how much was written.
func endless(w http.ResponseWriter, r *http.Request, written *atomic.Int64) {
	w.Header().Set("Content-Type", contentTypeAS)
	io.WriteString(w, `{"type":"Note","content":"`)
	chunk := []byte(strings.Repeat("a", 32<<10))
	for r.Context().Err() == nil {
		n, err := w.Write(chunk)
		written.Add(int64(n))
		if err != nil {
			return
		}
	}
}

// Remote documents are read up to 1 MB: a bigger one is refused with a
// clear error, and one that never ends is cut off there, not read on.
func TestFetchDocSizeLimit(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	var endlessWritten atomic.Int64
	mux := http.NewServeMux()
	pad := func(n int) string { return `{"type":"Note","content":"` + strings.Repeat("a", n) + `"}` }
	mux.HandleFunc("/small", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, pad(1000)) })
	mux.HandleFunc("/just-fits", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, pad(maxFetchBytes-30)) })
	mux.HandleFunc("/too-big", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, pad(maxFetchBytes)) })
	mux.HandleFunc("/endless", func(w http.ResponseWriter, r *http.Request) { endless(w, r, &endlessWritten) })
	mux.HandleFunc("/garbage", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("\x00\xff<html>not json")) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	f := &Federation{client: NewHTTPClient(true, 5*time.Second), signer: &Signer{KeyID: srv.URL + "/actor#main-key", Key: key},
		now: time.Now, userAgent: "test", schemes: NewMemorySchemeCache()}
	for _, tt := range []struct{ path, wantErr string }{
		{"/small", ""},
		{"/just-fits", ""},
		{"/too-big", "document larger than 1048576 bytes"},
		{"/endless", "document larger than 1048576 bytes"},
		{"/garbage", "not a JSON object"},
	} {
		start := time.Now()
		d, err := f.fetchDoc(context.Background(), srv.URL+tt.path)
		switch {
		case tt.wantErr == "" && (err != nil || d.str("type") != "Note"):
			t.Errorf("%s: %v", tt.path, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: %v, want %q", tt.path, err, tt.wantErr)
		}
		t.Logf("%s: %v in %v", tt.path, err, time.Since(start))
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%s took %v", tt.path, d)
		}
	}
	// What the server managed to write before the hub hung up: the 1 MB
	// read plus what sat in socket buffers, not an endless stream.
	srv.Close() // waits for the endless handler to see the hub hang up
	if n := endlessWritten.Load(); n > 16<<20 {
		t.Errorf("the endless document was read for %d bytes", n)
	} else {
		t.Logf("the endless server wrote %d KB before the hub hung up", n>>10)
	}
}
