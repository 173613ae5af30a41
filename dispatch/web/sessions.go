package web

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// sessionsExport writes the period's session records as JSONL, one
// record a line as the agent published it, with "outcome" added: how the
// incident of its alert was resolved. It is what tgctl backtest reads
// (CONTRACT §13), so a candidate's missed alerts come with their outcomes.
func (s *Server) sessionsExport(w http.ResponseWriter, r *http.Request, v *viewer) {
	from, to, ok := s.supervisorPeriod(w, r, v)
	if !ok {
		return
	}
	attach(w, "application/x-ndjson", fmt.Sprintf("sessions-%s-%s.jsonl", from.Format("20060102"), to.AddDate(0, 0, -1).Format("20060102")))
	bw := bufio.NewWriterSize(w, 64<<10)
	err := s.o.Store.SessionRecordsBetween(r.Context(), from, to, v.SiteFilter(), func(body, outcome string) error {
		if outcome != "" && strings.HasPrefix(body, "{") {
			o, _ := json.Marshal(outcome)
			body = `{"outcome":` + string(o) + "," + body[1:]
		}
		_, err := bw.WriteString(body + "\n")
		return err
	})
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		s.log.Warn().Err(err).Msg("sessions export interrupted")
	}
}
