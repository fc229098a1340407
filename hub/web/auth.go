package web

import (
	"context"
	"crypto/subtle"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

const (
	sessionCookie = "commonplace_session"
	flashCookie   = "commonplace_flash"
)

type webCtxKey int

const (
	sessionKey webCtxKey = iota
	flashKey
)

// sessionFrom returns the logged-in session and organiser, if any.
func sessionFrom(ctx context.Context) (*hub.Session, *hub.Organiser) {
	sess, _ := ctx.Value(sessionKey).(*hub.Session)
	if sess == nil {
		return nil, nil
	}
	return sess, hub.OrganiserFrom(ctx)
}

func flashFrom(r *http.Request) string {
	f, _ := r.Context().Value(flashKey).(string)
	return f
}

// requireSession lets a request through only with a valid session cookie,
// acting as its organiser; unsafe methods must also carry the session's
// CSRF token. Others are sent to the login page.
func (s *Server) requireSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var sess *hub.Session
		var o *hub.Organiser
		var err error
		if c, cerr := r.Cookie(sessionCookie); cerr == nil {
			sess, o, err = s.svc.SessionByToken(r.Context(), c.Value)
		}
		if err != nil || sess == nil {
			if err != nil && hub.ErrorCode(err) == hub.EINTERNAL {
				s.renderError(w, r, err)
				return
			}
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				s.redirect(w, r, "/admin/login?next="+url.QueryEscape(r.URL.RequestURI()))
				return
			}
			s.renderError(w, r, hub.Errorf(hub.EUNAUTHORIZED, "Your login has expired. Please log in again; what you typed was not saved."))
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if err := parseForm(r); err != nil {
				s.renderError(w, r, err)
				return
			}
			if subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(sess.CSRFToken)) != 1 {
				s.renderError(w, r, hub.Errorf(hub.EFORBIDDEN, "This form has expired. Go back, reload the page and try again."))
				return
			}
		}
		ctx := hub.WithOrganiser(r.Context(), o)
		ctx = context.WithValue(ctx, sessionKey, sess)
		if fc, err := r.Cookie(flashCookie); err == nil {
			if v, err := url.QueryUnescape(fc.Value); err == nil {
				ctx = context.WithValue(ctx, flashKey, v)
			}
			http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/admin", MaxAge: -1, HttpOnly: true, Secure: s.secureCookies(), SameSite: http.SameSiteLaxMode})
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// parseForm parses url-encoded or multipart bodies within the body limit.
func parseForm(r *http.Request) error {
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(maxFormMemory)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		if statusOf(err) == http.StatusRequestEntityTooLarge {
			return err
		}
		return hub.Errorf(hub.EINVALID, "The form could not be read. Please try again.")
	}
	return nil
}

// redirectWithFlash sends the browser on after a successful change, with a
// one-time message for the next page.
func (s *Server) redirectWithFlash(w http.ResponseWriter, r *http.Request, to, msg string) {
	http.SetCookie(w, &http.Cookie{
		Name: flashCookie, Value: url.QueryEscape(msg), Path: "/admin", MaxAge: 60,
		HttpOnly: true, Secure: s.secureCookies(), SameSite: http.SameSiteLaxMode,
	})
	s.redirect(w, r, to)
}

// redirectDone is redirectWithFlash once a change has succeeded (err is
// nil); otherwise it answers err.
func (s *Server) redirectDone(w http.ResponseWriter, r *http.Request, err error, to, msg string) error {
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, to, msg)
	return nil
}

type loginData struct {
	Email, Next string
	Error       string
	Notice      string
}

// safeNext keeps post-login redirects on this hub's organiser pages.
func safeNext(next string) string {
	if strings.HasPrefix(next, "/admin") && !strings.HasPrefix(next, "//") && !strings.Contains(next, "\\") {
		return next
	}
	return "/admin"
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	data := loginData{Next: safeNext(r.URL.Query().Get("next"))}
	if r.URL.Query().Get("changed") != "" {
		data.Notice = s.t(r, "Your password has been changed. Please log in with the new one.")
	}
	p := s.page(r, s.t(r, "Log in"), data)
	p.NoIndex = true
	return s.views.render(w, http.StatusOK, "admin/login", p)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	data := loginData{Email: strings.TrimSpace(r.PostFormValue("email")), Next: safeNext(r.PostFormValue("next"))}
	status := http.StatusOK
	retry, err := s.logins.begin(r.Context(), clientKey(clientIP(r)), data.Email)
	if err != nil {
		if r.Context().Err() != nil {
			return nil // gave up while slowed down: nobody to answer
		}
		return err
	}
	if retry > 0 {
		data.Error = s.t(r, "Too many login attempts from your network.") + " " + tooManyWait(s.translator(r), w, retry)
		status = http.StatusTooManyRequests
	} else {
		sess, token, err := s.svc.Login(r.Context(), data.Email, r.PostFormValue("password"))
		if err == nil {
			http.SetCookie(w, &http.Cookie{
				Name: sessionCookie, Value: token, Path: "/admin", MaxAge: int(sess.ExpiresAt.Sub(sess.CreatedAt).Seconds()),
				HttpOnly: true, Secure: s.secureCookies(), SameSite: http.SameSiteLaxMode,
			})
			s.redirect(w, r, data.Next)
			return nil
		}
		switch hub.ErrorCode(err) {
		case hub.EINTERNAL:
			return err
		case hub.EUNAUTHORIZED:
			s.logins.failed(r.Context(), data.Email)
		}
		data.Error = s.errorMessage(r, err)
		status = http.StatusUnauthorized
	}
	p := s.page(r, s.t(r, "Log in"), data)
	p.NoIndex = true
	return s.views.render(w, status, "admin/login", p)
}

// changeOwnPassword changes the acting organiser's password, given the
// current one (hub.Service.ChangePassword), and is throttled like a login:
// a wrong current password counts against the client and the account, so
// a stolen session or API token is no way to guess the password either.
func (s *Server) changeOwnPassword(w http.ResponseWriter, r *http.Request, current, password string) error {
	ctx := r.Context()
	me := hub.OrganiserFrom(ctx)
	if me == nil {
		return hub.Errorf(hub.EUNAUTHORIZED, "Please log in first.")
	}
	if current != "" { // nothing to check, nothing to count, without one
		retry, err := s.logins.begin(ctx, clientKey(clientIP(r)), me.Email)
		if err != nil {
			return err
		}
		if retry > 0 {
			return hub.Errorf(hub.ETOOMANY, "Too many password attempts from your network. %s", tooManyWait(s.translator(r), w, retry))
		}
	}
	err := s.svc.ChangePassword(ctx, current, password)
	if current != "" && hub.ErrorFields(err)["current_password"] != "" {
		s.logins.failed(ctx, me.Email)
	}
	return err
}

// tooManyWait sets Retry-After for a refusal by the login throttle and
// returns the sentence that says how long to wait.
func tooManyWait(tr translator, w http.ResponseWriter, retry time.Duration) string {
	secs := int((retry + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	return tr.N("Please wait %d second and try again.", "Please wait %d seconds and try again.", secs)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.svc.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Path: "/admin", MaxAge: -1, HttpOnly: true, Secure: s.secureCookies(), SameSite: http.SameSiteLaxMode})
	s.redirect(w, r, "/admin/login")
	return nil
}

// clientIP is the address the request came from: the peer's, or the one a
// trusted reverse proxy names (trustProxies). Behind a proxy that is not
// trusted every client shares the proxy's address, which only makes the
// login limit stricter.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
