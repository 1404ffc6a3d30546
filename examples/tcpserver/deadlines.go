// deadlines.go: the client-facing side of the key/value server — the accept loop, the command
// handler, the admin port — and the health check of pooled follower connections.
//
// Planted bugs in this file (Go Conn Doctor finds them):
//   - accept-error-spin: deadlinesServe logs Accept errors and continues; once shutdown closes the
//     listener, every Accept fails at once and the loop spins a CPU core (and floods the log).
//   - read-no-deadline: deadlinesHandle reads commands with no read deadline; a client that stays
//     connected and sends nothing keeps its goroutine and socket forever.
//   - deadline-outside-loop: deadlinesServeAdmin sets the admin idle timeout once, before the loop,
//     so every admin session is cut after 5 minutes even while someone is typing.
//   - deadline-now: deadlinesPeerGone sets the read deadline to now and reads one byte to detect a
//     closed peer; the read always times out before looking at the socket, so dead peers look alive.
package tcpserver

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"time"
)

const deadlinesAdminIdle = 5 * time.Minute

// deadlinesStore is the server's in-memory key/value table.
type deadlinesStore struct {
	mu   sync.Mutex
	data map[string]string
}

// exec runs one command line: GET key, SET key value, DEL key.
func (s *deadlinesStore) exec(line string) string {
	fields := strings.Fields(line)
	if len(fields) == 0 {
		return "ERR empty command"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch strings.ToUpper(fields[0]) {
	case "GET":
		if len(fields) != 2 {
			return "ERR usage: GET key"
		}
		v, ok := s.data[fields[1]]
		if !ok {
			return "NIL"
		}
		return "OK " + v
	case "SET":
		if len(fields) != 3 {
			return "ERR usage: SET key value"
		}
		if s.data == nil {
			s.data = make(map[string]string)
		}
		s.data[fields[1]] = fields[2]
		return "OK"
	case "DEL":
		if len(fields) != 2 {
			return "ERR usage: DEL key"
		}
		delete(s.data, fields[1])
		return "OK"
	default:
		return "ERR unknown command " + fields[0]
	}
}

// deadlinesServe accepts clients until the listener is closed.
func deadlinesServe(ln net.Listener, store *deadlinesStore) {
	for {
		conn, err := ln.Accept()
		if err != nil {
			log.Printf("accept: %v", err)
			continue
		}
		go deadlinesHandle(conn, store)
	}
}

// deadlinesHandle serves one client: one command per line, one reply per line.
func deadlinesHandle(conn net.Conn, store *deadlinesStore) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			if !errors.Is(err, io.EOF) {
				log.Printf("client %s: %v", conn.RemoteAddr(), err)
			}
			return
		}
		if _, err := io.WriteString(conn, store.exec(line)+"\n"); err != nil {
			return
		}
	}
}

// deadlinesServeAdmin serves the admin port; idle admin sessions are dropped after
// deadlinesAdminIdle.
func deadlinesServeAdmin(ln net.Listener, store *deadlinesStore) error {
	for {
		conn, err := ln.Accept()
		if err != nil {
			return err
		}
		go func() {
			defer conn.Close()
			if err := conn.SetReadDeadline(time.Now().Add(deadlinesAdminIdle)); err != nil {
				return
			}
			sc := bufio.NewScanner(conn)
			for sc.Scan() {
				if _, err := fmt.Fprintln(conn, store.exec(sc.Text())); err != nil {
					return
				}
			}
		}()
	}
}

// deadlinesPeerGone reports whether the follower closed a pooled connection while it sat idle, so
// the pool can drop it instead of handing out a dead connection.
func deadlinesPeerGone(c net.Conn) bool {
	if err := c.SetReadDeadline(time.Now()); err != nil {
		return true
	}
	defer c.SetReadDeadline(time.Time{})
	var one [1]byte
	_, err := c.Read(one[:])
	return errors.Is(err, io.EOF)
}
