// Command leakyserver is a small line server with the commonest shape behind a CLOSE_WAIT pile: a
// connection registry. Every client is registered in a map, which tells who is online.
// When a client hangs up, its handler returns, but nothing closes the conn or takes it out of the
// registry: the map keeps the net.Conn (and its file descriptor) alive, so Go's finalizer never closes
// it either, and the kernel keeps the server's side of every finished connection in CLOSE_WAIT.
//
// Planted bugs in this file (Go Conn Doctor finds them):
//   - conn-not-closed: serve registers each conn in hub.conns and never closes or removes it.
//
// Try it (from the examples folder):
//
//	go run ./leakyserver            # listens on 127.0.0.1:7070
//	go run ./loadgen                # in a second terminal: 20 short client sessions a second
//
// and open the Go Conn Doctor view: CLOSE_WAIT climbs by about 20 a second. The fix is in serve (see
// the comment there): restart the server, and CLOSE_WAIT stays flat.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"sync"
	"time"
)

// hub is the registry of connected clients.
type hub struct {
	mu    sync.Mutex
	conns map[string]net.Conn
}

func (h *hub) join(c net.Conn) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.conns[c.RemoteAddr().String()] = c
	return len(h.conns)
}

func (h *hub) online() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.conns)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:7070", "listen address")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	log.Printf("leakyserver listening on %s", ln.Addr())
	h := &hub{conns: map[string]net.Conn{}}
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			log.Printf("accept: %v", err)
			time.Sleep(100 * time.Millisecond)
			continue
		}
		go h.serve(c)
	}
}

func (h *hub) serve(c net.Conn) {
	n := h.join(c)
	// BUG: nothing takes the client out of the registry or closes its conn. The fix, right here:
	//
	//	defer func() {
	//		h.mu.Lock()
	//		delete(h.conns, c.RemoteAddr().String())
	//		h.mu.Unlock()
	//		c.Close()
	//	}()
	fmt.Fprintf(c, "welcome, %d online\n", n)
	r := bufio.NewReader(c)
	for {
		c.SetReadDeadline(time.Now().Add(2 * time.Minute))
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		c.SetWriteDeadline(time.Now().Add(10 * time.Second))
		fmt.Fprintf(c, "you said %q; %d online\n", line[:len(line)-1], h.online())
	}
}
