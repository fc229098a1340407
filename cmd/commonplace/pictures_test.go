package main

import (
	"bytes"
	"context"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/picturetest"
)

// TestPictureFlags: --image and --image-alt on add and edit, and settings
// set --logo and --header-image, through the real binary; a refused file
// changes nothing, and what is kept has no metadata.
func TestPictureFlags(t *testing.T) {
	h := newHubDir(t)
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	photo := write("IMG_0001.jpg", picturetest.JPEG(3000, 2000, 6))
	notPhoto := write("notes.jpg", []byte("meeting notes, not a photo"))
	bomb := write("bomb.png", picturetest.PNGBomb(20000, 20000))

	// Refused: nothing is added, not even the event.
	for _, tc := range []struct{ file, alt, want string }{
		{notPhoto, "A hall", "This file is not a picture"},
		{bomb, "A hall", "more than 50 megapixels"},
		{photo, "", "image_alt: Describe the picture"},
	} {
		stderr := h.fail(1, "event", "add", "--title", "Bike repair", "--start", "2026-12-01 19:00", "--end", "2026-12-01 21:00",
			"--image", tc.file, "--image-alt", tc.alt)
		if !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: stderr %s, want %q", tc.file, stderr, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(h.data, dbFileName)); !os.IsNotExist(err) {
		t.Errorf("a refused picture made the database: %v", err)
	}

	h.ok("place", "add", "--name", "Zion Centre", "--image", photo, "--image-alt", "The centre's front door", "--image-focus", "0,0.5")
	h.ok("event", "add", "--title", "Bike repair", "--start", "2026-12-01 19:00", "--end", "2026-12-01 21:00",
		"--image", photo, "--image-alt", "Six people mending bikes")
	h.ok("event", "edit", "bike-repair", "--image-alt", "Six people mending bikes in a bright hall")
	h.ok("guide", "add", "--title", "Fixing a puncture", "--body", "Find the hole.", "--image", photo, "--image-alt", "A tyre lever")
	h.ok("guide", "edit", "fixing-a-puncture", "--remove-image")
	h.ok("settings", "set", "--logo", write("logo.png", picturetest.TransparentPNG(64, 64)),
		"--header-image", photo, "--header-image-alt", "The high street")

	db := h.openDB()
	defer db.Close()
	st := db.Stores()
	ctx := context.Background()
	for _, tc := range []struct {
		owner hub.PictureOwner
		alt   string
	}{{hub.OwnerPlace, "The centre's front door"}, {hub.OwnerEvent, "Six people mending bikes in a bright hall"}, {hub.OwnerHeader, "The high street"}} {
		all, err := st.Pictures.FindPictures(ctx, tc.owner, []int64{0, 1})
		if err != nil || len(all) != 1 {
			t.Fatalf("%s: %v %v", tc.owner, all, err)
		}
		for _, p := range all {
			full, err := st.Pictures.PictureData(ctx, p.ID, hub.SizeLarge)
			if err != nil {
				t.Fatal(err)
			}
			cfg, _, err := image.DecodeConfig(bytes.NewReader(full.Large))
			if err != nil || cfg.Width != 1066 || cfg.Height != 1600 || p.Alt != tc.alt {
				t.Errorf("%s: %v %v (turned upright?) alt %q", tc.owner, cfg, err, p.Alt)
			}
			for _, s := range picturetest.Secrets {
				if bytes.Contains(full.Large, []byte(s)) {
					t.Errorf("%s keeps %q", tc.owner, s)
				}
			}
		}
	}
	if g, _ := st.Pictures.FindPictures(ctx, hub.OwnerGuide, []int64{1}); len(g) != 0 {
		t.Errorf("--remove-image left %v", g)
	}
	// The logo is kept among the pictures (migration 0023), not in the
	// settings, and served from there.
	logo, err := hub.NewReader(st).Logo(ctx)
	if err != nil || logo.MIME != "image/png" || logo.Generated {
		t.Fatalf("logo %+v %v", logo, err)
	}
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(logo.Data)); err != nil || cfg.Width != 64 {
		t.Errorf("logo %v %v", cfg, err)
	}
	if p, err := st.Pictures.FindPicture(ctx, hub.OwnerLogo, 0); err != nil || p.Width != 64 {
		t.Errorf("the logo picture: %+v %v", p, err)
	}
	if _, _, err := st.Settings.FindLogo(ctx); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("the logo is also in the settings: %v", err)
	}
	h.ok("settings", "set", "--remove-logo")
	if logo, err := hub.NewReader(st).Logo(ctx); err != nil || !logo.Generated {
		t.Errorf("after --remove-logo: %+v %v", logo, err)
	}
	if _, err := st.Pictures.FindPicture(ctx, hub.OwnerLogo, 0); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("after --remove-logo the picture is still kept: %v", err)
	}
}
