package web

import (
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/transferguard/transferguard/dispatch/auth"
	"github.com/transferguard/transferguard/dispatch/store"
)

// A supervisor names the guards of their sites as customers will hear
// them (王师傅): the name goes to the terminal's screen with a claim
// (CONTRACT §7), so the customer never sees a login name.

// maxDisplayName bounds a display name in characters (a screen line).
const maxDisplayName = 32

// person is one account row of the supervisor view.
type person struct {
	Name, Role, DisplayName string
}

// people lists the accounts a supervisor may name: those whose every
// site the supervisor sees (all, for one who sees all sites).
func (s *Server) people(r *http.Request, v *viewer) ([]person, error) {
	users, err := s.o.Store.Users(r.Context())
	if err != nil {
		return nil, err
	}
	var out []person
	for _, u := range users {
		if mayName(v, u) {
			out = append(out, person{Name: u.Name, Role: u.Role, DisplayName: u.DisplayName})
		}
	}
	return out, nil
}

// mayName tells whether v may set u's display name.
func mayName(v *viewer, u store.User) bool {
	if !v.CanSupervise() {
		return false
	}
	if v.AllSites() {
		return true
	}
	if len(u.Sites) == 0 || u.Role != auth.RoleGuard {
		return false // an account of all sites is not a site supervisor's to name
	}
	for _, site := range u.Sites {
		if !v.CanSee(site) {
			return false
		}
	}
	return true
}

// setDisplayName stores the name customers are told for an account;
// 404 for an account the supervisor may not name (its existence does not
// leak), 400 for a name too long or with control characters.
func (s *Server) setDisplayName(w http.ResponseWriter, r *http.Request, v *viewer) {
	u, err := s.o.Store.User(r.Context(), r.PathValue("name"))
	if errors.Is(err, store.ErrNotFound) || (err == nil && !mayName(v, u)) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		s.fail(w, err)
		return
	}
	name := strings.TrimSpace(r.PostFormValue("display_name"))
	if utf8.RuneCountInString(name) > maxDisplayName || strings.ContainsFunc(name, func(c rune) bool { return c < ' ' || c == 0x7f }) {
		http.Error(w, "display name: at most 32 characters, no control characters", http.StatusBadRequest)
		return
	}
	if err := s.o.Store.SetDisplayName(r.Context(), u.Name, name); err != nil {
		s.fail(w, err)
		return
	}
	s.log.Info().Str("user", u.Name).Str("by", v.Name).Msg("display name set")
	if r.Header.Get("X-CSRF-Token") != "" {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, "/supervisor#people", http.StatusSeeOther)
}
