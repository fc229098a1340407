package storage

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	_ "image/gif"  // logos uploaded before pictures were processed
	_ "image/jpeg" // the pictures' derivatives
	_ "image/png"

	"github.com/mattn/go-sqlite3"
	_ "golang.org/x/image/webp"
)

// registerPictureFuncs adds the SQL functions migration 0023 uses to move
// the logo from the settings to the pictures: picture_sha256(blob), the
// hex SHA-256 that pictures.hash holds, and picture_width(blob) and
// picture_height(blob), read from the picture's header (0 for bytes that
// are not a JPEG, PNG, GIF or WebP picture).
func registerPictureFuncs(c *sqlite3.SQLiteConn) error {
	if err := c.RegisterFunc("picture_sha256", pictureSHA256, true); err != nil {
		return err
	}
	if err := c.RegisterFunc("picture_width", func(b []byte) int64 { w, _ := pictureSize(b); return w }, true); err != nil {
		return err
	}
	return c.RegisterFunc("picture_height", func(b []byte) int64 { _, h := pictureSize(b); return h }, true)
}

func pictureSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func pictureSize(b []byte) (w, h int64) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return 0, 0
	}
	return int64(cfg.Width), int64(cfg.Height)
}
