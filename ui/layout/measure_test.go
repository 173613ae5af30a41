package layout

// approx measures like a CJK font without needing one: ideographs are
// square, Latin letters a little over half as wide. Pure tests and goldens
// use it so they do not depend on the fonts installed; the Xvfb tests in
// ui/screens run Check with the real font.
type approx struct{}

func (approx) Width(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case isCJK(r):
			w += size
		case r == ' ':
			w += 0.3 * size
		default:
			w += 0.54 * size
		}
	}
	return w
}

func (approx) Metrics(size float64) (float64, float64) { return 0.95 * size, 0.25 * size }
