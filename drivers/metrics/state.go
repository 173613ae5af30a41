package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/transferguard/transferguard/agent/envelope"
)

var (
	descDepth = prometheus.NewDesc("tgagent_outbox_depth",
		"Messages (alerts, session records) stored and not yet acknowledged by the broker.", nil, nil)
	descOldest = prometheus.NewDesc("tgagent_outbox_oldest_age_seconds",
		"How long the oldest undelivered message has waited; 0 when the outbox is empty.", nil, nil)
	descLink = prometheus.NewDesc("tgagent_link_up",
		"1 while the serial link to the terminal controller is up (a valid frame within the link timeout).", nil, nil)
	descUI = prometheus.NewDesc("tgagent_ui_state",
		"The screen process state: 1 on the current state's series.", []string{"state"}, nil)
	descConfig = prometheus.NewDesc("tgagent_config_version",
		"Version of the signed document applied per kind and scope; absent when none is applied.", []string{"kind", "scope"}, nil)
)

// uiStates are every value tgagent_ui_state takes, so each series exists
// from the first scrape and a change shows as 1 → 0, not as a gap.
var uiStates = []string{"up", "down", "off"}

// stateCollector reads the agent's state when Prometheus scrapes.
type stateCollector struct{ src Sources }

func (c stateCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descDepth, descOldest, descLink, descUI, descConfig} {
		ch <- d
	}
}

func (c stateCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.src
	if s.OutboxDepth != nil {
		ch <- prometheus.MustNewConstMetric(descDepth, prometheus.GaugeValue, float64(s.OutboxDepth()))
	}
	if s.OutboxOldest != nil {
		ch <- prometheus.MustNewConstMetric(descOldest, prometheus.GaugeValue, s.OutboxOldest().Seconds())
	}
	if s.States != nil {
		link, ui := s.States()
		ch <- prometheus.MustNewConstMetric(descLink, prometheus.GaugeValue, boolValue(link == "up"))
		for _, st := range uiStates {
			ch <- prometheus.MustNewConstMetric(descUI, prometheus.GaugeValue, boolValue(ui == st), st)
		}
	}
	if s.Config != nil {
		collectConfig(ch, s.Config())
	}
}

func collectConfig(ch chan<- prometheus.Metric, st envelope.ConfigState) {
	scopes := []struct {
		name string
		doc  *envelope.DocState
	}{{"fleet", st.Config.Fleet}, {"site", st.Config.Site}, {"terminal", st.Config.Terminal}}
	for _, sc := range scopes {
		if sc.doc != nil {
			ch <- prometheus.MustNewConstMetric(descConfig, prometheus.GaugeValue, float64(sc.doc.Version), "config", sc.name)
		}
	}
	if st.Watchlist != nil {
		ch <- prometheus.MustNewConstMetric(descConfig, prometheus.GaugeValue, float64(st.Watchlist.Version), "watchlist", "fleet")
	}
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
