package main

import (
	"path/filepath"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/terminal"
	"github.com/transferguard/transferguard/drivers/sessionstore"
)

// sessionDir is the state directory's folder for the open session
// (drivers/sessionstore), read back after a restart (CONTRACT §14).
const sessionDir = "session"

// openSessions returns the session store in the state directory. A
// directory that cannot be created leaves the agent without one (nil):
// it runs on, and a session open at a restart is then lost, not restored.
func openSessions(stateDir string, log zerolog.Logger) terminal.SessionStore {
	s, err := sessionstore.Open(filepath.Join(stateDir, sessionDir))
	if err != nil {
		log.Error().Err(err).Msg("session store unusable; an open session will not survive a restart")
		return nil
	}
	return s
}
