// timeouts.go: loading the feature-flag config and shipping audit lines to the collector.
//
// Planted bugs in this file (Go Conn Doctor finds them):
//   - http-client-no-timeout: timeoutsFetchFlags uses http.Get, i.e. http.DefaultClient, which has no
//     timeout: a config server that accepts the connection and stalls blocks startup forever.
//   - dial-no-timeout: timeoutsSendAudit connects with net.Dial: when the collector host drops
//     packets, every audit call blocks for about two minutes (Linux SYN retries) before failing.
//   - timeout-error-assertion: timeoutsRetryable asserts err.(net.Error), but timeoutsFetchFlags wraps
//     its errors with %w, so timeouts are never recognised and never retried.

package httpclient

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"syscall"
	"time"
)

// timeoutsFetchFlags loads the feature flags from the config service.
func timeoutsFetchFlags(configURL string) (map[string]bool, error) {
	resp, err := http.Get(configURL)
	if err != nil {
		return nil, fmt.Errorf("fetch flags: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch flags: %s", resp.Status)
	}
	flags := map[string]bool{}
	if err := json.NewDecoder(resp.Body).Decode(&flags); err != nil {
		return nil, fmt.Errorf("fetch flags: %w", err)
	}
	return flags, nil
}

// timeoutsLoadFlags retries timeoutsFetchFlags on errors worth retrying.
func timeoutsLoadFlags(configURL string) (map[string]bool, error) {
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		flags, err := timeoutsFetchFlags(configURL)
		if err == nil {
			return flags, nil
		}
		if !timeoutsRetryable(err) {
			return nil, err
		}
		lastErr = err
		time.Sleep(time.Duration(attempt+1) * time.Second)
	}
	return nil, lastErr
}

// timeoutsRetryable reports whether err is a timeout or a refused connection.
func timeoutsRetryable(err error) bool {
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return true
	}
	return errors.Is(err, syscall.ECONNREFUSED)
}

// timeoutsSendAudit ships one audit line to the collector.
func timeoutsSendAudit(collectorAddr, line string) error {
	conn, err := net.Dial("tcp", collectorAddr)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.SetWriteDeadline(time.Now().Add(5 * time.Second)); err != nil {
		return err
	}
	_, err = fmt.Fprintf(conn, "%s\n", line)
	return err
}
