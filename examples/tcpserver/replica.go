// Package tcpserver is a small line-based key/value server with followers.
//
// Planted bugs in this file (Go Conn Doctor finds them):
//   - conn-not-closed: dialReplica leaks the connection when the greeting check fails.
//   - closewrite-without-close: Snapshot half-closes the connection and never closes it.
package tcpserver

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

const replicaTimeout = 3 * time.Second

// Replica is a follower the leader forwards writes to.
type Replica struct {
	conn net.Conn
	rd   *bufio.Reader
}

// dialReplica connects to a follower and checks its greeting line.
func dialReplica(addr string) (*Replica, error) {
	conn, err := net.DialTimeout("tcp", addr, replicaTimeout)
	if err != nil {
		return nil, err
	}
	if err := conn.SetReadDeadline(time.Now().Add(replicaTimeout)); err != nil {
		return nil, err
	}
	rd := bufio.NewReader(conn)
	greeting, err := rd.ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("replica %s: %w", addr, err)
	}
	if !strings.HasPrefix(greeting, "KV1 ") {
		return nil, fmt.Errorf("replica %s: unexpected greeting %q", addr, greeting)
	}
	if err := conn.SetReadDeadline(time.Time{}); err != nil {
		return nil, err
	}
	return &Replica{conn: conn, rd: rd}, nil
}

// Forward sends one command line to the follower and returns its reply.
func (r *Replica) Forward(cmd string) (string, error) {
	if err := r.conn.SetDeadline(time.Now().Add(replicaTimeout)); err != nil {
		return "", err
	}
	if _, err := io.WriteString(r.conn, cmd+"\n"); err != nil {
		return "", err
	}
	return r.rd.ReadString('\n')
}

// Close closes the connection to the follower.
func (r *Replica) Close() error { return r.conn.Close() }

// Snapshot asks a follower for a full dump. The request ends with a half-close
// so the follower knows no more commands follow.
func Snapshot(addr string) ([]byte, error) {
	c, err := net.DialTimeout("tcp", addr, replicaTimeout)
	if err != nil {
		return nil, err
	}
	if err := c.SetDeadline(time.Now().Add(time.Minute)); err != nil {
		return nil, err
	}
	if _, err := io.WriteString(c, "DUMP\n"); err != nil {
		return nil, err
	}
	if tc, ok := c.(*net.TCPConn); ok {
		if err := tc.CloseWrite(); err != nil {
			return nil, err
		}
	}
	return io.ReadAll(c)
}
