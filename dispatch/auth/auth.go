// Package auth holds the console's accounts rules: argon2id password
// hashes, random session and CSRF tokens, roles and which sites a user may
// see.
//
// # Trust model
//
// Passwords are never stored, only argon2id hashes (memory-hard, so a
// stolen database is slow to crack). A browser holds a random session token
// in an HttpOnly, SameSite=Strict cookie; the database keeps only its
// SHA-256, so a database leak does not hand out live sessions. Every POST
// carries a per-session CSRF token compared in constant time. A guard sees
// and acts on incidents of their own sites only; supervisors watch their
// sites (all when none are listed); admins see everything.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Roles.
const (
	RoleGuard      = "guard"
	RoleSupervisor = "supervisor"
	RoleAdmin      = "admin"
)

// ValidRole tells whether r is one of the three roles.
func ValidRole(r string) bool { return r == RoleGuard || r == RoleSupervisor || r == RoleAdmin }

// Params are argon2id's cost settings (OWASP's minimum: 19 MiB, t=2, p=1).
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultParams are used for new hashes.
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1}

// ErrHash is returned for a stored hash that is not an argon2id PHC string.
var ErrHash = errors.New("auth: not an argon2id hash")

// HashPassword returns the PHC-encoded argon2id hash of password:
// $argon2id$v=19$m=…,t=…,p=…$salt$hash.
func HashPassword(password string, p Params) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword tells whether password matches the encoded hash.
func CheckPassword(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, ErrHash
	}
	var v int
	var p Params
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false, ErrHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil ||
		p.Memory == 0 || p.Memory > 1<<22 || p.Time == 0 || p.Time > 64 || p.Threads == 0 {
		return false, ErrHash
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) < 16 || len(want) > 64 {
		return false, ErrHash
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// NewToken returns 32 random bytes, URL-safe base64: session and CSRF tokens.
func NewToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth: token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// TokenHash is what the database keeps of a session token.
func TokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// Equal compares two tokens in constant time; empty never matches.
func Equal(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// Principal is a logged-in user as the console sees them.
type Principal struct {
	Name  string
	Role  string
	Sites []string // empty: all sites (supervisor, admin); a guard always has a list
}

// AllSites tells whether the principal sees every site.
func (p Principal) AllSites() bool {
	return p.Role == RoleAdmin || (p.Role == RoleSupervisor && len(p.Sites) == 0)
}

// CanSee tells whether the principal may see and act on site.
func (p Principal) CanSee(site string) bool {
	return p.AllSites() || slices.Contains(p.Sites, site)
}

// SiteFilter is the list of sites to query for the principal: nil for all,
// and never nil for a guard (a guard with no sites sees nothing).
func (p Principal) SiteFilter() []string {
	if p.AllSites() {
		return nil
	}
	if p.Sites == nil {
		return []string{}
	}
	return p.Sites
}

// CanSupervise tells whether the principal may open the supervisor view
// and exports.
func (p Principal) CanSupervise() bool { return p.Role == RoleSupervisor || p.Role == RoleAdmin }
