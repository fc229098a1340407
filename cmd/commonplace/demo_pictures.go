package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"

	"github.com/commonplace-hub/commonplace/hub"
)

// demoPicture draws a simple scene for the demo hub (no downloaded
// images): a wall, a window, a long table and people around it, in the
// given colours, as a PNG, which the hub re-encodes as any upload.
func demoPicture(wall, table color.NRGBA, people []color.NRGBA) []byte {
	const w, h = 1200, 800
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	fill := func(x0, y0, x1, y1 int, c color.NRGBA) {
		for y := max(y0, 0); y < min(y1, h); y++ {
			for x := max(x0, 0); x < min(x1, w); x++ {
				img.SetNRGBA(x, y, c)
			}
		}
	}
	disc := func(cx, cy, r int, c color.NRGBA) {
		for y := cy - r; y <= cy+r; y++ {
			for x := cx - r; x <= cx+r; x++ {
				if (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r && x >= 0 && y >= 0 && x < w && y < h {
					img.SetNRGBA(x, y, c)
				}
			}
		}
	}
	fill(0, 0, w, h*2/3, wall)
	fill(0, h*2/3, w, h, color.NRGBA{170, 140, 110, 255}) // floor
	fill(780, 90, 1080, 330, color.NRGBA{200, 230, 250, 255})
	fill(925, 90, 935, 330, wall)
	for i, c := range people {
		x := 180 + i*190
		disc(x, 300, 48, color.NRGBA{120, 85, 60, 255}) // head
		fill(x-70, 350, x+70, 560, c)                   // body
	}
	fill(100, 480, 1100, 540, table)
	fill(130, 540, 160, 700, table)
	fill(1040, 540, 1070, 700, table)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// seedDemoPictures gives the demo's first event and its place a picture,
// so that the demo shows pictures, their descriptions and link previews.
func seedDemoPictures(ctx context.Context, svc *hub.Service, event *hub.Event) error {
	people := []color.NRGBA{{200, 60, 60, 255}, {60, 120, 200, 255}, {240, 190, 50, 255}, {80, 160, 90, 255}, {150, 80, 170, 255}}
	if _, err := svc.SetPicture(ctx, hub.OwnerEvent, event.ID, hub.PictureUpload{
		Data: demoPicture(color.NRGBA{235, 225, 200, 255}, color.NRGBA{110, 70, 40, 255}, people),
		Alt:  "A drawing of five people sitting along a long wooden table in a bright room with a window.",
	}); err != nil {
		return err
	}
	if event.PlaceID == 0 {
		return nil
	}
	_, err := svc.SetPicture(ctx, hub.OwnerPlace, event.PlaceID, hub.PictureUpload{
		Data:   demoPicture(color.NRGBA{190, 215, 230, 255}, color.NRGBA{90, 90, 90, 255}, nil),
		Alt:    "A drawing of an empty room with a grey table and a window.",
		FocusX: 0.5, FocusY: 0.5,
	})
	return err
}
