package web

import (
	"strconv"
	"strings"

	"github.com/transferguard/transferguard/dispatch/incident"
)

// stepDetail writes a story step's detail in the reader's language. The
// incident core stores details as short English lines with codes in them
// ("eta 180s", "unclaimed: branch manager", "fraud_stopped: note", "alert
// risk high txn held"); the known shapes are read back here and worded
// from the message table. Anything else (a session summary, a follow-up
// text, a rung name) is shown as stored: it is data, not a console word.
func stepDetail(lang, action, d string) string {
	switch action {
	case incident.ActionClaimed:
		if n, ok := strings.CutPrefix(d, "eta "); ok {
			if s, err := strconv.Atoi(strings.TrimSuffix(n, "s")); err == nil {
				if s%60 == 0 {
					return msg(lang, "detail.eta_min", s/60)
				}
				return msg(lang, "detail.eta_s", s)
			}
		}
	case incident.ActionResolved:
		out, note, _ := strings.Cut(d, ": ")
		if incident.ValidOutcome(out) {
			if note == "recovered by itself" {
				note = msg(lang, "detail.recovered")
			}
			return code(lang, "outcome", out) + optional("：", note)
		}
	case incident.ActionEscalated, incident.ActionRenotified:
		if rung, ok := strings.CutPrefix(d, "unclaimed: "); ok {
			return msg(lang, "detail.unclaimed", rung)
		}
		if rest, ok := strings.CutPrefix(d, "no arrival within "); ok {
			if within, rung, ok := strings.Cut(rest, ": "); ok {
				return msg(lang, "detail.no_arrival", within, rung)
			}
		}
	case incident.ActionRecovered:
		if kind, ok := strings.CutSuffix(d, " ended"); ok {
			return msg(lang, "detail.ended", code(lang, "kind", kind))
		}
	case incident.ActionRaised, incident.ActionUpdated:
		return alertSummary(lang, d)
	}
	return d
}

// alertSummary words "alert risk high txn cancelled held" (the incident
// core's summary of an alert) or a bare health kind.
func alertSummary(lang, d string) string {
	f := strings.Fields(d)
	if len(f) == 1 {
		return code(lang, "kind", f[0])
	}
	if len(f) < 3 || (f[0] != "alert" && f[0] != "alert_update") {
		return d
	}
	parts := []string{msg(lang, "detail.alert"), code(lang, "kind", f[1]), code(lang, "level", f[2])}
	if f[0] == "alert_update" {
		parts[0] = msg(lang, "detail.update")
	}
	for n := 3; n < len(f); n++ {
		switch {
		case f[n] == "txn" && n+1 < len(f):
			parts = append(parts, msg(lang, "detail.txn", f[n+1]))
			n++
		case f[n] == "held":
			parts = append(parts, msg(lang, "card.held"))
		default:
			parts = append(parts, f[n])
		}
	}
	return strings.Join(parts, " · ")
}

// optional returns prefix+s, or "" when s is empty.
func optional(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}
