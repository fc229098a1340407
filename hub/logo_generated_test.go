package hub_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"

	"github.com/commonplace-hub/commonplace/hub"
)

func TestInitials(t *testing.T) {
	tests := []struct{ name, want string }{
		{"Hulme Community Hub", "HC"},
		{"commonplace", "C"},
		{"  Old   Trafford  ", "OT"},
		{"Ça va Manchester", "ÇV"},
		{"Δήμος Αθηναίων", "ΔΑ"},          // Greek: in the Go fonts
		{"Общий дом", "ОД"},               // Cyrillic: in the Go fonts
		{"مركز الحي", ""},                 // Arabic: no glyphs, so no letters
		{"東京 Hub", "H"},                   // the letter the font cannot draw is left out
		{"#1 -- (Salford) 42 Club", "4C"}, // words not starting with a letter or digit are skipped
		{"", ""},
	}
	for _, tt := range tests {
		if got := hub.Initials(tt.name); got != tt.want {
			t.Errorf("Initials(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// decodeLogo decodes a generated logo and checks its size.
func decodeLogo(t *testing.T, l *hub.Logo) image.Image {
	t.Helper()
	if l.MIME != "image/png" || !l.Generated {
		t.Fatalf("logo %s, generated %v", l.MIME, l.Generated)
	}
	img, err := png.Decode(bytes.NewReader(l.Data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != hub.GeneratedLogoSize || b.Dy() != hub.GeneratedLogoSize {
		t.Fatalf("logo is %v", b)
	}
	return img
}

func rgb(c color.Color) [3]uint8 {
	r, g, b, _ := c.RGBA()
	return [3]uint8{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8)}
}

// The generated logo is the accent colour with the initials drawn in the
// middle, in a colour that reads on it: light on a dark accent, dark on a
// light one.
func TestGeneratedLogo(t *testing.T) {
	tests := []struct {
		name, accent string
		background   [3]uint8
		textLight    bool
		blank        bool
	}{
		{"Hulme Community Hub", "#1d6b57", [3]uint8{0x1d, 0x6b, 0x57}, true, false},
		{"Hulme Community Hub", "#ffd23f", [3]uint8{0xff, 0xd2, 0x3f}, false, false},
		{"Salford", "not a colour", [3]uint8{0x1d, 0x6b, 0x57}, true, false}, // the default accent
		{"مركز الحي", "#6b1d57", [3]uint8{0x6b, 0x1d, 0x57}, false, true},    // nothing to draw: the colour alone
	}
	for _, tt := range tests {
		t.Run(tt.name+" "+tt.accent, func(t *testing.T) {
			l, err := hub.GeneratedLogo(tt.name, tt.accent)
			if err != nil {
				t.Fatal(err)
			}
			img := decodeLogo(t, l)
			for _, p := range []image.Point{{0, 0}, {399, 0}, {0, 399}, {399, 399}, {200, 20}} {
				if got := rgb(img.At(p.X, p.Y)); got != tt.background {
					t.Errorf("pixel %v is %v, want the accent %v", p, got, tt.background)
				}
			}
			// The initials: pixels of the text colour in the middle band, and
			// none of the other one.
			white, dark := [3]uint8{0xff, 0xff, 0xff}, [3]uint8{0x1a, 0x1a, 0x1a}
			want, other := dark, white
			if tt.textLight {
				want, other = white, dark
			}
			text, drawn := 0, 0
			for y := 0; y < hub.GeneratedLogoSize; y++ {
				for x := 0; x < hub.GeneratedLogoSize; x++ {
					switch c := rgb(img.At(x, y)); {
					case c == want:
						text++
					case c == other:
						t.Fatalf("pixel %d,%d is %v, the colour that reads worse", x, y, c)
					}
					if rgb(img.At(x, y)) != tt.background {
						drawn++
						if y < 60 || y > 340 {
							t.Fatalf("pixel %d,%d drawn outside the middle", x, y)
						}
					}
				}
			}
			if tt.blank && drawn != 0 {
				t.Errorf("%d pixels drawn where there are no initials", drawn)
			}
			if !tt.blank && text < 2000 {
				t.Errorf("only %d pixels of initials drawn", text)
			}
		})
	}
	// The same name and colour give the same file (and entity tag); a new
	// colour gives a new one.
	a, _ := hub.GeneratedLogo("Hulme Community Hub", "#1d6b57")
	b, _ := hub.GeneratedLogo("Hulme Community Hub", "#1d6b57")
	c, _ := hub.GeneratedLogo("Hulme Community Hub", "#1d6b58")
	if a.ETag != b.ETag || !bytes.Equal(a.Data, b.Data) || a.ETag == c.ETag {
		t.Errorf("entity tags %s %s %s", a.ETag, b.ETag, c.ETag)
	}
}
