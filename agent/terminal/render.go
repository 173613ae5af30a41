package terminal

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/wire"
)

// decide names the screen the customer should see now.
func (t *Terminal) decide(now time.Time) wire.ScreenName {
	s := t.sess
	if s == nil {
		return wire.ScreenStandby
	}
	staff := (s.dispatch == wire.DispatchClaimed || s.dispatch == wire.DispatchArrived) && !s.cleared
	switch {
	case staff:
		return wire.ScreenStaffComing
	case s.level == wire.LevelHigh && !s.cleared:
		return wire.ScreenHighRisk
	case s.warningPending():
		return wire.ScreenTransferWarning
	case now.Before(s.remindEnd):
		return wire.ScreenReminder
	}
	return wire.ScreenStandby
}

// render decides the screen and, when it differs from the one shown, tells
// the display and the controller and records it for the audit.
func (t *Terminal) render(now time.Time) {
	t.renderedAt = now
	name := t.decide(now)
	p, lang, sid := t.policy, t.policy.DefaultLang, ""
	if s := t.sess; s != nil {
		p, lang, sid = s.policy, s.lang, s.id
	}
	next := build(p, name, lang, t.sess, now)
	next.SID = sid
	cur := t.shown
	newScreen := cur.Name != next.Name || cur.SID != next.SID || cur.Decided.IsZero()
	if !newScreen && sameContent(cur, next) {
		return
	}
	t.seq++
	next.Seq = t.seq
	t.shown = next
	t.o.Display.Show(next)
	if !newScreen {
		return
	}
	t.o.Controller.Send(frame.New(wire.Screen, "name", string(name), "sid", sid))
	t.log.Info().Str("screen", string(name)).Str("session", sid).Str("lang", lang).Msg("screen")
	if s := t.sess; s != nil {
		s.screenChanged(name, next.Seq, now)
	}
}

func sameContent(a, b screen.Screen) bool {
	return a.Title == b.Title && slices.Equal(a.Lines, b.Lines) && a.Footer == b.Footer &&
		a.Lang == b.Lang && a.Ack == b.Ack
}

// build fills a screen's texts from policy p in lang; s may be nil.
func build(p *config.Policy, name wire.ScreenName, lang string, s *session, now time.Time) screen.Screen {
	st, _ := p.Screens[lang].ByName(name)
	sc := screen.Screen{
		Name: name, Lang: lang, Title: st.Title, Footer: st.Footer,
		Voice: st.Voice, Decided: now, Tone: toneOf(name),
	}
	vars := map[string]string{}
	var lines []string
	switch name {
	case wire.ScreenTransferWarning:
		sc.Ack, sc.AckPrompt, sc.CountdownLabel = true, st.AckPrompt, st.CountdownLabel
		if s != nil {
			if left := s.coolingEnds().Sub(now); left > 0 {
				sc.CountdownMS = left.Milliseconds()
			}
			lines = append(lines, adviceOf(s, lang)...)
		} else {
			sc.CountdownMS = int64(p.Timings.CoolingOffS) * 1000
		}
	case wire.ScreenStaffComing:
		if s != nil {
			vars["guard"] = s.guard
			if s.etaS > 0 {
				vars["eta"] = strconv.Itoa((s.etaS + 59) / 60)
			}
		}
	}
	for _, l := range st.Lines {
		if filled, ok := fill(l, vars); ok {
			lines = append(lines, filled)
		}
	}
	if name == wire.ScreenHighRisk && s != nil {
		// "Staff are coming" and "on hold" lead; the reasons follow.
		lines = append(lines, adviceOf(s, lang)...)
	}
	sc.Lines = lines[:min(len(lines), MaxLines)]
	return sc
}

// MaxLines is how many paragraphs a screen carries: at body text of 1/20
// of the height, three short ones are what a portrait topper display holds
// (ui/layout's tests check every shipped text on every size). Advice for
// the reasons that fired comes first, so the configured lines give way.
const MaxLines = 3

// adviceOf is what the warning tells the customer about the reasons that
// fired, most serious (highest score) first, at most two.
func adviceOf(s *session, lang string) []string {
	fired := s.firedRules()
	slices.SortStableFunc(fired, func(a, b *config.Rule) int { return b.Score - a.Score })
	var out []string
	for _, r := range fired {
		if a := r.Advice[lang]; a != "" && len(out) < 2 {
			out = append(out, a)
		}
	}
	return out
}

// fill replaces {guard} and {eta}; a line whose placeholder has no value
// is left out (ok false) rather than shown with a hole in it.
func fill(line string, vars map[string]string) (string, bool) {
	for _, k := range []string{"guard", "eta"} {
		ph := "{" + k + "}"
		if !strings.Contains(line, ph) {
			continue
		}
		v := vars[k]
		if v == "" {
			return "", false
		}
		line = strings.ReplaceAll(line, ph, v)
	}
	return line, true
}

func toneOf(name wire.ScreenName) screen.Tone {
	switch name {
	case wire.ScreenHighRisk:
		return screen.ToneDanger
	case wire.ScreenTransferWarning:
		return screen.ToneWarn
	}
	return screen.ToneInfo
}

// Preview builds a screen as the agent would show it with policy p, for
// tgscreen --preview: the transfer warning shows its full countdown and
// the staff screen a sample guard and ETA.
func Preview(p *config.Policy, name wire.ScreenName, lang string, now time.Time) screen.Screen {
	lang = p.Lang(lang)
	var s *session
	if name == wire.ScreenStaffComing || name == wire.ScreenHighRisk {
		s = newSession("preview", p, now)
		s.guard, s.etaS = "Wang", 120
		if lang == "zh" {
			s.guard = "王师傅"
		}
	}
	sc := build(p, name, lang, s, now)
	if name == wire.ScreenTransferWarning {
		sc.CountdownMS = int64(p.Timings.CoolingOffS) * 1000
	}
	return sc
}
