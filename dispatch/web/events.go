package web

import (
	"encoding/json"
	"net/http"
	"time"
)

// heartbeat keeps idle SSE connections (and proxies) alive.
const heartbeat = 15 * time.Second

// events streams the viewer's incident and terminal changes as
// Server-Sent Events until the browser goes away or falls behind (it then
// reconnects and reloads the list).
func (s *Server) events(w http.ResponseWriter, r *http.Request, v *viewer) {
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // a stream outlives the server's write timeout
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	sub := s.o.Feed.Subscribe(v.CanSee)
	defer sub.Close()
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("retry: 1000\n: hello\n\n"))
	if err := rc.Flush(); err != nil {
		return
	}
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
			if _, err := w.Write([]byte(": ping\n\n")); err != nil {
				return
			}
		case e, ok := <-sub.C:
			if !ok {
				return
			}
			b, _ := json.Marshal(e)
			if _, err := w.Write(append(append([]byte("data: "), b...), '\n', '\n')); err != nil {
				return
			}
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}
