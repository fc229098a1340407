package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// PictureStore implements hub.PictureStore: pictures in the pictures
// table (migration 0014), bytes and all.
type PictureStore struct{ db *DB }

var _ hub.PictureStore = (*PictureStore)(nil)

// pictureColumns are the columns of a picture without its bytes.
const pictureColumns = `id, owner, owner_id, alt, focus_x, focus_y, mime, hash, width, height, small_width, small_height, COALESCE(blurhash, ''), length(large) + length(small), created_at, source`

func scanPicture(sc interface{ Scan(...any) error }, extra ...any) (*hub.Picture, error) {
	p := &hub.Picture{}
	var owner string
	var created int64
	dest := append([]any{&p.ID, &owner, &p.OwnerID, &p.Alt, &p.FocusX, &p.FocusY, &p.MIME, &p.Hash,
		&p.Width, &p.Height, &p.SmallWidth, &p.SmallHeight, &p.Blurhash, &p.Bytes, &created, &p.Source}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	p.Owner, p.CreatedAt = hub.PictureOwner(owner), fromUnix(created)
	return p, nil
}

func noPicture(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return hub.Errorf(hub.ENOTFOUND, "No picture.")
	}
	return wrap(err, what)
}

// SavePicture stores p as its owner's picture, replacing the one before.
func (s *PictureStore) SavePicture(ctx context.Context, p *hub.Picture) error {
	now := s.db.now()
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM pictures WHERE owner = ? AND owner_id = ?`, string(p.Owner), p.OwnerID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO pictures (owner, owner_id, alt, focus_x, focus_y, mime, hash, width, height,
			small_width, small_height, blurhash, large, small, created_at, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			string(p.Owner), p.OwnerID, p.Alt, p.FocusX, p.FocusY, p.MIME, p.Hash, p.Width, p.Height,
			p.SmallWidth, p.SmallHeight, nullString(p.Blurhash), p.Large, p.Small, unix(now), p.Source)
		if err != nil {
			return err
		}
		if p.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		return touchOwner(ctx, tx, p.Owner, p.OwnerID, now)
	})
	if err != nil {
		return wrap(err, "save picture")
	}
	p.CreatedAt = fromUnix(unix(now))
	return nil
}

// FindPicture returns an owner's picture without its bytes.
func (s *PictureStore) FindPicture(ctx context.Context, owner hub.PictureOwner, ownerID int64) (*hub.Picture, error) {
	row := s.db.db.QueryRowContext(ctx, `SELECT `+pictureColumns+` FROM pictures WHERE owner = ? AND owner_id = ?`, string(owner), ownerID)
	p, err := scanPicture(row)
	return p, noPicture(err, "read picture")
}

// FindPictures returns the pictures of many owners of one type.
func (s *PictureStore) FindPictures(ctx context.Context, owner hub.PictureOwner, ownerIDs []int64) (map[int64]*hub.Picture, error) {
	out := map[int64]*hub.Picture{}
	err := queryIn(ctx, s.db.db, `SELECT `+pictureColumns+` FROM pictures WHERE owner = ? AND owner_id IN `, ownerIDs, ``, []any{string(owner)}, func(r rowScanner) error {
		p, err := scanPicture(r)
		if err == nil {
			out[p.OwnerID] = p
		}
		return err
	})
	return out, wrap(err, "read pictures")
}

// PictureData returns a picture with the bytes of one derivative.
func (s *PictureStore) PictureData(ctx context.Context, id int64, size hub.PictureSize) (*hub.Picture, error) {
	column := "small"
	if size == hub.SizeLarge {
		column = "large"
	}
	var data []byte
	row := s.db.db.QueryRowContext(ctx, `SELECT `+pictureColumns+`, `+column+` FROM pictures WHERE id = ?`, id)
	p, err := scanPicture(row, &data)
	if err != nil {
		return nil, noPicture(err, "read picture")
	}
	if size == hub.SizeLarge {
		p.Large = data
	} else {
		p.Small = data
	}
	return p, nil
}

// DeletePicture removes an owner's picture.
func (s *PictureStore) DeletePicture(ctx context.Context, owner hub.PictureOwner, ownerID int64) error {
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM pictures WHERE owner = ? AND owner_id = ?`, string(owner), ownerID)
		if err := changedOne(res, err, "delete picture"); err != nil {
			return err
		}
		return touchOwner(ctx, tx, owner, ownerID, s.db.now())
	})
	return wrap(err, "delete picture")
}

// UpdatePictureAlt sets a picture's description.
func (s *PictureStore) UpdatePictureAlt(ctx context.Context, id int64, alt string) error {
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var owner string
		var ownerID int64
		if err := tx.QueryRowContext(ctx, `SELECT owner, owner_id FROM pictures WHERE id = ?`, id).Scan(&owner, &ownerID); err != nil {
			return noPicture(err, "describe picture")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE pictures SET alt = ? WHERE id = ?`, alt, id); err != nil {
			return err
		}
		return touchOwner(ctx, tx, hub.PictureOwner(owner), ownerID, s.db.now())
	})
	return wrap(err, "describe picture")
}

// touchOwner moves the updated_at of a picture's item or place, so that
// feeds, caches and followers (Mastodon applies an Update only when its
// "updated" is newer) see the change of picture.
func touchOwner(ctx context.Context, tx *sql.Tx, owner hub.PictureOwner, id int64, now time.Time) error {
	table := ""
	switch {
	case owner.Kind() != "":
		table = owner.Kind().Info().Table
	case owner == hub.OwnerPlace:
		table = "places"
	default:
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE `+table+` SET updated_at = ? WHERE id = ?`, unix(now), id)
	return err
}

func changedOne(res sql.Result, err error, what string) error {
	if err != nil {
		return wrap(err, what)
	}
	if n, err := res.RowsAffected(); err != nil {
		return wrap(err, what)
	} else if n == 0 {
		return hub.Errorf(hub.ENOTFOUND, "No picture.")
	}
	return nil
}

// PicturesWithoutAlt lists the pictures with no description.
func (s *PictureStore) PicturesWithoutAlt(ctx context.Context) ([]*hub.Picture, error) {
	return queryAll(ctx, s.db.db, func(r rowScanner) (*hub.Picture, error) { return scanPicture(r) }, "list pictures",
		`SELECT `+pictureColumns+` FROM pictures WHERE alt = '' ORDER BY id`)
}

// PictureSpace returns how many pictures are kept and their bytes.
func (s *PictureStore) PictureSpace(ctx context.Context) (int, int64, error) {
	var n int
	var size int64
	err := s.db.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(length(large) + length(small)), 0) FROM pictures`).Scan(&n, &size)
	return n, size, wrap(err, "measure pictures")
}

// PicturesWithoutBlurhash lists the ids of pictures kept before blurhashes
// were made (migration 0020 left them NULL).
func (s *PictureStore) PicturesWithoutBlurhash(ctx context.Context) ([]int64, error) {
	return queryAll(ctx, s.db.db, scanValue[int64], "list pictures", `SELECT id FROM pictures WHERE blurhash IS NULL ORDER BY id`)
}

// SetPictureBlurhash keeps a picture's blurhash; the picture's owner is not
// touched (nothing a reader sees changed).
func (s *PictureStore) SetPictureBlurhash(ctx context.Context, id int64, hash string) error {
	res, err := s.db.exec(ctx, `UPDATE pictures SET blurhash = ? WHERE id = ?`, hash, id)
	return changedOne(res, err, "set blurhash")
}

// nullString stores "" as NULL: a blurhash not made.
func nullString(s string) sql.NullString {
	return sql.NullString{String: s, Valid: s != ""}
}
