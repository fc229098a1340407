package storage

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// ---- organisers ----

// OrganiserStore implements hub.OrganiserStore.
type OrganiserStore struct{ db *DB }

var _ hub.OrganiserStore = (*OrganiserStore)(nil)

const organiserColumns = `id, email, name, role, password_hash, created_at, updated_at`

func scanOrganiser(sc interface{ Scan(...any) error }) (*hub.Organiser, error) {
	o := &hub.Organiser{}
	var created, updated int64
	if err := sc.Scan(&o.ID, &o.Email, &o.Name, &o.Role, &o.PasswordHash, &created, &updated); err != nil {
		return nil, err
	}
	o.CreatedAt, o.UpdatedAt = fromUnix(created), fromUnix(updated)
	return o, nil
}

func (s *OrganiserStore) findOne(ctx context.Context, where string, arg any) (*hub.Organiser, error) {
	return queryOne(ctx, s.db.db, scanOrganiser, hub.Errorf(hub.ENOTFOUND, "There is no such organiser."), "find organiser",
		`SELECT `+organiserColumns+` FROM organisers WHERE `+where, arg)
}

// FindOrganiserByID returns an organiser.
func (s *OrganiserStore) FindOrganiserByID(ctx context.Context, id int64) (*hub.Organiser, error) {
	return s.findOne(ctx, "id = ?", id)
}

// FindOrganiserByEmail returns an organiser; emails match without case.
func (s *OrganiserStore) FindOrganiserByEmail(ctx context.Context, email string) (*hub.Organiser, error) {
	return s.findOne(ctx, "email = ?", strings.ToLower(strings.TrimSpace(email)))
}

// FindOrganisers returns every organiser ordered by name.
func (s *OrganiserStore) FindOrganisers(ctx context.Context) ([]*hub.Organiser, error) {
	return queryAll(ctx, s.db.db, scanOrganiser, "list organisers", `SELECT `+organiserColumns+` FROM organisers ORDER BY name COLLATE NOCASE, id`)
}

func emailTaken(err error) error {
	if isUniqueViolation(err) {
		return &hub.Error{Code: hub.ECONFLICT, Message: "An organiser with this email already exists.",
			Fields: map[string]string{"email": "An organiser with this email already exists."}, Err: err}
	}
	return err
}

// CreateOrganiser stores a new organiser.
func (s *OrganiserStore) CreateOrganiser(ctx context.Context, o *hub.Organiser) error {
	now := unix(s.db.now())
	o.Email = strings.ToLower(strings.TrimSpace(o.Email))
	res, err := s.db.exec(ctx, `INSERT INTO organisers (email, name, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
		o.Email, o.Name, o.Role, o.PasswordHash, now, now)
	if err != nil {
		return wrap(emailTaken(err), "create organiser")
	}
	o.ID, _ = res.LastInsertId()
	o.CreatedAt, o.UpdatedAt = fromUnix(now), fromUnix(now)
	return nil
}

// UpdateOrganiser saves email, name, role and password hash.
func (s *OrganiserStore) UpdateOrganiser(ctx context.Context, o *hub.Organiser) error {
	now := unix(s.db.now())
	o.Email = strings.ToLower(strings.TrimSpace(o.Email))
	res, err := s.db.exec(ctx, `UPDATE organisers SET email = ?, name = ?, role = ?, password_hash = ?, updated_at = ? WHERE id = ?`,
		o.Email, o.Name, o.Role, o.PasswordHash, now, o.ID)
	if err != nil {
		return wrap(emailTaken(err), "update organiser")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return hub.Errorf(hub.ENOTFOUND, "There is no such organiser.")
	}
	o.UpdatedAt = fromUnix(now)
	return nil
}

// DeleteOrganiser removes an organiser with their sessions and tokens.
func (s *OrganiserStore) DeleteOrganiser(ctx context.Context, id int64) error {
	return s.db.execOne(ctx, hub.Errorf(hub.ENOTFOUND, "There is no such organiser."), "delete organiser", `DELETE FROM organisers WHERE id = ?`, id)
}

// ---- sessions ----

// SessionStore implements hub.SessionStore.
type SessionStore struct{ db *DB }

var _ hub.SessionStore = (*SessionStore)(nil)

// CreateSession stores a session.
func (s *SessionStore) CreateSession(ctx context.Context, sess *hub.Session) error {
	_, err := s.db.exec(ctx, `INSERT INTO sessions (token_hash, organiser_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		sess.TokenHash, sess.OrganiserID, sess.CSRFToken, unix(sess.CreatedAt), unix(sess.ExpiresAt))
	return wrap(err, "create session")
}

// FindSession returns an unexpired session, or ENOTFOUND.
func (s *SessionStore) FindSession(ctx context.Context, tokenHash string, now time.Time) (*hub.Session, error) {
	sess := &hub.Session{}
	var created, expires int64
	err := s.db.db.QueryRowContext(ctx, `SELECT token_hash, organiser_id, csrf_token, created_at, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?`, tokenHash, unix(now)).
		Scan(&sess.TokenHash, &sess.OrganiserID, &sess.CSRFToken, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, hub.Errorf(hub.ENOTFOUND, "Your login has expired. Please log in again.")
	}
	if err != nil {
		return nil, wrap(err, "find session")
	}
	sess.CreatedAt, sess.ExpiresAt = fromUnix(created), fromUnix(expires)
	return sess, nil
}

// DeleteSession removes a session.
func (s *SessionStore) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := s.db.exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
	return wrap(err, "delete session")
}

// DeleteOrganiserSessions ends every session of an organiser.
func (s *SessionStore) DeleteOrganiserSessions(ctx context.Context, organiserID int64) error {
	_, err := s.db.exec(ctx, `DELETE FROM sessions WHERE organiser_id = ?`, organiserID)
	return wrap(err, "end sessions")
}

// DeleteExpiredSessions removes sessions that expired before now.
func (s *SessionStore) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	_, err := s.db.exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, unix(now))
	return wrap(err, "delete expired sessions")
}

// ---- API tokens ----

// TokenStore implements hub.TokenStore.
type TokenStore struct{ db *DB }

var _ hub.TokenStore = (*TokenStore)(nil)

const tokenColumns = `id, organiser_id, name, hash, created_at, last_used_at`

func scanToken(sc interface{ Scan(...any) error }) (*hub.APIToken, error) {
	t := &hub.APIToken{}
	var created int64
	var used sql.NullInt64
	if err := sc.Scan(&t.ID, &t.OrganiserID, &t.Name, &t.Hash, &created, &used); err != nil {
		return nil, err
	}
	t.CreatedAt, t.LastUsedAt = fromUnix(created), timePtr(used)
	return t, nil
}

// CreateToken stores a token.
func (s *TokenStore) CreateToken(ctx context.Context, t *hub.APIToken) error {
	now := unix(s.db.now())
	res, err := s.db.exec(ctx, `INSERT INTO api_tokens (organiser_id, name, hash, created_at) VALUES (?, ?, ?, ?)`, t.OrganiserID, t.Name, t.Hash, now)
	if err != nil {
		return wrap(err, "create token")
	}
	t.ID, _ = res.LastInsertId()
	t.CreatedAt = fromUnix(now)
	return nil
}

// FindTokenByHash returns the token, or ENOTFOUND.
func (s *TokenStore) FindTokenByHash(ctx context.Context, hash string) (*hub.APIToken, error) {
	return queryOne(ctx, s.db.db, scanToken, hub.Errorf(hub.ENOTFOUND, "No such token."), "find token",
		`SELECT `+tokenColumns+` FROM api_tokens WHERE hash = ?`, hash)
}

// FindTokens lists an organiser's tokens, newest first; 0 lists all.
func (s *TokenStore) FindTokens(ctx context.Context, organiserID int64) ([]*hub.APIToken, error) {
	query, args := `SELECT `+tokenColumns+` FROM api_tokens ORDER BY created_at DESC, id DESC`, []any{}
	if organiserID != 0 {
		query, args = `SELECT `+tokenColumns+` FROM api_tokens WHERE organiser_id = ? ORDER BY created_at DESC, id DESC`, []any{organiserID}
	}
	return queryAll(ctx, s.db.db, scanToken, "list tokens", query, args...)
}

// TouchToken records a use.
func (s *TokenStore) TouchToken(ctx context.Context, id int64, at time.Time) error {
	_, err := s.db.exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, unix(at), id)
	return wrap(err, "record token use")
}

// DeleteToken revokes a token.
func (s *TokenStore) DeleteToken(ctx context.Context, id int64) error {
	return s.db.execOne(ctx, hub.Errorf(hub.ENOTFOUND, "No such token."), "delete token", `DELETE FROM api_tokens WHERE id = ?`, id)
}

// ---- settings ----

// SettingsStore implements hub.SettingsStore.
type SettingsStore struct{ db *DB }

var _ hub.SettingsStore = (*SettingsStore)(nil)

// FindSettings returns the stored settings, or the defaults.
func (s *SettingsStore) FindSettings(ctx context.Context) (hub.Settings, error) {
	var st hub.Settings
	var updated int64
	var lat, lon sql.NullFloat64
	var origins string
	// The logo's type is the logo picture's (migration 0023), or, for one
	// the migration could not read, the settings' own.
	err := s.db.db.QueryRowContext(ctx, `SELECT name, description, time_zone, language, accent_colour,
		COALESCE((SELECT mime FROM pictures WHERE owner = 'logo' AND owner_id = 0), logo_type),
		handle, discoverable, indexable, manually_approves_followers, area_name, area_latitude, area_longitude,
		answers_network_search, embed_origins, updated_at FROM settings WHERE id = 1`).
		Scan(&st.Name, &st.Description, &st.TimeZone, &st.Language, &st.AccentColour, &st.LogoType,
			&st.Handle, &st.Discoverable, &st.Indexable, &st.ManuallyApprovesFollowers, &st.Area.Name, &lat, &lon, &st.AnswersNetworkSearch, &origins, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return hub.DefaultSettings(), nil
	}
	if err != nil {
		return hub.Settings{}, wrap(err, "read settings")
	}
	st.Area.Latitude, st.Area.Longitude = floatPtr(lat), floatPtr(lon)
	st.EmbedOrigins = strings.Fields(origins)
	st.UpdatedAt = fromUnix(updated)
	return st, nil
}

// UpdateSettings saves the settings (not the logo).
func (s *SettingsStore) UpdateSettings(ctx context.Context, st hub.Settings) error {
	_, err := s.db.exec(ctx, `INSERT INTO settings (id, name, description, time_zone, language, accent_colour,
		handle, discoverable, indexable, manually_approves_followers, area_name, area_latitude, area_longitude,
		answers_network_search, embed_origins, updated_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET name = excluded.name, description = excluded.description, time_zone = excluded.time_zone,
		language = excluded.language, accent_colour = excluded.accent_colour, handle = excluded.handle,
		discoverable = excluded.discoverable, indexable = excluded.indexable,
		manually_approves_followers = excluded.manually_approves_followers, area_name = excluded.area_name,
		area_latitude = excluded.area_latitude, area_longitude = excluded.area_longitude,
		answers_network_search = excluded.answers_network_search, embed_origins = excluded.embed_origins, updated_at = excluded.updated_at`,
		st.Name, st.Description, st.TimeZone, st.Language, st.AccentColour,
		st.Handle, st.Discoverable, st.Indexable, st.ManuallyApprovesFollowers,
		st.Area.Name, nullFloat(st.Area.Latitude), nullFloat(st.Area.Longitude), st.AnswersNetworkSearch, strings.Join(st.EmbedOrigins, " "), unix(s.db.now()))
	return wrap(err, "save settings")
}

// FindLogo returns the logo, or ENOTFOUND.
func (s *SettingsStore) FindLogo(ctx context.Context) ([]byte, string, error) {
	var data []byte
	var mime string
	err := s.db.db.QueryRowContext(ctx, `SELECT logo, logo_type FROM settings WHERE id = 1 AND logo IS NOT NULL`).Scan(&data, &mime)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", hub.Errorf(hub.ENOTFOUND, "This hub has no logo.")
	}
	return data, mime, wrap(err, "read logo")
}

// UpdateLogo stores the logo; nil or empty data removes it.
func (s *SettingsStore) UpdateLogo(ctx context.Context, data []byte, mimeType string) error {
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		d := hub.DefaultSettings()
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (id, name, description, time_zone, language, accent_colour, updated_at) VALUES (1, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
			d.Name, d.Description, d.TimeZone, d.Language, d.AccentColour, unix(s.db.now())); err != nil {
			return err
		}
		if len(data) == 0 {
			data, mimeType = nil, "" // NULL: no logo
		}
		_, err := tx.ExecContext(ctx, `UPDATE settings SET logo = ?, logo_type = ?, updated_at = ? WHERE id = 1`, data, mimeType, unix(s.db.now()))
		return err
	})
	return wrap(err, "save logo")
}
