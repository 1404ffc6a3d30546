// timeouts.go: the report endpoint and the metrics listener of the API server.
//
// Planted bugs in this file (Go Conn Doctor finds them):
//   - http-server-no-timeouts: timeoutsStartMetrics builds its http.Server without ReadHeaderTimeout
//     (WriteTimeout and IdleTimeout do not cover reading the request headers): a client that sends
//     its headers slowly keeps a connection, a goroutine and a file descriptor for as long as it likes.
//   - handler-ignores-context: (*timeoutsReports).ServeHTTP sleeps between retries without watching
//     r.Context(): after the client has gone it keeps retrying, and Server.Shutdown waits for it.

package httpserver

import (
	"context"
	"errors"
	"log"
	"net/http"
	"time"
)

// timeoutsReports renders reports; building one can fail while the report store is busy.
type timeoutsReports struct {
	build func(ctx context.Context, id string) ([]byte, error)
}

func (t *timeoutsReports) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	if id == "" {
		http.Error(w, "missing id", http.StatusBadRequest)
		return
	}
	var body []byte
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if body, err = t.build(r.Context(), id); err == nil {
			break
		}
		time.Sleep(time.Duration(attempt+1) * 200 * time.Millisecond)
	}
	if err != nil {
		http.Error(w, "report unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Write(body)
}

// timeoutsStartMetrics serves /metrics on its own port; the caller shuts it down with the API server.
func timeoutsStartMetrics(addr string, metrics http.Handler) *http.Server {
	mux := http.NewServeMux()
	mux.Handle("/metrics", metrics)
	srv := &http.Server{
		Addr:         addr,
		Handler:      mux,
		WriteTimeout: 10 * time.Second,
		IdleTimeout:  time.Minute,
	}
	go func() {
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Printf("metrics server: %v", err)
		}
	}()
	return srv
}
