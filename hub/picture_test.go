package hub_test

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/picturetest"
)

// jpegSegments lists the markers of a JPEG's segments before its scan.
func jpegSegments(t *testing.T, b []byte) []byte {
	t.Helper()
	if !bytes.HasPrefix(b, []byte{0xFF, 0xD8}) {
		t.Fatalf("not a JPEG: % x", b[:4])
	}
	var markers []byte
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			t.Fatalf("bad marker at %d", i)
		}
		m := b[i+1]
		markers = append(markers, m)
		if m == 0xDA { // start of scan
			return markers
		}
		i += 2 + int(b[i+2])<<8 + int(b[i+3])
	}
	return markers
}

func decode(t *testing.T, b []byte) (image.Image, string) {
	t.Helper()
	img, format, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("output does not decode: %v", err)
	}
	return img, format
}

func TestProcessPictureStripsMetadataAndTurnsUpright(t *testing.T) {
	in := picturetest.JPEG(3000, 2000, 6) // stored landscape, to be turned to portrait
	for _, s := range picturetest.Secrets {
		if !bytes.Contains(in, []byte(s)) {
			t.Fatalf("test input lacks %q", s)
		}
	}
	p, err := hub.ProcessPicture(in)
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string][]byte{"large": p.Large, "small": p.Small} {
		for _, s := range picturetest.Secrets {
			if bytes.Contains(out, []byte(s)) {
				t.Errorf("%s keeps %q", name, s)
			}
		}
		for _, m := range jpegSegments(t, out) {
			if m >= 0xE1 && m <= 0xEF {
				t.Errorf("%s has an APP%d segment", name, m-0xE0)
			}
		}
	}
	img, format := decode(t, p.Large)
	if format != "jpeg" || p.MIME != "image/jpeg" {
		t.Errorf("format %s, MIME %s", format, p.MIME)
	}
	if b := img.Bounds(); b.Dx() != 1066 || b.Dy() != 1600 || p.Width != 1066 || p.Height != 1600 {
		t.Errorf("large is %v, recorded %d×%d; want upright 1066×1600", b, p.Width, p.Height)
	}
	small, _ := decode(t, p.Small)
	if b := small.Bounds(); b.Dx() != 266 || b.Dy() != 400 || p.SmallWidth != 266 || p.SmallHeight != 400 {
		t.Errorf("small is %v, recorded %d×%d", b, p.SmallWidth, p.SmallHeight)
	}
	if len(p.Large) >= len(in) || len(p.Hash) != 64 {
		t.Errorf("large %d bytes from %d; hash %q", len(p.Large), len(in), p.Hash)
	}
}

func TestProcessPictureFormats(t *testing.T) {
	webp, err := os.ReadFile("testdata/pictures/blue-purple-pink.lossy.webp")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		in         []byte
		mime       string
		w, h       int
		smallW     int
		wantFormat string
	}{
		{"small JPEG is never upscaled", picturetest.PlainJPEG(120, 80), "image/jpeg", 120, 80, 120, "jpeg"},
		{"transparent PNG stays PNG", picturetest.TransparentPNG(800, 400), "image/png", 800, 400, 400, "png"},
		{"GIF becomes JPEG", picturetest.GIF(500, 500), "image/jpeg", 500, 500, 400, "jpeg"},
		{"WebP becomes JPEG", webp, "image/jpeg", 150, 100, 150, "jpeg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := hub.ProcessPicture(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			img, format := decode(t, p.Large)
			if p.MIME != tt.mime || format != tt.wantFormat || img.Bounds().Dx() != tt.w || img.Bounds().Dy() != tt.h || p.SmallWidth != tt.smallW {
				t.Errorf("got %s (%s) %v, small width %d", p.MIME, format, img.Bounds(), p.SmallWidth)
			}
		})
	}
}

func TestProcessPictureRefusesHostileFiles(t *testing.T) {
	oversized := append(picturetest.PlainJPEG(10, 10), make([]byte, hub.MaxPictureBytes)...)
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "Choose a picture file."},
		{"text renamed .jpg", []byte("Dear organisers, here is the photo.\n"), "not a picture"},
		{"truncated JPEG", picturetest.Truncated(), "damaged or incomplete"},
		{"20000x20000 PNG header bomb", picturetest.PNGBomb(20000, 20000), "20000 × 20000 pixels, more than 50 megapixels"},
		{"4 billion pixel bomb", picturetest.PNGBomb(65535, 65535), "more than 50 megapixels"},
		{"oversized body", oversized, "larger than 10 MB"},
		{"SVG with a script", picturetest.SVG(), "SVG pictures are not accepted"},
		{"GIF header then HTML", picturetest.Polyglot(), "damaged or incomplete"},
		{"HEIC", append([]byte("\x00\x00\x00\x18ftypheic"), make([]byte, 40)...), "HEIC/AVIF pictures are not accepted"},
		{"PNG signature then garbage", []byte("\x89PNG\r\n\x1a\nnot really"), "damaged or incomplete"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := hub.ProcessPicture(tt.in)
			if err == nil {
				t.Fatalf("accepted: %d×%d", p.Width, p.Height)
			}
			if hub.ErrorCode(err) != hub.EINVALID || !strings.Contains(hub.ErrorMessage(err), tt.want) {
				t.Errorf("got %v, want EINVALID with %q", err, tt.want)
			}
			if hub.ErrorFields(err)["image"] == "" {
				t.Errorf("no message on the image field: %v", err)
			}
		})
	}
}

// BenchmarkProcessPicture12MP processes a 4000×3000 phone photo (EXIF,
// GPS, XMP) as an upload is, and reports the process's peak resident
// memory while doing it (peak-RSS-MB: VmHWM, reset once the input is made,
// on Linux; the test binary's own baseline included). Figures in
// docs/BENCHMARKS.md.
func BenchmarkProcessPicture12MP(b *testing.B) {
	in := picturetest.Photo(4000, 3000)
	runtime.GC()
	debug.FreeOSMemory()
	resetPeak := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := hub.ProcessPicture(in); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if status, err := os.ReadFile("/proc/self/status"); err == nil && resetPeak {
		for _, line := range strings.Split(string(status), "\n") {
			if kb, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				var n float64
				fmt.Sscanf(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(kb), "kB")), "%g", &n)
				b.ReportMetric(n/1024, "peak-RSS-MB")
			}
		}
	}
	b.ReportMetric(float64(len(in))/(1<<20), "input-MB")
}
