package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// Peers' pictures (migration 0019): a commons item's picture is fetched
// from its peer by federation and kept in pictures with owner 'commons';
// remote_items' image_ columns hold its address on the peer and the
// state of the fetch.

var _ hub.PeerPictureStore = (*CommonsStore)(nil)

// saveRemotePicture keeps the address of a peer's item's picture; nil
// clears it. A new or changed address drops the copy fetched before and
// makes a fetch due now; the same address with a description where there
// was none (or another one) describes the copy.
func saveRemotePicture(ctx context.Context, tx *sql.Tx, itemID int64, p *hub.RemotePicture) error {
	if p == nil {
		p = &hub.RemotePicture{}
	}
	var before string
	if err := tx.QueryRowContext(ctx, `SELECT image_url FROM remote_items WHERE id = ?`, itemID).Scan(&before); err != nil {
		return err
	}
	if before == p.URL {
		if _, err := tx.ExecContext(ctx, `UPDATE remote_items SET image_alt = ?, image_type = ?, image_width = ?, image_height = ? WHERE id = ?`,
			p.Alt, p.MediaType, p.Width, p.Height, itemID); err != nil {
			return err
		}
		if p.Alt == "" {
			return nil // an organiser's description of a picture that came without one stays
		}
		_, err := tx.ExecContext(ctx, `UPDATE pictures SET alt = ? WHERE owner = 'commons' AND owner_id = ?`, p.Alt, itemID)
		return err
	}
	var due any
	if p.URL != "" {
		due = 0 // due at once, whatever the fetcher's clock says
	}
	if _, err := tx.ExecContext(ctx, `UPDATE remote_items SET image_url = ?, image_alt = ?, image_type = ?, image_width = ?, image_height = ?,
		image_due_at = ?, image_tries = 0, image_error = '' WHERE id = ?`,
		p.URL, p.Alt, p.MediaType, p.Width, p.Height, due, itemID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM pictures WHERE owner = 'commons' AND owner_id = ?`, itemID)
	return err
}

// fillRemotePictures loads the pictures of peers' items, with the copy
// kept here when there is one.
func (s *CommonsStore) fillRemotePictures(ctx context.Context, items []*hub.RemoteItem) error {
	byID, ids := remoteItemsByID(items)
	return queryIn(ctx, s.db.db, `SELECT i.id, i.image_url, i.image_alt, i.image_type, i.image_width, i.image_height,
			p.id, p.owner, p.owner_id, p.alt, p.focus_x, p.focus_y, p.mime, p.hash, p.width, p.height, p.small_width, p.small_height, p.created_at,
			COALESCE(p.blurhash, '')
			FROM remote_items i LEFT JOIN pictures p ON p.owner = 'commons' AND p.owner_id = i.id
			WHERE i.image_url != '' AND i.id IN `, ids, ``, nil, func(r rowScanner) error {
		var id int64
		p := &hub.RemotePicture{}
		var pid, ownerID, created, w, h, sw, sh sql.NullInt64
		var owner, alt, mime, hash, blurhash sql.NullString
		var fx, fy sql.NullFloat64
		if err := r.Scan(&id, &p.URL, &p.Alt, &p.MediaType, &p.Width, &p.Height,
			&pid, &owner, &ownerID, &alt, &fx, &fy, &mime, &hash, &w, &h, &sw, &sh, &created, &blurhash); err != nil {
			return err
		}
		if pid.Valid {
			p.Local = &hub.Picture{ID: pid.Int64, Owner: hub.PictureOwner(owner.String), OwnerID: ownerID.Int64, Alt: alt.String,
				FocusX: fx.Float64, FocusY: fy.Float64, MIME: mime.String, Hash: hash.String, Width: int(w.Int64), Height: int(h.Int64),
				SmallWidth: int(sw.Int64), SmallHeight: int(sh.Int64), CreatedAt: fromUnix(created.Int64), Blurhash: blurhash.String}
		}
		byID[id].Picture = p
		return nil
	})
}

// PeerPicturesDue lists the items whose picture is due to be fetched.
func (s *CommonsStore) PeerPicturesDue(ctx context.Context, now time.Time, limit int) ([]hub.PeerPictureFetch, error) {
	return queryAll(ctx, s.db.db, func(r rowScanner) (hub.PeerPictureFetch, error) {
		var f hub.PeerPictureFetch
		err := r.Scan(&f.ItemID, &f.URL, &f.Alt, &f.Tries)
		return f, err
	}, "list pictures to fetch", `SELECT id, image_url, image_alt, image_tries FROM remote_items
		WHERE image_due_at IS NOT NULL AND image_due_at <= ? AND image_url <> '' ORDER BY image_due_at, id LIMIT ?`, unix(now), limit)
}

// errPictureMoved: the item is gone, or its picture is now another one.
var errPictureMoved = hub.Errorf(hub.ENOTFOUND, "The item is gone, or its picture changed.")

// SavePeerPicture keeps a fetched picture as the item's.
func (s *CommonsStore) SavePeerPicture(ctx context.Context, itemID int64, url string, p *hub.Picture) error {
	now := s.db.now()
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE remote_items SET image_due_at = NULL, image_error = '' WHERE id = ? AND image_url = ?`, itemID, url)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errPictureMoved
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM pictures WHERE owner = 'commons' AND owner_id = ?`, itemID); err != nil {
			return err
		}
		res, err = tx.ExecContext(ctx, `INSERT INTO pictures (owner, owner_id, alt, focus_x, focus_y, mime, hash, width, height,
			small_width, small_height, large, small, created_at, source, blurhash) VALUES ('commons', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			itemID, p.Alt, p.FocusX, p.FocusY, p.MIME, p.Hash, p.Width, p.Height, p.SmallWidth, p.SmallHeight, p.Large, p.Small, unix(now), url, nullString(p.Blurhash))
		if err != nil {
			return err
		}
		p.ID, err = res.LastInsertId()
		return err
	})
	if errors.Is(err, errPictureMoved) {
		return errPictureMoved
	}
	if err != nil {
		return wrap(err, "save a peer's picture")
	}
	p.Owner, p.OwnerID, p.CreatedAt = hub.OwnerCommons, itemID, fromUnix(unix(now))
	return nil
}

// PeerPictureFailed records a failed fetch.
func (s *CommonsStore) PeerPictureFailed(ctx context.Context, itemID int64, url string, next *time.Time, reason string) error {
	_, err := s.db.exec(ctx, `UPDATE remote_items SET image_tries = image_tries + 1, image_due_at = ?, image_error = ? WHERE id = ? AND image_url = ?`,
		nullUnix(next), reason, itemID, url)
	return wrap(err, "record a failed picture fetch")
}
