package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/transferguard/transferguard/dispatch/incident"
)

// EffectColumns are the columns of the rule effectiveness CSV; outcome
// columns follow incident.Outcomes.
var EffectColumns = append([]string{"rule", "site", "from", "to", "alerts", "open", "resolved", "fraud_stopped",
	"precision", "held", "protected", "claimed", "claim_p50_s", "arrived", "arrive_p50_s"}, prefixed("outcome_", incident.Outcomes)...)

// ChoiceColumns are the columns of the choices CSV.
var ChoiceColumns = []string{"site", "from", "to", "continue", "stop", "help", "none"}

func prefixed(p string, list []string) []string {
	out := make([]string, len(list))
	for n, s := range list {
		out[n] = p + s
	}
	return out
}

// WriteEffectJSON writes the effectiveness as one JSON object.
func WriteEffectJSON(w io.Writer, e Effect) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	if err := enc.Encode(e); err != nil {
		return fmt.Errorf("report: write effectiveness json: %w", err)
	}
	return nil
}

// WriteEffectCSV writes one line per rule and site; amounts as decimal
// numbers of EffectCurrency, precision as a fraction (empty when nothing
// was resolved).
func WriteEffectCSV(w io.Writer, e Effect) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(EffectColumns)
	for _, r := range e.Rules {
		line := []string{Cell(r.Rule), Cell(r.Site), e.From, e.To, itoa(r.Alerts), itoa(r.Open), itoa(r.Resolved),
			itoa(r.FraudStopped), precision(r.Precision), amount(r.HeldMinor), amount(r.ProtectedMinor), itoa(r.Claimed),
			strconv.FormatInt(int64(r.ClaimP50), 10), itoa(r.Arrived), strconv.FormatInt(int64(r.ArriveP50), 10)}
		for _, o := range incident.Outcomes {
			line = append(line, itoa(r.Outcomes[o]))
		}
		_ = cw.Write(line)
	}
	return flush(cw)
}

// WriteChoicesCSV writes one line per site with the choice counts.
func WriteChoicesCSV(w io.Writer, e Effect) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(ChoiceColumns)
	for _, c := range e.Choices {
		_ = cw.Write([]string{Cell(c.Site), e.From, e.To, itoa(c.Continue), itoa(c.Stop), itoa(c.Help), itoa(c.None)})
	}
	return flush(cw)
}

func flush(cw *csv.Writer) error {
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("report: write csv: %w", err)
	}
	return nil
}

func itoa(n int) string { return strconv.Itoa(n) }

// precision formats a fraction with four decimals; "" for none.
func precision(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', 4, 64)
}
