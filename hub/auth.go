package hub

import (
	"context"
	"log/slog"
	"strings"
	"sync"

	"github.com/alexedwards/argon2id"
)

// APITokenPrefix starts every API token secret, so leaked tokens are easy
// to recognise in logs and secret scanners.
const APITokenPrefix = "cp_"

// dummyHash is compared against when an email is unknown, so a login takes
// as long whether or not the account exists.
var (
	dummyHash     string
	dummyHashOnce sync.Once
)

func (s *Service) hashPassword(pw string) (string, error) {
	h, err := argon2id.CreateHash(pw, s.PasswordParams)
	if err != nil {
		return "", Internal(err, "hashing the password")
	}
	return h, nil
}

// ListOrganisers returns every organiser; admins only.
func (s *Service) ListOrganisers(ctx context.Context) ([]*Organiser, error) {
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	return s.Organisers.FindOrganisers(ctx)
}

// Organiser returns an organiser; admins, or the organiser themselves.
func (s *Service) Organiser(ctx context.Context, id int64) (*Organiser, error) {
	if me := OrganiserFrom(ctx); me == nil || (!me.IsAdmin() && me.ID != id) {
		if err := requireAdmin(ctx); err != nil {
			return nil, err
		}
	}
	return s.Organisers.FindOrganiserByID(ctx, id)
}

// CreateOrganiser adds an organiser with a password; admins only.
func (s *Service) CreateOrganiser(ctx context.Context, o *Organiser, password string) error {
	if err := requireAdmin(ctx); err != nil {
		return err
	}
	return s.createOrganiser(ctx, o, password)
}

func (s *Service) createOrganiser(ctx context.Context, o *Organiser, password string) error {
	f := fieldErrors{}
	if err := o.Validate(); err != nil {
		f = fieldErrors(fieldTexts(err))
	}
	checkPassword(f, "password", password)
	if err := f.err("organiser"); err != nil {
		return err
	}
	h, err := s.hashPassword(password)
	if err != nil {
		return err
	}
	o.PasswordHash = h
	if err := s.Organisers.CreateOrganiser(ctx, o); err != nil {
		return err
	}
	s.Logger.Info("organiser created", slog.Group("organiser", "id", o.ID, "role", o.Role), "by", actorName(ctx))
	return nil
}

// Bootstrap creates the first admin when the hub has no organisers yet. It
// needs no acting organiser, and returns ECONFLICT once any organiser exists.
func (s *Service) Bootstrap(ctx context.Context, o *Organiser, password string) error {
	all, err := s.Organisers.FindOrganisers(ctx)
	if err != nil {
		return err
	}
	if len(all) > 0 {
		return Errorf(ECONFLICT, "This hub already has organisers.")
	}
	o.Role = RoleAdmin
	return s.createOrganiser(ctx, o, password)
}

// UpdateOrganiser changes an organiser's name, email and role. Admins may
// change anyone; others only their own name and email. The last admin
// cannot stop being an admin.
func (s *Service) UpdateOrganiser(ctx context.Context, o *Organiser) error {
	me := OrganiserFrom(ctx)
	if me == nil {
		return Errorf(EUNAUTHORIZED, "Please log in first.")
	}
	old, err := s.Organisers.FindOrganiserByID(ctx, o.ID)
	if err != nil {
		return err
	}
	if !me.IsAdmin() {
		if me.ID != o.ID {
			return Errorf(EFORBIDDEN, "Only admins can change other organisers.")
		}
		o.Role = old.Role
	}
	if err := o.Validate(); err != nil {
		return err
	}
	if old.Role == RoleAdmin && o.Role != RoleAdmin {
		if err := s.ensureAnotherAdmin(ctx, o.ID); err != nil {
			return err
		}
	}
	o.PasswordHash, o.CreatedAt = old.PasswordHash, old.CreatedAt
	return s.Organisers.UpdateOrganiser(ctx, o)
}

func (s *Service) ensureAnotherAdmin(ctx context.Context, id int64) error {
	all, err := s.Organisers.FindOrganisers(ctx)
	if err != nil {
		return err
	}
	for _, a := range all {
		if a.ID != id && a.Role == RoleAdmin {
			return nil
		}
	}
	return Errorf(ECONFLICT, "This is the hub's only admin. Make someone else an admin first.")
}

// SetPassword sets another organiser's password without their old one:
// an admin resetting it for someone who has forgotten theirs, or the host
// (the command line, the recovery path when nobody can log in). Nobody
// sets their own password this way, admins included: a session or API
// token, which can be stolen, must not be enough to take over the login;
// that is ChangePassword, with the current password. Every session of the
// organiser ends; their API tokens stay.
func (s *Service) SetPassword(ctx context.Context, id int64, password string) error {
	me := OrganiserFrom(ctx)
	if me == nil {
		return Errorf(EUNAUTHORIZED, "Please log in first.")
	}
	if me.ID == id {
		return &Error{Code: EINVALID, Message: "To change your own password, give your current password too.",
			Fields: map[string]string{"password": "To change your own password, use Your account, where you give your current one."}}
	}
	if !me.IsAdmin() {
		return Errorf(EFORBIDDEN, "Only admins can set another organiser's password.")
	}
	f := fieldErrors{}
	checkPassword(f, "password", password)
	if err := f.err("password"); err != nil {
		return err
	}
	o, err := s.Organisers.FindOrganiserByID(ctx, id)
	if err != nil {
		return err
	}
	if err := s.savePassword(ctx, o, password); err != nil {
		return err
	}
	s.Logger.Info("password set", slog.Group("organiser", "id", o.ID), "by", actorName(ctx))
	return nil
}

// ChangePassword changes the acting organiser's own password. The current
// password must be given and right: whoever holds a session or an API
// token should not be able to take over the login with it alone. Missing
// or wrong, the answer is EINVALID with a message on "current_password"
// (and on "password" if the new one is not acceptable), and nothing
// changes. Every session of the organiser ends, this one included; their
// API tokens stay. Front ends should limit how often a wrong current
// password may be tried, as they do for logins.
func (s *Service) ChangePassword(ctx context.Context, current, password string) error {
	me := OrganiserFrom(ctx)
	if me == nil || me.ID == 0 { // the host has no password of its own
		return Errorf(EUNAUTHORIZED, "Please log in first.")
	}
	o, err := s.Organisers.FindOrganiserByID(ctx, me.ID)
	if err != nil {
		return err
	}
	f := fieldErrors{}
	if current == "" {
		f.add("current_password", "Enter your current password.")
	} else if ok, err := passwordMatches(current, o.PasswordHash); err != nil {
		return Internal(err, "checking the current password")
	} else if !ok {
		f.add("current_password", "That is not your current password.")
	}
	checkPassword(f, "password", password)
	if err := f.err("password"); err != nil {
		return err
	}
	if err := s.savePassword(ctx, o, password); err != nil {
		return err
	}
	s.Logger.Info("password changed", slog.Group("organiser", "id", o.ID))
	return nil
}

// passwordMatches checks a password against an argon2id hash. Passwords
// longer than any that could have been set are wrong without hashing them.
func passwordMatches(password, hash string) (bool, error) {
	if len(password) > 1024 {
		return false, nil
	}
	return argon2id.ComparePasswordAndHash(password, hash)
}

// savePassword hashes and stores o's new password, then ends its sessions:
// whoever knew the old password is logged out everywhere.
func (s *Service) savePassword(ctx context.Context, o *Organiser, password string) error {
	var err error
	if o.PasswordHash, err = s.hashPassword(password); err != nil {
		return err
	}
	if err := s.Organisers.UpdateOrganiser(ctx, o); err != nil {
		return err
	}
	return s.Sessions.DeleteOrganiserSessions(ctx, o.ID)
}

// DeleteOrganiser removes an organiser; admins only, never the last admin.
func (s *Service) DeleteOrganiser(ctx context.Context, id int64) error {
	if err := requireAdmin(ctx); err != nil {
		return err
	}
	o, err := s.Organisers.FindOrganiserByID(ctx, id)
	if err != nil {
		return err
	}
	if o.Role == RoleAdmin {
		if err := s.ensureAnotherAdmin(ctx, id); err != nil {
			return err
		}
	}
	return s.Organisers.DeleteOrganiser(ctx, id)
}

// Login checks an email and password and starts a session. It returns the
// session and the secret token for the cookie. Wrong details give
// EUNAUTHORIZED with the same message whether or not the email is known.
func (s *Service) Login(ctx context.Context, email, password string) (*Session, string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	o, err := s.Organisers.FindOrganiserByEmail(ctx, email)
	if err != nil && ErrorCode(err) != ENOTFOUND {
		return nil, "", err
	}
	hash := dummyHashFor(s)
	if o != nil {
		hash = o.PasswordHash
	}
	match, cerr := argon2id.ComparePasswordAndHash(password, hash)
	if cerr != nil || !match || o == nil {
		s.Logger.Info("login failed", "email_known", o != nil)
		return nil, "", Errorf(EUNAUTHORIZED, "That email and password do not match an organiser of this hub.")
	}
	token := randomToken(32)
	now := s.Now()
	sess := &Session{
		TokenHash:   HashToken(token),
		OrganiserID: o.ID,
		CSRFToken:   randomToken(24),
		CreatedAt:   now,
		ExpiresAt:   now.Add(s.SessionLifetime),
	}
	if err := s.Sessions.CreateSession(ctx, sess); err != nil {
		return nil, "", err
	}
	if err := s.Sessions.DeleteExpiredSessions(ctx, now); err != nil {
		s.Logger.Warn("could not delete expired sessions", "error", err)
	}
	s.Logger.Info("login", slog.Group("organiser", "id", o.ID))
	return sess, token, nil
}

func dummyHashFor(s *Service) string {
	dummyHashOnce.Do(func() {
		dummyHash, _ = argon2id.CreateHash("not a real password", s.PasswordParams)
	})
	return dummyHash
}

// SessionByToken returns the session and organiser for a cookie token, or
// EUNAUTHORIZED.
func (s *Service) SessionByToken(ctx context.Context, token string) (*Session, *Organiser, error) {
	if token == "" {
		return nil, nil, Errorf(EUNAUTHORIZED, "Please log in.")
	}
	sess, err := s.Sessions.FindSession(ctx, HashToken(token), s.Now())
	if ErrorCode(err) == ENOTFOUND {
		return nil, nil, Errorf(EUNAUTHORIZED, "Your login has expired. Please log in again.")
	} else if err != nil {
		return nil, nil, err
	}
	o, err := s.Organisers.FindOrganiserByID(ctx, sess.OrganiserID)
	if ErrorCode(err) == ENOTFOUND {
		return nil, nil, Errorf(EUNAUTHORIZED, "Please log in.")
	} else if err != nil {
		return nil, nil, err
	}
	return sess, o, nil
}

// Logout ends the session with this cookie token.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.Sessions.DeleteSession(ctx, HashToken(token))
}

// CreateToken makes an API token for the acting organiser (or, for the
// host, for organiserID). The secret is returned once and never stored.
func (s *Service) CreateToken(ctx context.Context, organiserID int64, name string) (*APIToken, string, error) {
	me := OrganiserFrom(ctx)
	if me == nil {
		return nil, "", Errorf(EUNAUTHORIZED, "Please log in first.")
	}
	if organiserID == 0 {
		organiserID = me.ID
	}
	if organiserID != me.ID && !me.IsAdmin() {
		return nil, "", Errorf(EFORBIDDEN, "You can only create tokens for yourself.")
	}
	if _, err := s.Organisers.FindOrganiserByID(ctx, organiserID); err != nil {
		return nil, "", err
	}
	f := fieldErrors{}
	name = strings.TrimSpace(name)
	checkText(f, "name", "Token name", name, true, 100)
	if err := f.err("token"); err != nil {
		return nil, "", err
	}
	secret := APITokenPrefix + randomToken(32)
	t := &APIToken{OrganiserID: organiserID, Name: name, Hash: HashToken(secret)}
	if err := s.Tokens.CreateToken(ctx, t); err != nil {
		return nil, "", err
	}
	s.Logger.Info("api token created", slog.Group("token", "id", t.ID, "organiser_id", organiserID), "by", actorName(ctx))
	return t, secret, nil
}

// OrganiserByToken returns the organiser an API token acts for, or EUNAUTHORIZED.
func (s *Service) OrganiserByToken(ctx context.Context, secret string) (*Organiser, error) {
	if !strings.HasPrefix(secret, APITokenPrefix) {
		return nil, Errorf(EUNAUTHORIZED, "That API token is not valid.")
	}
	t, err := s.Tokens.FindTokenByHash(ctx, HashToken(secret))
	if ErrorCode(err) == ENOTFOUND {
		return nil, Errorf(EUNAUTHORIZED, "That API token is not valid or has been revoked.")
	} else if err != nil {
		return nil, err
	}
	o, err := s.Organisers.FindOrganiserByID(ctx, t.OrganiserID)
	if err != nil {
		return nil, Errorf(EUNAUTHORIZED, "That API token is not valid.")
	}
	if err := s.Tokens.TouchToken(ctx, t.ID, s.Now()); err != nil {
		s.Logger.Warn("could not record token use", "error", err)
	}
	return o, nil
}

// ListTokens lists the acting organiser's tokens; admins see all.
func (s *Service) ListTokens(ctx context.Context) ([]*APIToken, error) {
	me := OrganiserFrom(ctx)
	if me == nil {
		return nil, Errorf(EUNAUTHORIZED, "Please log in first.")
	}
	if me.IsAdmin() {
		return s.Tokens.FindTokens(ctx, 0)
	}
	return s.Tokens.FindTokens(ctx, me.ID)
}

// DeleteToken revokes a token: its owner's or, for admins, anyone's.
func (s *Service) DeleteToken(ctx context.Context, id int64) error {
	me := OrganiserFrom(ctx)
	if me == nil {
		return Errorf(EUNAUTHORIZED, "Please log in first.")
	}
	if !me.IsAdmin() {
		mine, err := s.Tokens.FindTokens(ctx, me.ID)
		if err != nil {
			return err
		}
		found := false
		for _, t := range mine {
			found = found || t.ID == id
		}
		if !found {
			return Errorf(ENOTFOUND, "No such token.")
		}
	}
	return s.Tokens.DeleteToken(ctx, id)
}
