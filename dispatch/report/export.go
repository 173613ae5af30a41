package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/transferguard/transferguard/dispatch/incident"
)

// Record is one incident with its story, as exported.
type Record struct {
	ID          string   `json:"id"`
	AlertID     string   `json:"alert_id"`
	Site        string   `json:"site"`
	Terminal    string   `json:"terminal"`
	Kind        string   `json:"kind"`
	Level       string   `json:"level"`
	Score       int      `json:"score"`
	Reasons     []string `json:"reasons"`
	Card        string   `json:"card,omitempty"`
	Payee       string   `json:"payee,omitempty"`
	AmountMinor int64    `json:"amount_minor"`
	Currency    string   `json:"currency,omitempty"`
	Held        bool     `json:"held"`
	// HeldEver: the transaction was held at some point (held says only
	// whether it still is; a released hold reads false there).
	HeldEver   bool       `json:"held_ever"`
	FollowOf   string     `json:"follow_of,omitempty"`
	State      string     `json:"state"`
	Outcome    string     `json:"outcome,omitempty"`
	Note       string     `json:"note,omitempty"`
	Created    time.Time  `json:"created"`
	ClaimedBy  string     `json:"claimed_by,omitempty"`
	ClaimedAt  *time.Time `json:"claimed_at,omitempty"`
	ArrivedAt  *time.Time `json:"arrived_at,omitempty"`
	ResolvedBy string     `json:"resolved_by,omitempty"`
	ResolvedAt *time.Time `json:"resolved_at,omitempty"`
	Steps      []StepRec  `json:"steps"`
	// Review is the supervisor's follow-up and evaluation, when recorded.
	Review *ReviewRec `json:"review,omitempty"`
}

// ReviewRec is an incident's follow-up and evaluation as exported.
type ReviewRec struct {
	FollowedAt     *time.Time `json:"followed_up_at,omitempty"`
	FollowedBy     string     `json:"followed_up_by,omitempty"`
	CalledBack     bool       `json:"called_back"`
	PoliceReport   string     `json:"police_report,omitempty"`
	RecoveredMinor int64      `json:"recovered_minor"`
	FollowNote     string     `json:"follow_up_note,omitempty"`
	EvaluatedAt    *time.Time `json:"evaluated_at,omitempty"`
	EvaluatedBy    string     `json:"evaluated_by,omitempty"`
	Rating         string     `json:"rating,omitempty"`
	EvalNote       string     `json:"evaluation_note,omitempty"`
}

// WithReviews adds each incident's review (by incident id) to recs.
func WithReviews(recs []Record, reviews map[string]incident.Review) {
	for n := range recs {
		rv, ok := reviews[recs[n].ID]
		if !ok {
			continue
		}
		recs[n].Review = &ReviewRec{FollowedAt: opt(rv.FollowedAt), FollowedBy: rv.FollowedBy, CalledBack: rv.CalledBack,
			PoliceReport: rv.PoliceReport, RecoveredMinor: rv.RecoveredMinor, FollowNote: rv.FollowNote,
			EvaluatedAt: opt(rv.EvaluatedAt), EvaluatedBy: rv.EvaluatedBy, Rating: rv.Rating, EvalNote: rv.EvalNote}
	}
}

// StepRec is one step as exported.
type StepRec struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Detail string    `json:"detail,omitempty"`
}

// Records joins incidents with their steps (any order) for export.
func Records(list []incident.Incident, steps []incident.Step) []Record {
	by := map[string][]StepRec{}
	for _, s := range steps {
		by[s.IncidentID] = append(by[s.IncidentID], StepRec{At: s.At, Actor: s.Actor, Action: s.Action, Detail: s.Detail})
	}
	out := make([]Record, 0, len(list))
	for _, i := range list {
		r := Record{ID: i.ID, AlertID: i.AlertID, Site: i.Site, Terminal: i.Terminal, Kind: i.Kind, Level: i.Level,
			Score: i.Score, Card: i.Card, Payee: i.Payee, AmountMinor: i.AmountMinor, Currency: i.Currency, Held: i.Held, HeldEver: i.HeldEver || i.Held,
			FollowOf: i.FollowOf, State: i.State, Outcome: i.Outcome, Note: i.Note, Created: i.Created,
			ClaimedBy: i.ClaimedBy, ClaimedAt: opt(i.ClaimedAt), ArrivedAt: opt(i.ArrivedAt), ResolvedBy: i.ResolvedBy,
			ResolvedAt: opt(i.ResolvedAt), Steps: by[i.ID], Reasons: []string{}}
		for _, rs := range i.Reasons {
			r.Reasons = append(r.Reasons, rs.Text)
		}
		if r.Steps == nil {
			r.Steps = []StepRec{}
		}
		out = append(out, r)
	}
	return out
}

func opt(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// WriteJSON writes the records as one JSON array.
func WriteJSON(w io.Writer, recs []Record) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	if err := enc.Encode(recs); err != nil {
		return fmt.Errorf("report: write json: %w", err)
	}
	return nil
}

// CSVColumns are the columns of a CSV export, as codes: the first line
// names them (in the reader's language with WriteCSVIn): one line per
// step, the incident's columns repeated, so a spreadsheet can filter
// either way.
var CSVColumns = []string{"incident", "alert_id", "site", "terminal", "kind", "level", "score", "reasons", "amount",
	"currency", "held", "state", "outcome", "note", "created", "claimed_by", "claimed_at", "arrived_at", "resolved_by",
	"resolved_at", "step_at", "step_actor", "step_action", "step_detail", "followed_up_at", "called_back", "police_report",
	"recovered", "rating", "held_ever"}

// WriteCSV writes the records one line per step (an incident with no
// steps still gets one line). Every text cell goes through Cell, so text a
// terminal or a guard wrote (a reason, a note, a name) cannot run as a
// spreadsheet formula; the numeric columns (score, amount) and the
// timestamps are formatted here and stay numbers, negative or not.
func WriteCSV(w io.Writer, recs []Record) error {
	return WriteCSVIn(w, recs, CSVColumns, nil)
}

// WriteCSVIn is WriteCSV with the column names given (one per CSVColumns
// entry, e.g. in the reader's language) and each step's detail worded by
// detail (nil: as stored).
func WriteCSVIn(w io.Writer, recs []Record, header []string, detail func(action, d string) string) error {
	if len(header) != len(CSVColumns) {
		return fmt.Errorf("report: csv header has %d names for %d columns", len(header), len(CSVColumns))
	}
	if detail == nil {
		detail = func(_, d string) string { return d }
	}
	cw := csv.NewWriter(w)
	_ = cw.Write(header)
	for _, r := range recs {
		head := []string{Cell(r.ID), Cell(r.AlertID), Cell(r.Site), Cell(r.Terminal), Cell(r.Kind), Cell(r.Level),
			strconv.Itoa(r.Score), Cell(strings.Join(r.Reasons, "; ")), amount(r.AmountMinor), Cell(r.Currency),
			strconv.FormatBool(r.Held), Cell(r.State), Cell(r.Outcome), Cell(r.Note), stamp(&r.Created),
			Cell(r.ClaimedBy), stamp(r.ClaimedAt), stamp(r.ArrivedAt), Cell(r.ResolvedBy), stamp(r.ResolvedAt)}
		tail := append(reviewCells(r.Review), strconv.FormatBool(r.HeldEver))
		steps := r.Steps
		if len(steps) == 0 {
			steps = []StepRec{{}}
		}
		for _, s := range steps {
			at := ""
			if !s.At.IsZero() {
				at = stamp(&s.At)
			}
			line := append(append([]string{}, head...), at, Cell(s.Actor), Cell(s.Action), Cell(detail(s.Action, s.Detail)))
			_ = cw.Write(append(line, tail...))
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("report: write csv: %w", err)
	}
	return nil
}

// reviewCells are the review's columns; empty without one.
func reviewCells(r *ReviewRec) []string {
	if r == nil {
		return []string{"", "", "", "", ""}
	}
	called := ""
	if r.FollowedAt != nil {
		called = strconv.FormatBool(r.CalledBack)
	}
	return []string{stamp(r.FollowedAt), called, Cell(r.PoliceReport), amount(r.RecoveredMinor), Cell(r.Rating)}
}

// Cell neutralises a text cell for spreadsheets by OWASP's rule for CSV
// injection: a cell beginning with =, +, -, @, a tab or a carriage return
// is prefixed with a single quote, so Excel and LibreOffice show it as text
// instead of evaluating it (a reason "=HYPERLINK(…)" would otherwise be a
// live link). Other cells are returned unchanged.
func Cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// amount formats minor units as a decimal number: 500000 → "5000.00",
// -5 → "-0.05".
func amount(minor int64) string {
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	return fmt.Sprintf("%s%d.%02d", sign, minor/100, minor%100)
}

func stamp(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
