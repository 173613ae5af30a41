package main

import (
	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/drivers/cardhistory"
)

// openHistory restores the per-card 24-hour history (CONTRACT §9) kept in
// the state directory. It never fails: an unusable directory gives a
// history in memory, with the problem logged. The store's secret names
// cards for the core (terminal.Options.HistoryKey); the files hold no
// card number.
func openHistory(dir string, log zerolog.Logger) *cardhistory.Store {
	h := cardhistory.Open(dir, cardhistory.Options{}, log)
	log.Info().Int("cards", h.Len()).Msg("card history restored")
	return h
}
