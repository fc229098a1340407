package hub

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
)

// The hub's logo is a picture (owner OwnerLogo, owner id 0) in the
// PictureStore, like the header image; migration 0023 moved a logo kept in
// the settings (SettingsStore.FindLogo, which a store without pictures
// still answers) there.

// logoPicture returns the uploaded logo kept among the pictures: its small
// derivative. Nil, and no error, when there is none (or no PictureStore).
func (s Reader) logoPicture(ctx context.Context) (*Logo, error) {
	if s.Pictures == nil {
		return nil, nil
	}
	p, err := s.Pictures.FindPicture(ctx, OwnerLogo, 0)
	if ErrorCode(err) == ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if p, err = s.Pictures.PictureData(ctx, p.ID, SizeSmall); err != nil {
		if ErrorCode(err) == ENOTFOUND { // removed meanwhile
			return nil, nil
		}
		return nil, err
	}
	sum := sha256.Sum256(p.Small)
	return &Logo{Data: p.Small, MIME: p.MIME, ETag: `"` + hex.EncodeToString(sum[:16]) + `"`}, nil
}

// saveLogoPicture keeps a processed logo as the hub's (described by the
// hub's name, which is what a logo says), within the pictures' budget, and
// drops any logo still kept in the settings.
func (s *Service) saveLogoPicture(ctx context.Context, p *Picture) error {
	if err := s.checkPictureBudget(ctx, OwnerLogo, 0, p); err != nil {
		return logoField(err)
	}
	st, err := s.Stores.Settings.FindSettings(ctx)
	if err != nil {
		return err
	}
	p.Owner, p.OwnerID, p.Alt = OwnerLogo, 0, st.Name
	if err := s.Pictures.SavePicture(ctx, p); err != nil {
		return err
	}
	s.pictureChanged(ctx, OwnerLogo, 0, "logo saved", p)
	return s.Stores.Settings.UpdateLogo(ctx, nil, "")
}

// removeLogoPicture removes the hub's logo, wherever it is kept; removing
// none is not an error.
func (s *Service) removeLogoPicture(ctx context.Context) error {
	if err := s.Pictures.DeletePicture(ctx, OwnerLogo, 0); err != nil && ErrorCode(err) != ENOTFOUND {
		return err
	}
	s.pictureChanged(ctx, OwnerLogo, 0, "logo removed", nil)
	return s.Stores.Settings.UpdateLogo(ctx, nil, "")
}

// logoField puts a refusal of the picture on the logo's field, where the
// settings form and the API say it.
func logoField(err error) error {
	var e *Error
	if !errors.As(err, &e) || e.Code != EINVALID {
		return err
	}
	return &Error{Code: EINVALID, Message: e.Message, Format: e.Format, Args: e.Args,
		Fields: map[string]string{"logo": e.Message}, FieldTexts: map[string]Text{"logo": {Format: e.Format, Args: e.Args}}}
}
