package hub

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"image/png"
)

// FillBlurhashes makes the blurhash of each picture kept before they were
// made (Picture.Blurhash ""), from its small derivative, one picture at a
// time. It returns how many it filled; a picture that cannot be read is
// logged and marked as having none (""), so it is not tried again. Hosts only: `commonplace serve` calls it at
// start.
func (s *Service) FillBlurhashes(ctx context.Context) (int, error) {
	if err := requireAdmin(ctx); err != nil {
		return 0, err
	}
	if s.Pictures == nil {
		return 0, nil
	}
	ids, err := s.Pictures.PicturesWithoutBlurhash(ctx)
	if err != nil {
		return 0, err
	}
	filled := 0
	for _, id := range ids {
		if ctx.Err() != nil {
			return filled, ctx.Err()
		}
		p, err := s.Pictures.PictureData(ctx, id, SizeSmall)
		if err != nil {
			return filled, err
		}
		var img image.Image
		if p.MIME == "image/png" {
			img, err = png.Decode(bytes.NewReader(p.Small))
		} else {
			img, err = jpeg.Decode(bytes.NewReader(p.Small))
		}
		var hash string
		if err == nil {
			hash, err = Blurhash(img)
		}
		if err != nil { // kept as "", so it is not tried at every start
			s.Logger.Warn("making a picture's blurhash", "picture", id, "error", err)
		}
		if err := s.Pictures.SetPictureBlurhash(ctx, id, hash); err != nil {
			return filled, err
		}
		if hash != "" {
			filled++
		}
	}
	return filled, nil
}
