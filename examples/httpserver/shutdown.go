// shutdown.go: lifecycle of the API server and its admin server (start, drain, stop).
//
// Planted bugs in this file (Go Conn Doctor finds them):
//   - serve-error-unchecked: shutdownRun passes the API server's ListenAndServe error to log.Fatal,
//     so the process exits the moment Shutdown starts, cutting off the requests it is draining.
//   - shutdown-without-timeout: shutdownRun drains with context.Background(): one stuck request and
//     the process never exits.
//   - server-close-not-shutdown: (*shutdownAdmin).Stop closes the admin server abruptly.

package httpserver

import (
	"context"
	"errors"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// shutdownAdmin serves health checks and debug pages on a second port.
type shutdownAdmin struct {
	srv *http.Server
}

func newShutdownAdmin(addr string, h http.Handler) *shutdownAdmin {
	return &shutdownAdmin{srv: &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       time.Minute,
	}}
}

// Start serves in the background; anything but a normal stop is logged.
func (a *shutdownAdmin) Start() {
	go func() {
		if err := a.srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Printf("admin server: %v", err)
		}
	}()
}

// Stop is called once the API server has stopped.
func (a *shutdownAdmin) Stop() {
	a.srv.Close()
}

// shutdownRun serves the API on addr and the admin pages on adminAddr until SIGINT or SIGTERM,
// then drains the API server.
func shutdownRun(addr, adminAddr string, api, admin http.Handler) error {
	srv := &http.Server{
		Addr:              addr,
		Handler:           api,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	adm := newShutdownAdmin(adminAddr, admin)
	adm.Start()
	defer adm.Stop()

	go func() {
		log.Fatal(srv.ListenAndServe())
	}()

	quit := make(chan os.Signal, 1)
	signal.Notify(quit, os.Interrupt, syscall.SIGTERM)
	<-quit
	log.Println("shutting down")
	return srv.Shutdown(context.Background())
}
