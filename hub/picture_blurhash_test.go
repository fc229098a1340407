package hub_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"

	"github.com/buckket/go-blurhash"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/picturetest"
)

// plainPNG is a w×h picture of one colour.
func plainPNG(t *testing.T, w, h int, c color.RGBA) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Every processed picture has a blurhash with 4 components along its
// longer side and 3 along the shorter (4 × 4 when square), which decodes
// (as an app would) to the picture's colours.
func TestProcessedPicturesHaveABlurhash(t *testing.T) {
	orange := color.RGBA{0xe0, 0x70, 0x20, 0xff}
	tests := []struct {
		name       string
		file       []byte
		x, y       int
		plainColor *color.RGBA
	}{
		{"landscape photo", picturetest.JPEG(2000, 1500, 1), 4, 3, nil},
		{"portrait, turned upright by EXIF", picturetest.JPEG(2000, 1500, 6), 3, 4, nil},
		{"square", picturetest.PlainJPEG(600, 600), 4, 4, nil},
		{"one colour", plainPNG(t, 800, 500, orange), 4, 3, &orange},
		{"transparent PNG", picturetest.TransparentPNG(300, 200), 4, 3, nil},
		{"GIF", picturetest.GIF(120, 90), 4, 3, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := hub.ProcessPicture(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			x, y, err := blurhash.Components(p.Blurhash)
			if err != nil || x != tt.x || y != tt.y {
				t.Fatalf("blurhash %q has %d × %d components (%v), want %d × %d", p.Blurhash, x, y, err, tt.x, tt.y)
			}
			if len(p.Blurhash) != 4+2*x*y {
				t.Errorf("blurhash %q is %d characters", p.Blurhash, len(p.Blurhash))
			}
			img, err := blurhash.Decode(p.Blurhash, 32, 32, 1)
			if err != nil {
				t.Fatal(err)
			}
			if tt.plainColor == nil {
				return
			}
			r, g, b, _ := img.At(16, 16).RGBA()
			want := *tt.plainColor
			for i, pair := range [][2]int{{int(r >> 8), int(want.R)}, {int(g >> 8), int(want.G)}, {int(b >> 8), int(want.B)}} {
				if d := pair[0] - pair[1]; d < -4 || d > 4 {
					t.Errorf("channel %d decodes to %d, the picture's is %d", i, pair[0], pair[1])
				}
			}
		})
	}
}
