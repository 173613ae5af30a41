package web

import (
	"math"
	"strconv"

	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/report"
)

// Charts of the effectiveness page, drawn like the supervisor's (chart.SVG):
// alerts per rule by outcome, money held and protected per rule (whole
// yuan), and the customers' choices per site. Rules are numbered under the
// bars (rule ids are long); the data table under each chart names them.

var choiceColors = []string{"#047857", "#b91c1c", "#2563eb", "#6b7280"}

// effectCharts builds the three charts from the all-sites rows.
func effectCharts(lang, id string, e report.Effect) []chart {
	var rules []report.RuleRow
	for _, r := range e.Rules {
		if r.Site == report.AllSites {
			rules = append(rules, r)
		}
	}
	cats, short := make([]string, len(rules)), make([]string, len(rules))
	for n, r := range rules {
		cats[n], short[n] = r.Rule, strconv.Itoa(n+1)
	}
	outcomes := append(append([]string{}, incident.Outcomes...), "")
	oc := make([]series, len(outcomes))
	for n, o := range outcomes {
		name := code(lang, "outcome", o)
		if o == "" {
			name = msg(lang, "col.open")
		}
		oc[n] = series{Name: name, Color: outcomeColors[o], Values: make([]int, len(rules))}
		for k, r := range rules {
			if o == "" {
				oc[n].Values[k] = r.Open
			} else {
				oc[n].Values[k] = r.Outcomes[o]
			}
		}
	}
	protected := series{Name: msg(lang, "eff.protected"), Color: "#047857", Values: make([]int, len(rules))}
	heldOnly := series{Name: msg(lang, "eff.held_only"), Color: "#d97706", Values: make([]int, len(rules))}
	for k, r := range rules {
		protected.Values[k] = int(r.ProtectedMinor / 100)
		heldOnly.Values[k] = int((r.HeldMinor - r.ProtectedMinor) / 100)
	}
	return []chart{
		{ID: id + "-rules", Title: msg(lang, "eff.chart_rules"), Cats: cats, Short: short, Series: oc},
		{ID: id + "-money", Title: msg(lang, "eff.chart_money"), Cats: cats, Short: short, Series: []series{protected, heldOnly}},
		choiceChart(lang, id+"-choices", e.Choices),
	}
}

// choiceChart stacks each site's choices (all sites first).
func choiceChart(lang, id string, rows []report.ChoiceRow) chart {
	keys := []string{"eff.choice_continue", "eff.choice_stop", "eff.choice_help", "eff.choice_none"}
	c := chart{ID: id, Title: msg(lang, "eff.chart_choices"), Cats: make([]string, len(rows))}
	for n, key := range keys {
		c.Series = append(c.Series, series{Name: msg(lang, key), Color: choiceColors[n], Values: make([]int, len(rows))})
	}
	for k, r := range rows {
		c.Cats[k] = r.Site
		if r.Site == report.AllSites {
			c.Cats[k] = msg(lang, "eff.all_sites")
		}
		for n, v := range []int{r.Continue, r.Stop, r.Help, r.None} {
			c.Series[n].Values[k] = v
		}
	}
	return c
}

// percent writes a fraction as a whole percentage; "—" for none.
func percent(p *float64) string {
	if p == nil {
		return "—"
	}
	// Half a percent rounds up, as a person rounding a figure would.
	return strconv.Itoa(int(math.Floor(*p*100+0.5))) + "%"
}

// siteName writes report.AllSites in words.
func siteName(lang, site string) string {
	if site == report.AllSites {
		return msg(lang, "eff.all_sites")
	}
	return site
}

func itemOr(list []string, n int, or string) string {
	if n < len(list) {
		return list[n]
	}
	return or
}
