// Package picturetest makes the picture files the upload tests send: a
// phone-like JPEG with EXIF (orientation, GPS position, camera serial) and
// XMP, a transparent PNG, and hostile files (header bombs, truncated
// files, polyglots). Made in Go so that what each holds is in the code.
package picturetest

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
)

// Secrets are strings JPEG puts in the metadata of its file: none may
// survive processing.
var Secrets = []string{"Exif", "SERIAL-4242", "xmpmeta", "GPS-SECRET"}

// Gradient returns a w×h opaque picture, not a flat colour, so encoders
// have something to do.
func Gradient(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{uint8(x * 255 / max(w, 1)), uint8(y * 255 / max(h, 1)), 120, 255})
		}
	}
	return img
}

// PlainJPEG returns a w×h JPEG without metadata.
func PlainJPEG(w, h int) []byte {
	return encodeJPEG(Gradient(w, h))
}

func encodeJPEG(img image.Image) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// Photo returns a w×h phone photo: a gradient with grain, which compresses
// as a real photo does (a 12-megapixel one is several megabytes), with
// the metadata JPEG adds (orientation 1).
func Photo(w, h int) []byte {
	img := Gradient(w, h)
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		if i%4 != 3 {
			img.Pix[i] = uint8(int(img.Pix[i])/2 + rnd.IntN(128))
		}
	}
	return withMetadata(encodeJPEG(img), 1)
}

// JPEG returns a w×h JPEG as a phone writes one: an APP1 EXIF segment with
// the given orientation (1 upright, 6 to be turned 90° clockwise), a GPS
// position and a camera serial, and an APP1 XMP packet.
func JPEG(w, h int, orientation uint16) []byte {
	return withMetadata(PlainJPEG(w, h), orientation)
}

func withMetadata(plain []byte, orientation uint16) []byte {
	var out bytes.Buffer
	out.Write(plain[:2]) // SOI
	writeSegment(&out, 0xE1, append([]byte("Exif\x00\x00"), exifTIFF(orientation)...))
	writeSegment(&out, 0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>GPS-SECRET 51.5007N 0.1246W</x:xmpmeta>"))
	out.Write(plain[2:])
	return out.Bytes()
}

func writeSegment(b *bytes.Buffer, marker byte, payload []byte) {
	b.Write([]byte{0xFF, marker})
	binary.Write(b, binary.BigEndian, uint16(len(payload)+2))
	b.Write(payload)
}

// exifTIFF is a little-endian TIFF block: IFD0 with Orientation, a camera
// serial (BodySerialNumber, 0xA431) and a pointer to a GPS IFD holding a
// latitude reference and a GPS processing method naming the place.
func exifTIFF(orientation uint16) []byte {
	le := binary.LittleEndian
	var b bytes.Buffer
	b.WriteString("II")
	binary.Write(&b, le, uint16(42))
	binary.Write(&b, le, uint32(8))
	serial := []byte("SERIAL-4242\x00")
	method := []byte("GPS-SECRET\x00")
	// IFD0 at 8: 3 entries (2 + 36 + 4 = 42 bytes), then the serial.
	ifd0End := uint32(8 + 2 + 3*12 + 4)
	serialAt := ifd0End
	gpsAt := serialAt + uint32(len(serial))
	binary.Write(&b, le, uint16(3))
	entry(&b, 0x0112, 3, 1, uint32(orientation))
	entry(&b, 0x8825, 4, 1, gpsAt)
	entry(&b, 0xA431, 2, uint32(len(serial)), serialAt)
	binary.Write(&b, le, uint32(0))
	b.Write(serial)
	// GPS IFD: 2 entries (2 + 24 + 4), then the method.
	methodAt := gpsAt + 2 + 2*12 + 4
	binary.Write(&b, le, uint16(2))
	entry(&b, 0x0001, 2, 2, uint32('N'))
	entry(&b, 0x001B, 7, uint32(len(method)), methodAt)
	binary.Write(&b, le, uint32(0))
	b.Write(method)
	return b.Bytes()
}

func entry(b *bytes.Buffer, tag, typ uint16, count, value uint32) {
	le := binary.LittleEndian
	binary.Write(b, le, tag)
	binary.Write(b, le, typ)
	binary.Write(b, le, count)
	if typ == 3 && count == 1 {
		binary.Write(b, le, uint16(value))
		binary.Write(b, le, uint16(0))
		return
	}
	binary.Write(b, le, value)
}

// TransparentPNG returns a w×h PNG whose left half is transparent.
func TransparentPNG(w, h int) []byte {
	img := Gradient(w, h)
	for y := 0; y < h; y++ {
		for x := 0; x < w/2; x++ {
			img.Set(x, y, color.NRGBA{})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// GIF returns a w×h GIF.
func GIF(w, h int) []byte {
	var b bytes.Buffer
	if err := gif.Encode(&b, Gradient(w, h), nil); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// PNGBomb returns a tiny PNG whose header claims w×h pixels.
func PNGBomb(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk(&b, "IHDR", ihdr)
	chunk(&b, "IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk(&b, "IEND", nil)
	return b.Bytes()
}

func chunk(b *bytes.Buffer, typ string, data []byte) {
	binary.Write(b, binary.BigEndian, uint32(len(data)))
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	b.WriteString(typ)
	b.Write(data)
	binary.Write(b, binary.BigEndian, crc.Sum32())
}

// Polyglot returns a file that starts as a GIF and goes on as HTML.
func Polyglot() []byte {
	return []byte("GIF89a\x01\x00\x01\x00<html><script>alert(document.cookie)</script></html>")
}

// SVG returns an SVG picture with a script in it.
func SVG() []byte {
	return []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>`)
}

// Truncated returns the first half of a real JPEG.
func Truncated() []byte {
	j := PlainJPEG(300, 200)
	return j[:len(j)/2]
}
