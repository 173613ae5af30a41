package terminal

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/wire"
)

// MaxLines is how many paragraphs a screen carries: at body text of 1/20
// of the height, three short ones are what a portrait topper display holds
// (ui/layout's tests check every shipped text on every size). Advice for
// the reasons that fired comes first and the configured lines give way;
// the note (the way out) is always last and never gives way.
const MaxLines = 3

// build fills a screen's texts from policy p in lang; s may be nil.
func build(p *config.Policy, name wire.ScreenName, lang string, s *session, now time.Time) screen.Screen {
	st, _ := p.Screens[lang].ByName(name)
	sc := screen.Screen{
		Name: name, Lang: lang, Title: st.Title, Footer: st.Footer,
		Voice: st.Voice, Decided: now, Tone: toneOf(name), Pictogram: pictogramOf(name, s),
	}
	vars := map[string]string{"key": p.HelpKey}
	var lines []string
	switch name {
	case wire.ScreenTransferWarning:
		sc.Ack, sc.AckPrompt, sc.CountdownLabel = true, st.AckPrompt, st.CountdownLabel
		sc.CountdownMS = int64(p.Timings.CoolingOffS) * 1000
		if s != nil {
			sc.CountdownMS = s.countdownLeft(now).Milliseconds()
		}
	case wire.ScreenStaffComing:
		vars["guard"] = st.Guard
		if s != nil && s.guardName != "" {
			vars["guard"] = s.guardName
		}
		if s != nil && s.etaS > 0 {
			vars["eta"] = strconv.Itoa((s.etaS + 59) / 60)
		}
	}
	if s != nil && (name == wire.ScreenTransferWarning || name == wire.ScreenHighRisk) {
		lines = append(lines, adviceOf(s, lang)...)
	}
	for _, l := range st.Lines {
		if filled, ok := fill(l, vars); ok {
			lines = append(lines, filled)
		}
	}
	room := MaxLines
	if st.Note != "" {
		room--
	}
	sc.Lines = lines[:min(len(lines), room)]
	if note, ok := fill(st.Note, vars); ok && note != "" {
		sc.Lines = append(sc.Lines, note)
	}
	sc.Choices = choicesOf(name, st, vars, s)
	return sc
}

// choicesOf lists the buttons of a screen (CONTRACT §6). The transfer
// warning offers continue (after the countdown), stop and help; continue is
// not offered at all while a risk_high HOLD is in force. The high-risk
// screen offers stop when its texts label it. Others offer none.
func choicesOf(name wire.ScreenName, st config.ScreenText, vars map[string]string, s *session) []screen.Choice {
	label := func(id string) string { l, _ := fill(st.Choices[id], vars); return l }
	stop := screen.Choice{ID: screen.ChoiceStop, Label: label(screen.ChoiceStop), Key: string(wire.KeyCancel), Primary: true}
	switch name {
	case wire.ScreenTransferWarning:
		var out []screen.Choice
		if s == nil || !s.holds.has(wire.HoldRiskHigh) {
			out = append(out, screen.Choice{ID: screen.ChoiceContinue, Label: label(screen.ChoiceContinue),
				Key: string(wire.KeyEnter), AfterCountdown: true})
		}
		return append(out, stop, screen.Choice{ID: screen.ChoiceHelp, Label: label(screen.ChoiceHelp), Key: vars["key"]})
	case wire.ScreenHighRisk:
		if stop.Label != "" {
			return []screen.Choice{stop}
		}
	}
	return nil
}

// adviceOf is what a warning tells the customer about the reasons that
// fired: the advice of the most serious (highest-scoring) rule that has
// one. The alert lists every reason for the guards; the customer gets the
// one that matters most, in words meant for them.
func adviceOf(s *session, lang string) []string {
	fired := s.firedRules()
	slices.SortStableFunc(fired, func(a, b *config.Rule) int { return b.Score - a.Score })
	for _, r := range fired {
		if a := r.Advice[lang]; a != "" {
			return []string{a}
		}
	}
	return nil
}

// fill replaces {guard}, {eta} and {key}; a line whose placeholder has no
// value is left out (ok false) rather than shown with a hole in it.
func fill(line string, vars map[string]string) (string, bool) {
	for _, k := range []string{"guard", "eta", "key"} {
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

// pictogramOf picks the drawing beside the title, so someone who reads
// poorly still gets the message: a crossed-out phone when a call was seen.
func pictogramOf(name wire.ScreenName, s *session) screen.Pictogram {
	switch name {
	case wire.ScreenTransferWarning, wire.ScreenHighRisk:
		if s != nil && (s.phoneSeen || s.phoneListed) {
			return screen.PictogramHangUp
		}
		return screen.PictogramWarning
	case wire.ScreenStopped:
		return screen.PictogramShield
	case wire.ScreenStaffComing, wire.ScreenHelpComing, wire.ScreenStaffArrived:
		return screen.PictogramStaff
	}
	return screen.PictogramNone
}

// PreviewFired is Preview of the transfer warning or the high-risk screen
// after rule ruleID fired, with its advice as the agent would show it: the
// layout tests walk every rule's advice through the real text path.
func PreviewFired(p *config.Policy, name wire.ScreenName, lang, ruleID string, now time.Time) screen.Screen {
	lang = p.Lang(lang)
	s := newSession("preview", p, now)
	s.fired[ruleID] = true
	if name == wire.ScreenTransferWarning {
		s.warnFrom = now
	}
	return build(p, name, lang, s, now)
}

// Preview builds a screen as the agent would show it with policy p, for
// tgscreen --preview: the transfer warning shows its full countdown and
// the staff screen a sample guard and ETA.
func Preview(p *config.Policy, name wire.ScreenName, lang string, now time.Time) screen.Screen {
	lang = p.Lang(lang)
	var s *session
	if name == wire.ScreenStaffComing || name == wire.ScreenHighRisk {
		s = newSession("preview", p, now)
		s.guardName, s.etaS = "Wang", 120
		if lang == "zh" {
			s.guardName = "王师傅"
		}
	}
	if name == wire.ScreenQuestion {
		return previewQuestion(p, lang, now)
	}
	return build(p, name, lang, s, now)
}
