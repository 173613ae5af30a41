package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/transferguard/transferguard/dispatch/auth"
	"github.com/transferguard/transferguard/dispatch/store"
)

// Cookie names.
const (
	sessionCookie = "tg_session"
	loginCookie   = "tg_login"
)

// ctxKey keys the request's viewer in its context.
type ctxKey struct{}

// viewer is the logged-in user of a request with the session's CSRF token.
type viewer struct {
	auth.Principal
	CSRF      string
	tokenHash string
}

// authed wraps h: no valid session → redirect to /login (pages) or 401;
// a POST without the session's CSRF token → 403.
func (s *Server) authed(h func(w http.ResponseWriter, r *http.Request, v *viewer)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := s.viewer(r)
		if err != nil {
			if r.Method == http.MethodGet && wantsHTML(r) {
				http.Redirect(w, r, "/login", http.StatusSeeOther)
				return
			}
			http.Error(w, "login required", http.StatusUnauthorized)
			return
		}
		if r.Method == http.MethodPost {
			token := r.Header.Get("X-CSRF-Token")
			if token == "" {
				token = r.PostFormValue("csrf")
			}
			if !auth.Equal(token, v.CSRF) {
				http.Error(w, "missing or wrong CSRF token", http.StatusForbidden)
				return
			}
		}
		h(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, v)), v)
	}
}

// wantsHTML tells a page request (redirect to login) from an API call (401).
func wantsHTML(r *http.Request) bool {
	p := r.URL.Path
	return !strings.HasPrefix(p, "/api/") && p != "/events" && p != "/incidents/list" && p != "/export"
}

// viewer reads the session cookie and loads its user.
func (s *Server) viewer(r *http.Request) (*viewer, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, errors.New("web: no session")
	}
	ctx := r.Context()
	now := s.o.Clock.Now()
	ws, err := s.o.Store.WebSession(ctx, auth.TokenHash(c.Value), now)
	if err != nil {
		return nil, err
	}
	u, err := s.o.Store.User(ctx, ws.User)
	if err != nil {
		return nil, err
	}
	return &viewer{Principal: auth.Principal{Name: u.Name, Role: u.Role, Sites: u.Sites}, CSRF: ws.CSRF, tokenHash: ws.TokenHash}, nil
}

// loginPage shows the form with a fresh pre-login CSRF token.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.loginForm(w, r, http.StatusOK, "")
}

// loginForm renders the form with the message of errKey ("" for none).
func (s *Server) loginForm(w http.ResponseWriter, r *http.Request, status int, errKey string) {
	token, err := auth.NewToken()
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	s.setCookie(w, loginCookie, token, 600)
	s.render(w, r, status, "login.html", map[string]any{"Title": "page.login", "CSRF": token, "Error": errKey})
}

// login checks the form's CSRF token and the password, then opens a session.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(loginCookie)
	if err != nil || !auth.Equal(r.PostFormValue("csrf"), c.Value) {
		s.loginForm(w, r, http.StatusForbidden, "login.expired")
		return
	}
	name, pw := r.PostFormValue("name"), r.PostFormValue("password")
	addr, now := clientAddr(r), s.o.Clock.Now()
	if s.lim.blocked(name, addr, now) {
		s.log.Warn().Str("user", name).Str("addr", addr).Msg("login throttled")
		w.Header().Set("Retry-After", strconv.Itoa(int(failWindow.Seconds())))
		s.loginForm(w, r, http.StatusTooManyRequests, "login.throttled")
		return
	}
	u, ok, done := s.checkLogin(r.Context(), name, pw)
	if !done {
		s.log.Warn().Str("user", name).Str("addr", addr).Msg("login refused: password hashing saturated")
		w.Header().Set("Retry-After", hashRetryAfter)
		s.loginForm(w, r, http.StatusServiceUnavailable, "login.busy")
		return
	}
	if !ok {
		s.lim.fail(name, addr, now)
		s.log.Warn().Str("user", name).Str("addr", addr).Msg("login failed")
		s.loginForm(w, r, http.StatusUnauthorized, "login.wrong")
		return
	}
	token, err1 := auth.NewToken()
	csrf, err2 := auth.NewToken()
	if err1 != nil || err2 != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	ws := store.WebSession{TokenHash: auth.TokenHash(token), User: u.Name, CSRF: csrf, Expires: s.o.Clock.Now().Add(s.o.SessionTTL)}
	if err := s.o.Store.PutWebSession(r.Context(), ws); err != nil {
		s.log.Error().Err(err).Msg("session store failed")
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	s.lim.succeed(name, addr)
	s.log.Info().Str("user", u.Name).Str("role", u.Role).Msg("login")
	s.setCookie(w, sessionCookie, token, int(s.o.SessionTTL.Seconds()))
	s.setCookie(w, loginCookie, "", -1)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// checkLogin checks name's password inside the hash gate. done is false
// when the gate refused (too many hashes running and waiting): nothing was
// checked. Unknown names are checked against a dummy hash of the same
// cost, so timing does not tell which names exist.
func (s *Server) checkLogin(ctx context.Context, name, pw string) (u store.User, ok, done bool) {
	if !s.gate.enter(ctx) {
		return u, false, false
	}
	defer s.gate.leave()
	s.hashing.add(1)
	defer s.hashing.add(-1)
	u, err := s.o.Store.User(ctx, name)
	hash := u.Hash
	if err != nil {
		hash = s.unknownUser.get()
	}
	ok, _ = auth.CheckPassword(hash, pw)
	return u, ok && err == nil, true
}

// logout ends the session.
func (s *Server) logout(w http.ResponseWriter, r *http.Request, v *viewer) {
	if err := s.o.Store.DeleteWebSession(r.Context(), v.tokenHash, s.o.Clock.Now()); err != nil {
		s.log.Error().Err(err).Msg("logout failed")
	}
	s.setCookie(w, sessionCookie, "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// setCookie sets an HttpOnly, SameSite=Strict cookie for the whole site.
func (s *Server) setCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.o.SecureCookies})
}

// dummyHash is a hash of a random password, computed once, checked
// against when the user name is unknown.
type dummyHash struct {
	once sync.Once
	h    string
}

func newDummyHash() *dummyHash { return &dummyHash{} }

func (d *dummyHash) get() string {
	d.once.Do(func() {
		pw, _ := auth.NewToken()
		d.h, _ = auth.HashPassword(pw, auth.DefaultParams)
	})
	return d.h
}
