package storage

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/picturetest"
)

// Migration 23 moves the logo from the settings to the pictures: a hub
// upgraded with a logo serves the same bytes from the pictures table, with
// their size, hash and type, the settings say it has a logo, a backup
// carries it, and removing it leaves the generated one. A logo whose bytes
// the hub cannot read stays in the settings and is served from there.
func TestLogoMovesToPicturesOnUpgrade(t *testing.T) {
	logo := picturetest.TransparentPNG(300, 200)
	for _, tt := range []struct {
		name  string
		data  []byte
		mime  string
		moved bool
	}{
		{"a PNG logo", logo, "image/png", true},
		{"a GIF logo from before processing", picturetest.GIF(64, 64), "image/gif", true},
		{"bytes that are no picture", []byte("<svg onload=alert(1)>"), "image/svg+xml", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "commonplace.db")
			openOld(t, path, 22)
			raw, err := sql.Open("sqlite3", dsn(path))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := raw.Exec(`INSERT INTO settings (id, name, description, time_zone, language, accent_colour, logo, logo_type, updated_at)
				VALUES (1, 'Hulme Hub', '', 'Europe/London', 'en', '#2b6cb0', ?, ?, 1700000000)`, tt.data, tt.mime); err != nil {
				t.Fatal(err)
			}
			raw.Close()
			db, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			r := hub.NewReader(db.Stores())
			l, err := r.Logo(ctx)
			if err != nil || l.Generated || !bytes.Equal(l.Data, tt.data) || l.MIME != tt.mime {
				t.Fatalf("the logo after the upgrade: %v, generated %v, %d bytes (want %d), %q", err, l != nil && l.Generated, len(l.Data), len(tt.data), l.MIME)
			}
			st, _ := db.Stores().Settings.FindSettings(ctx)
			if st.LogoType != tt.mime {
				t.Errorf("the settings' logo type %q, want %q", st.LogoType, tt.mime)
			}
			p, err := db.Stores().Pictures.FindPicture(ctx, hub.OwnerLogo, 0)
			_, _, inSettings := db.Stores().Settings.FindLogo(ctx)
			if !tt.moved {
				if err == nil || inSettings != nil {
					t.Fatalf("unreadable bytes moved to the pictures (%v) or left the settings (%v)", err, inSettings)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if hub.ErrorCode(inSettings) != hub.ENOTFOUND {
				t.Errorf("the logo is still in the settings: %v", inSettings)
			}
			w, h := pictureSize(tt.data)
			if w == 0 || int64(p.Width) != w || int64(p.Height) != h || int64(p.SmallWidth) != w || p.Hash != pictureSHA256(tt.data) || p.Alt != "Hulme Hub" || p.MIME != tt.mime {
				t.Errorf("the logo picture: %+v", p)
			}

			// A backup carries it.
			copyPath := filepath.Join(t.TempDir(), "copy.db")
			if err := db.Backup(ctx, copyPath); err != nil {
				t.Fatal(err)
			}
			cp, err := Open(ctx, copyPath)
			if err != nil {
				t.Fatal(err)
			}
			if l, err := hub.NewReader(cp.Stores()).Logo(ctx); err != nil || !bytes.Equal(l.Data, tt.data) {
				t.Errorf("the backup's logo: %v", err)
			}
			cp.Close()

			// Removed, the generated logo takes its place.
			if err := hub.NewService(db.Stores(), nil).UpdateLogo(hub.HostContext(ctx), nil, ""); err != nil {
				t.Fatal(err)
			}
			if l, err := r.Logo(ctx); err != nil || !l.Generated {
				t.Errorf("after removing: %v %+v", err, l)
			}
			if st, _ := db.Stores().Settings.FindSettings(ctx); st.LogoType != "" {
				t.Errorf("after removing, the logo type is %q", st.LogoType)
			}
		})
	}
}
