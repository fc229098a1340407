package hub

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// GeneratedLogoSize is the width and height, in pixels, of the logo made
// for a hub that has none: the size Mastodon keeps avatars at.
const GeneratedLogoSize = 400

// Logo is the hub's logo: the one an admin uploaded, or, with none, one
// made of the hub's initials on its accent colour (Generated).
type Logo struct {
	Data      []byte
	MIME      string
	Generated bool
	// ETag is a strong entity tag of Data, quoted.
	ETag string
}

// goBold is the face the generated logo is drawn in: the Go fonts cover
// Latin, Greek and Cyrillic; initials it has no glyph for are left out.
var goBold = sync.OnceValues(func() (*opentype.Font, error) { return opentype.Parse(gobold.TTF) })

// generatedLogos keeps the last logo made, by name and colour: every page
// asks for it, and it changes only when the name or the accent colour does.
var generatedLogos struct {
	sync.Mutex
	key  string
	logo *Logo
}

// GeneratedLogo returns the logo of a hub without one: its initials (see
// Initials) in white or near-black, whichever reads better, on its accent
// colour (the default accent when the setting is not a colour), as a
// GeneratedLogoSize-pixel square PNG. The last one made is kept.
func GeneratedLogo(name, accent string) (*Logo, error) {
	if !IsHexColour(accent) {
		accent = DefaultSettings().AccentColour
	}
	key := accent + "\x00" + name
	generatedLogos.Lock()
	defer generatedLogos.Unlock()
	if generatedLogos.key == key {
		return generatedLogos.logo, nil
	}
	data, err := drawLogo(Initials(name), parseHexColour(accent))
	if err != nil {
		return nil, Internal(err, "drawing the hub's logo")
	}
	sum := sha256.Sum256(data)
	l := &Logo{Data: data, MIME: "image/png", Generated: true, ETag: `"` + hex.EncodeToString(sum[:16]) + `"`}
	generatedLogos.key, generatedLogos.logo = key, l
	return l, nil
}

// Initials are the letters a generated logo shows: the first letter of
// the name's first two words (of its only word, the first letter alone),
// in capitals, leaving out words that start with no letter or digit and
// letters the logo's font cannot draw. "" when none is left.
func Initials(name string) string {
	f, err := goBold()
	var buf sfnt.Buffer
	var out []rune
	for _, word := range strings.Fields(name) {
		r := []rune(word)[0]
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			continue
		}
		r = unicode.ToUpper(r)
		if err == nil {
			if g, gerr := f.GlyphIndex(&buf, r); gerr != nil || g == 0 {
				continue
			}
		}
		out = append(out, r)
		if len(out) == 2 {
			break
		}
	}
	return string(out)
}

// drawLogo draws text centred on a square of background.
func drawLogo(text string, background color.RGBA) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, GeneratedLogoSize, GeneratedLogoSize))
	draw.Draw(img, img.Bounds(), image.NewUniform(background), image.Point{}, draw.Src)
	if text != "" {
		f, err := goBold()
		if err != nil {
			return nil, err
		}
		size := float64(GeneratedLogoSize) * 0.42
		if len([]rune(text)) == 1 {
			size = float64(GeneratedLogoSize) * 0.55
		}
		face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
		if err != nil {
			return nil, err
		}
		defer face.Close()
		d := &font.Drawer{Dst: img, Src: image.NewUniform(textColourOn(background)), Face: face}
		bounds, _ := d.BoundString(text)
		w, h := bounds.Max.X-bounds.Min.X, bounds.Max.Y-bounds.Min.Y
		half := fixed.I(GeneratedLogoSize / 2)
		d.Dot = fixed.Point26_6{X: half - w/2 - bounds.Min.X, Y: half - h/2 - bounds.Min.Y}
		d.DrawString(text)
	}
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// parseHexColour reads #rrggbb (checked by IsHexColour).
func parseHexColour(s string) color.RGBA {
	v, _ := strconv.ParseUint(s[1:], 16, 32)
	return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}
}

// textColourOn is white or near-black, whichever contrasts more with bg
// (WCAG relative luminance).
func textColourOn(bg color.RGBA) color.RGBA {
	l := relativeLuminance(bg)
	white, dark := color.RGBA{0xff, 0xff, 0xff, 0xff}, color.RGBA{0x1a, 0x1a, 0x1a, 0xff}
	if (1.05)/(l+0.05) >= (l+0.05)/(relativeLuminance(dark)+0.05) {
		return white
	}
	return dark
}

func relativeLuminance(c color.RGBA) float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}
