package layout

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is a piece of text that is never split across lines unless it is
// wider than a whole line; glue is what joins it to the previous token on
// the same line ("" between CJK characters, " " between Latin words).
type token struct {
	glue string
	text string
}

// noStart may not begin a line (closing punctuation, Chinese and Latin);
// noEnd may not end one (opening brackets and quotes).
const (
	noStart = "，。、；：！？）》」』】〕”’…—·%,.;:!?)]}"
	noEnd   = "（《「『【〔“‘([{"
)

// isCJK reports whether a line may break before and after r.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		(r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}

// tokenize splits one paragraph into tokens: each CJK character alone
// (a protected word whole), Latin words whole, punctuation kept with the
// word it belongs to.
func tokenize(s string) []token {
	glued := glueMask(s)
	var toks []token
	var word strings.Builder
	glue := ""
	pendingOpen := "" // an opening bracket waiting for the token after it
	flush := func() {
		if word.Len() == 0 {
			return
		}
		toks = append(toks, token{glue: glue, text: pendingOpen + word.String()})
		word.Reset()
		glue, pendingOpen = "", ""
	}
	for i, r := range s {
		switch {
		case unicode.IsSpace(r):
			flush()
			if len(toks) > 0 || pendingOpen != "" {
				glue = " "
			}
		case strings.ContainsRune(noStart, r) && word.Len() == 0 && pendingOpen == "" && len(toks) > 0:
			toks[len(toks)-1].text += glue + string(r) // "staff —" never puts "—" first
			glue = ""
		case strings.ContainsRune(noEnd, r) && word.Len() == 0:
			pendingOpen += string(r)
		case isCJK(r) && !strings.ContainsRune(noStart, r):
			if !glued[i] {
				flush()
			}
			word.WriteRune(r)
			if !glued[i+utf8.RuneLen(r)] {
				flush()
			}
		default:
			word.WriteRune(r)
		}
	}
	if word.Len() == 0 && pendingOpen != "" {
		return append(toks, token{glue: glue, text: pendingOpen})
	}
	flush()
	return toks
}

// Wrap breaks a paragraph into lines no wider than maxW at size: between
// CJK characters except inside a Protected word, at spaces between Latin
// words, and inside a word
// only when the word alone is wider than a line. A "\n" forces a break.
// No text is ever dropped.
func Wrap(m Measurer, s string, size, maxW float64) []string {
	return tokenMemo(nil).wrap(m, s, size, maxW)
}

// tokenMemo keeps the tokens of the texts of one screen: Compute wraps
// the same paragraphs at a dozen sizes and widths, and tokenizing (with
// its protected-word scan) was half of what laying out cost once the
// widths were cached. A nil memo tokenizes every time.
type tokenMemo map[string][]token

func (tm tokenMemo) tokens(s string) []token {
	if tm == nil {
		return tokenize(s)
	}
	if t, ok := tm[s]; ok {
		return t
	}
	t := tokenize(s)
	tm[s] = t
	return t
}

func (tm tokenMemo) wrap(m Measurer, s string, size, maxW float64) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		out = append(out, wrapTokens(m, tm.tokens(para), size, maxW)...)
	}
	return out
}

// clauseEnd may end a line by preference: a break after one of them reads
// as a pause, not as a word cut.
const clauseEnd = "，。、；：！？"

func wrapTokens(m Measurer, toks []token, size, maxW float64) []string {
	var lines []string
	line, clause := "", 0 // clause: end of the last clause on line, in bytes
	for _, t := range toks {
		cand := t.text
		if line != "" {
			cand = line + t.glue + t.text
		}
		if m.Width(cand, size) <= maxW {
			line = cand
			if strings.ContainsAny(lastRune(t.text), clauseEnd) {
				clause = len(line)
			}
			continue
		}
		// Break after the last clause on the line if that keeps at least
		// half a line, so "请停一下：" stays together; else before t.
		if clause > 0 && clause < len(line) && m.Width(line[:clause], size) >= maxW/2 {
			rest := strings.TrimLeft(line[clause:], " ")
			if m.Width(rest+t.glue+t.text, size) <= maxW {
				lines = append(lines, line[:clause])
				line, clause = rest+t.glue+t.text, 0
				continue
			}
		}
		if line != "" {
			lines = append(lines, line)
		}
		line, clause = t.text, 0
		for m.Width(line, size) > maxW && utf8.RuneCountInString(line) > 1 {
			head := fitRunes(m, line, size, maxW)
			lines = append(lines, head)
			line = line[len(head):]
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

func lastRune(s string) string {
	_, n := utf8.DecodeLastRuneInString(s)
	return s[len(s)-n:]
}

// WrapBalanced wraps like Wrap into as few lines, but as even as they can
// be: a title or a button label reads better as "工作人员已到 / 您身边"
// than as "工作人员已到您身 / 边".
func WrapBalanced(m Measurer, s string, size, maxW float64) []string {
	return tokenMemo(nil).wrapBalanced(m, s, size, maxW)
}

func (tm tokenMemo) wrapBalanced(m Measurer, s string, size, maxW float64) []string {
	if strings.Contains(s, "\n") {
		return tm.wrap(m, s, size, maxW)
	}
	toks := tm.tokens(s)
	lines := wrapTokens(m, toks, size, maxW)
	if len(lines) < 2 {
		return lines
	}
	// Never narrower than the widest word: that would split it.
	widest := 0.0
	for _, t := range toks {
		widest = max(widest, m.Width(t.text, size))
	}
	lo, hi := max(maxW/float64(len(lines))/2, widest), maxW
	if lo >= hi {
		return lines
	}
	for i := 0; i < 10; i++ {
		mid := (lo + hi) / 2
		if l := wrapTokens(m, toks, size, mid); len(l) == len(lines) && fits(m, l, size, mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return wrapTokens(m, toks, size, hi)
}

func fits(m Measurer, lines []string, size, w float64) bool {
	for _, l := range lines {
		if m.Width(l, size) > w {
			return false
		}
	}
	return true
}

// fitRunes returns the longest prefix of s (at least one rune) that fits.
func fitRunes(m Measurer, s string, size, maxW float64) string {
	_, first := utf8.DecodeRuneInString(s)
	best := s[:first]
	for i := range s {
		if i == 0 {
			continue
		}
		if m.Width(s[:i], size) > maxW {
			break
		}
		best = s[:i]
	}
	return best
}

// widestToken is the width of the widest piece of s that Wrap keeps whole
// (a word, a protected word, a CJK character with its punctuation).
func (tm tokenMemo) widestToken(m Measurer, s string, size float64) float64 {
	w := 0.0
	for _, para := range strings.Split(s, "\n") {
		for _, t := range tm.tokens(para) {
			w = max(w, m.Width(t.text, size))
		}
	}
	return w
}
