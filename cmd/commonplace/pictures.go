package main

import (
	"context"
	"flag"
	"io"
	"net/http"
	"os"

	"github.com/commonplace-hub/commonplace/hub"
)

// pictureFlags are the picture flags of add and edit: --image FILE with
// --image-alt TEXT (required with a file) and --image-focus X,Y; on edit
// also --remove-image, and --image-alt alone describes the current one.
type pictureFlags struct {
	file, alt, focus *string
	remove           *bool
	up               *hub.PictureUpload // prepared from --image
}

func registerPictureFlags(fs *flag.FlagSet, edit bool) *pictureFlags {
	p := &pictureFlags{
		file:  fs.String("image", "", "a picture `file` (JPEG, PNG, WebP or GIF, up to 10 MB); its metadata is removed"),
		alt:   fs.String("image-alt", "", "what the picture shows, for people who cannot see it (required with --image)"),
		focus: fs.String("image-focus", "", "the point to keep in view when cropped, `x,y` each from -1 to 1"),
	}
	if edit {
		p.remove = fs.Bool("remove-image", false, "remove the picture")
	}
	return p
}

// prepare reads and checks the picture file, before anything is saved: a
// refused picture changes nothing.
func (p *pictureFlags) prepare() error {
	if *p.file == "" {
		return nil
	}
	data, err := readPictureFile(*p.file)
	if err != nil {
		return err
	}
	up := &hub.PictureUpload{Data: data, Alt: *p.alt}
	if up.FocusX, up.FocusY, err = hub.ParseFocus(*p.focus); err != nil {
		return err
	}
	if err := up.Prepare(); err != nil {
		return err
	}
	p.up = up
	return nil
}

// readPictureFile reads at most a little over hub.MaxPictureBytes of a
// file (the hub refuses more with its message).
func readPictureFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, hub.MaxPictureBytes+1))
}

// save applies the flags to an owner's picture once the item is saved.
func (p *pictureFlags) save(ctx context.Context, e *env, svc *hub.Service, owner hub.PictureOwner, id int64) error {
	switch {
	case p.up != nil:
		_, err := svc.SetPicture(ctx, owner, id, *p.up)
		return err
	case p.remove != nil && *p.remove:
		return svc.RemovePicture(ctx, owner, id)
	case e.isSet("image-alt"):
		cur, err := svc.Picture(ctx, owner, id)
		if err != nil {
			return err
		}
		return svc.DescribePicture(ctx, cur.ID, *p.alt)
	}
	return nil
}

// settingsPictures are settings set's --logo FILE, --remove-logo,
// --header-image FILE (with --header-image-alt TEXT) and
// --remove-header-image.
type settingsPictures struct {
	logo       *string
	removeLogo *bool
	header     *pictureFlags
	data       []byte // the logo file, read
}

func registerSettingsPictures(fs *flag.FlagSet) *settingsPictures {
	return &settingsPictures{
		logo:       fs.String("logo", "", "the hub's logo, a picture `file` (square, JPEG, PNG, WebP or GIF, up to 512 KB)"),
		removeLogo: fs.Bool("remove-logo", false, "remove the hub's logo (one made of its initials takes its place)"),
		header: &pictureFlags{
			file:   fs.String("header-image", "", "the hub's header image, a picture `file` (up to 10 MB)"),
			alt:    fs.String("header-image-alt", "", "what the header image shows (required with --header-image)"),
			focus:  fs.String("header-image-focus", "", "the point to keep in view when cropped, `x,y`"),
			remove: fs.Bool("remove-header-image", false, "remove the header image"),
		},
	}
}

// prepare reads and checks the files before anything is saved.
func (s *settingsPictures) prepare() error {
	if *s.logo != "" {
		data, err := readPictureFile(*s.logo)
		if err != nil {
			return err
		}
		s.data = data
	}
	return s.header.prepare()
}

func (s *settingsPictures) save(ctx context.Context, e *env, svc *hub.Service) error {
	if s.data != nil {
		if err := svc.UpdateLogo(ctx, s.data, http.DetectContentType(s.data)); err != nil {
			return err
		}
	} else if *s.removeLogo {
		if err := svc.UpdateLogo(ctx, nil, ""); err != nil {
			return err
		}
	}
	switch {
	case s.header.up != nil:
		_, err := svc.SetPicture(ctx, hub.OwnerHeader, 0, *s.header.up)
		return err
	case *s.header.remove:
		return svc.RemovePicture(ctx, hub.OwnerHeader, 0)
	case e.isSet("header-image-alt"):
		cur, err := svc.Picture(ctx, hub.OwnerHeader, 0)
		if err != nil {
			return err
		}
		return svc.DescribePicture(ctx, cur.ID, *s.header.alt)
	}
	return nil
}
