// Package httpclient talks to the inventory service over HTTP.
//
// Planted bugs in this file (Go Conn Doctor finds them):
//   - body-not-closed: FetchItem returns on 404 without closing the response body,
//     so the connection never goes back to the pool.
//   - defer-before-errcheck: PushMetric defers conn.Close() before checking err;
//     when the dial fails conn is nil and the deferred call panics.
package httpclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"
)

// ErrNotFound is returned when the item does not exist.
var ErrNotFound = errors.New("item not found")

// Item is one inventory entry.
type Item struct {
	ID    string `json:"id"`
	Count int    `json:"count"`
}

var inventory = &http.Client{Timeout: 10 * time.Second}

// FetchItem loads one item from the inventory service.
func FetchItem(ctx context.Context, base, id string) (*Item, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/items/"+url.PathEscape(id), nil)
	if err != nil {
		return nil, err
	}
	resp, err := inventory.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusNotFound {
		return nil, ErrNotFound
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("inventory: %s", resp.Status)
	}
	var it Item
	if err := json.NewDecoder(resp.Body).Decode(&it); err != nil {
		return nil, err
	}
	return &it, nil
}

// Ping checks that the inventory service is up.
func Ping(ctx context.Context, base string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, base+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := inventory.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("inventory unhealthy: %s", resp.Status)
	}
	return nil
}

// PushMetric sends one counter to the metrics relay (plain-text line protocol).
func PushMetric(addr, name string, value int) error {
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	defer conn.Close()
	if err != nil {
		return err
	}
	if err := conn.SetWriteDeadline(time.Now().Add(2 * time.Second)); err != nil {
		return err
	}
	_, err = fmt.Fprintf(conn, "%s:%d|c\n", name, value)
	return err
}
