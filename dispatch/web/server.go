// Package web is the console tgdispatch serves: a mobile-first page where
// guards see the open incidents of their sites live (Server-Sent Events)
// and claim, arrive and resolve them; a supervisor view of terminals and of
// each site's days; and exports. HTML is rendered on the server from
// embedded templates; a small vanilla script swaps the list in when an
// event arrives and plays a sound for a new high alert.
//
// The console is Chinese first: every word comes from the message table
// (messages.go) in the request's language — ?lang, else the tg_lang cookie,
// else Accept-Language, else zh — so guards in Chinese branches read
// Chinese and an English reader can switch on any page.
//
// # Trust model
//
// Every page and API needs a session (cookie HttpOnly, SameSite=Strict,
// Secure when served over TLS); without one, pages redirect to /login and
// APIs answer 401. Every POST needs the session's CSRF token (form field
// "csrf" or header X-CSRF-Token), else 403. An incident of a site the user
// may not see answers 404 to every request, so its existence does not leak.
//
// Anyone who reaches the console may try to log in, so a login is made
// cheap to refuse: throttled names and addresses get 429 before any
// hashing (limit.go), and password hashing runs behind a per-CPU gate that
// answers 503 when saturated (gate.go), so no flood of logins can take
// more than a fixed amount of memory. /healthz needs no session and tells
// only whether the broker link is up.
package web

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/dispatch/feed"
	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Actions are the guard steps the console asks for (service.Service).
type Actions interface {
	Claim(ctx context.Context, id, guard string, etaS int) (incident.Incident, error)
	Arrive(ctx context.Context, id, guard string) (incident.Incident, error)
	Resolve(ctx context.Context, id, actor, outcome, note string) (incident.Incident, error)
}

// Site is what the configuration says of a site: its name and where each
// terminal stands, so a guard knows where to run.
type Site struct {
	Name      string            `yaml:"name"`
	Terminals map[string]string `yaml:"terminals"` // terminal id → location
}

// Options configure the console. Store, Actions and Feed are required.
type Options struct {
	Store         *store.Store
	Actions       Actions
	Feed          *feed.Hub
	Clock         clock.Clock // nil: wall clock
	Sites         map[string]Site
	Ladder        incident.Ladder
	Location      *time.Location // for days in reports; nil: UTC
	SessionTTL    time.Duration  // default 12 h
	SecureCookies bool           // set when served over https
	// HashSlots bounds password checks running at once (argon2id, 19 MiB
	// each); logins beyond it and a short queue get 503. 0: one per CPU.
	HashSlots int
	// Health answers /healthz: nil means healthy; an error makes it 503
	// with the error's text. nil Health: always healthy.
	Health func() error
	Log    zerolog.Logger
	// FollowUpAfter is how long after resolution an incident owed a
	// follow-up (incident.NeedsFollowUp) may wait before the
	// effectiveness page lists it; 0: no list.
	FollowUpAfter time.Duration
}

// Server is the console's HTTP handler.
type Server struct {
	o           Options
	tpl         map[string]*template.Template // by language
	mux         *http.ServeMux
	log         zerolog.Logger
	unknownUser *dummyHash // hashed against for unknown names, so timing does not tell them
	lim         *limiter
	gate        *hashGate // bounds concurrent argon2 work
	// hashing counts password checks in flight (tests check the gate's bound)
	hashing gauge
}

// New builds the console.
func New(o Options) (*Server, error) {
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = 12 * time.Hour
	}
	s := &Server{o: o, mux: http.NewServeMux(), log: o.Log.With().Str("component", "web").Logger(), unknownUser: newDummyHash(),
		tpl: map[string]*template.Template{}, lim: newLimiter(), gate: newHashGate(o.HashSlots)}
	for lang := range messages {
		tpl, err := template.New("").Funcs(s.funcs(lang)).ParseFS(templateFS, "templates/*.html")
		if err != nil {
			return nil, fmt.Errorf("web: parse templates: %w", err)
		}
		s.tpl[lang] = tpl
	}
	s.routes()
	return s, nil
}

// ServeHTTP serves the console.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; worker-src 'self'; manifest-src 'self'")
	s.mux.ServeHTTP(w, r)
}

// routes registers every path.
func (s *Server) routes() {
	static, _ := fs.Sub(staticFS, "static")
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	s.mux.HandleFunc("GET /login", s.loginPage)
	s.mux.HandleFunc("POST /login", s.login)
	s.mux.HandleFunc("POST /logout", s.authed(s.logout))
	s.mux.HandleFunc("GET /{$}", s.authed(s.guardPage))
	s.mux.HandleFunc("GET /incidents/list", s.authed(s.listFragment))
	s.mux.HandleFunc("GET /incidents/{id}", s.authed(s.incidentPage))
	s.mux.HandleFunc("POST /incidents/{id}/{step}", s.authed(s.step))
	s.mux.HandleFunc("GET /api/incidents", s.authed(s.apiIncidents))
	s.mux.HandleFunc("GET /events", s.authed(s.events))
	s.mux.HandleFunc("GET /supervisor", s.authed(s.supervisorPage))
	s.mux.HandleFunc("GET /export", s.authed(s.export))
	s.mux.HandleFunc("GET /supervisor/effectiveness", s.authed(s.effectPage))
	s.mux.HandleFunc("GET /supervisor/effectiveness/export", s.authed(s.effectExport))
	s.mux.HandleFunc("GET /supervisor/sessions/export", s.authed(s.sessionsExport))
	s.mux.HandleFunc("POST /incidents/{id}/follow_up", s.authed(s.review))
	s.mux.HandleFunc("POST /incidents/{id}/evaluate", s.authed(s.review))
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /manifest.webmanifest", s.shellFile("manifest.webmanifest", "application/manifest+json"))
	s.mux.HandleFunc("GET /sw.js", s.shellFile("sw.js", "text/javascript; charset=utf-8"))
	for size := range iconSizes {
		s.mux.HandleFunc("GET /icon-"+size+".png", s.icon(size))
	}
	s.mux.HandleFunc("POST /users/{name}/display_name", s.authed(s.setDisplayName))
}

// healthz answers 200 "ok" when healthy, else 503 with the reason, for
// load balancers and monitoring. It needs no session and tells nothing
// beyond what is wrong with the service's own links.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if s.o.Health != nil {
		if err := s.o.Health(); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = fmt.Fprintf(w, "unhealthy: %v\n", err)
			return
		}
	}
	_, _ = w.Write([]byte("ok\n"))
}

// render writes a template as the page in the request's language, with
// the language switch, logging a failure once.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data map[string]any) {
	lang := s.langOf(w, r)
	data["Lang"], data["HTMLLang"], data["Switch"] = lang, htmlLang(lang), switchLinks(r, lang)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", htmlLang(lang))
	w.WriteHeader(status)
	if err := s.tpl[lang].ExecuteTemplate(w, name, data); err != nil {
		s.log.Error().Err(err).Str("template", name).Msg("render failed")
	}
}
