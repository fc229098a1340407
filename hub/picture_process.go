package hub

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"

	"github.com/buckket/go-blurhash"
	"github.com/disintegration/imaging"
	"golang.org/x/image/webp"
)

// pictureFormats are the formats accepted, by the name image.DecodeConfig
// gives them. Each is decoded with its own decoder, so nothing else that
// registers itself with package image is ever run on an upload.
var pictureFormats = map[string]func([]byte) (image.Config, error){
	"jpeg": func(b []byte) (image.Config, error) { return jpeg.DecodeConfig(bytes.NewReader(b)) },
	"png":  func(b []byte) (image.Config, error) { return png.DecodeConfig(bytes.NewReader(b)) },
	"gif":  func(b []byte) (image.Config, error) { return gif.DecodeConfig(bytes.NewReader(b)) },
	"webp": func(b []byte) (image.Config, error) { return webp.DecodeConfig(bytes.NewReader(b)) },
}

// sniffPicture names the format of data from its first bytes: one of
// pictureFormats' names, "" when it is no picture, or the name of a kind
// of picture that is refused (svg, heic...).
func sniffPicture(data []byte) (format string, refused string) {
	head := data
	if len(head) > 512 {
		head = head[:512]
	}
	switch {
	case bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
		return "jpeg", ""
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return "png", ""
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		return "gif", ""
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return "webp", ""
	case bytes.Contains(bytes.ToLower(head), []byte("<svg")):
		return "", "SVG"
	case len(head) >= 12 && string(head[4:8]) == "ftyp":
		return "", "HEIC/AVIF"
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		return "", "TIFF"
	case bytes.HasPrefix(head, []byte("BM")):
		return "", "BMP"
	}
	return "", ""
}

// pictureRefused puts a refusal's message on the form's picture field too.
func pictureRefused(e *Error) error {
	e.Fields = map[string]string{"image": e.Message}
	e.FieldTexts = map[string]Text{"image": {Format: e.Format, Args: e.Args}}
	return e
}

// ProcessPicture checks an uploaded file and makes the derivatives kept of
// it: the picture turned upright (EXIF orientation), scaled to at most
// LargeEdge and SmallEdge pixels on its longer side (never up), and
// re-encoded as JPEG, or PNG when it has transparency, so that no metadata
// of the original (EXIF, GPS position, camera serial, XMP, comments)
// survives. GIFs give their first frame.
//
// Refused with EINVALID and a message saying why: an empty file, a file
// over MaxPictureBytes, one that is not a picture, a kind of picture not
// accepted (SVG, HEIC, TIFF, BMP), one whose header claims more than
// MaxPicturePixels (checked before decoding, so a decompression bomb
// costs nothing), and one that is damaged or cut short.
func ProcessPicture(data []byte) (*Picture, error) {
	if len(data) == 0 {
		return nil, pictureRefused(Errorf(EINVALID, "Choose a picture file."))
	}
	if len(data) > MaxPictureBytes {
		return nil, pictureRefused(Errorf(EINVALID, "The picture is larger than %d MB: use a smaller file.", MaxPictureBytes>>20))
	}
	format, refused := sniffPicture(data)
	if refused != "" {
		return nil, pictureRefused(Errorf(EINVALID, "%s pictures are not accepted: use a JPEG, PNG, WebP or GIF file.", refused))
	}
	if format == "" {
		return nil, pictureRefused(Errorf(EINVALID, "This file is not a picture: use a JPEG, PNG, WebP or GIF file."))
	}
	cfg, err := pictureFormats[format](data)
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, pictureRefused(Errorf(EINVALID, "This picture is damaged or incomplete: try saving it again."))
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPicturePixels {
		return nil, pictureRefused(Errorf(EINVALID, "The picture is %d × %d pixels, more than %d megapixels: use a smaller one.", cfg.Width, cfg.Height, MaxPicturePixels/1_000_000))
	}
	img, err := decodePicture(format, data)
	if err != nil {
		return nil, pictureRefused(Errorf(EINVALID, "This picture is damaged or incomplete: try saving it again."))
	}
	return derivePicture(img)
}

// decodePicture decodes data in its format, turning a JPEG upright as its
// EXIF orientation says (the only thing read from its metadata).
func decodePicture(format string, data []byte) (image.Image, error) {
	switch format {
	case "jpeg":
		return imaging.Decode(bytes.NewReader(data), imaging.AutoOrientation(true))
	case "png":
		return png.Decode(bytes.NewReader(data))
	case "gif":
		return gif.Decode(bytes.NewReader(data))
	default:
		return webp.Decode(bytes.NewReader(data))
	}
}

// derivePicture scales and re-encodes a decoded picture.
func derivePicture(img image.Image) (*Picture, error) {
	large := imaging.Fit(img, LargeEdge, LargeEdge, imaging.Lanczos)
	small := imaging.Fit(large, SmallEdge, SmallEdge, imaging.Lanczos)
	p := &Picture{MIME: "image/jpeg"}
	if !large.Opaque() {
		p.MIME = "image/png"
	}
	var err error
	if p.Large, err = encodePicture(large, p.MIME); err != nil {
		return nil, Internal(err, "encoding a picture")
	}
	if p.Small, err = encodePicture(small, p.MIME); err != nil {
		return nil, Internal(err, "encoding a picture")
	}
	p.Width, p.Height = large.Bounds().Dx(), large.Bounds().Dy()
	p.SmallWidth, p.SmallHeight = small.Bounds().Dx(), small.Bounds().Dy()
	if p.Blurhash, err = Blurhash(small); err != nil {
		return nil, Internal(err, "encoding a picture")
	}
	sum := sha256.Sum256(p.Large)
	p.Hash = hex.EncodeToString(sum[:])
	return p, nil
}

// Blurhash encodes a picture's blurhash: 4 components along its longer
// side and 3 along the shorter (4 × 4 for a square one, as Mastodon
// makes them), computed on a copy at most 64 pixels across, which gives
// the same colours at a fraction of the cost.
func Blurhash(img image.Image) (string, error) {
	thumb := imaging.Fit(img, 64, 64, imaging.Box)
	w, h := thumb.Bounds().Dx(), thumb.Bounds().Dy()
	x, y := 4, 4
	switch {
	case w*4 > h*5: // wider than 5:4
		y = 3
	case h*4 > w*5:
		x = 3
	}
	return blurhash.Encode(x, y, thumb)
}

func encodePicture(img image.Image, mime string) ([]byte, error) {
	var b bytes.Buffer
	var err error
	if mime == "image/png" {
		err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&b, img)
	} else {
		err = jpeg.Encode(&b, img, &jpeg.Options{Quality: 82})
	}
	return b.Bytes(), err
}
