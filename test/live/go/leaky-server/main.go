// leaky-server: a small greeting server with a classic connection leak, for `conndoctor sockets`.
//
// Every client is added to a session map (to count who is online). When a client hangs up, the
// handler logs it and returns, but it neither closes the conn nor removes it from the map. The kernel keeps
// the server side in CLOSE_WAIT for as long as the process runs, and the map keeps the conn (and its fd)
// alive, so the Go finalizer never closes it either.
//
//	go run . &                       # the server, on 127.0.0.1:7070
//	go run . -load 127.0.0.1:7070    # a client that connects, says hello and hangs up, 3 times a second
//	conndoctor sockets --pid <server pid>
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"net"
	"sync"
	"time"
)

var (
	mu       sync.Mutex
	sessions = map[string]net.Conn{}
)

func main() {
	addr := flag.String("addr", "127.0.0.1:7070", "listen address")
	load := flag.String("load", "", "run the load client against this address instead of the server")
	every := flag.Duration("every", 300*time.Millisecond, "load: time between connections")
	flag.Parse()
	if *load != "" {
		runLoad(*load, *every)
		return
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("leaky-server listening on %s", ln.Addr())
	for {
		c, err := ln.Accept()
		if err != nil {
			log.Printf("accept: %v", err)
			time.Sleep(100 * time.Millisecond)
			continue
		}
		go handle(c)
	}
}

func handle(c net.Conn) {
	// BUG (conn-not-closed): no `defer c.Close()`, and the conn stays in `sessions` after the client left.
	mu.Lock()
	sessions[c.RemoteAddr().String()] = c
	mu.Unlock()
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n') // BUG (read-no-deadline): an idle client holds this goroutine forever
		if err != nil {
			log.Printf("client %s left: %v", c.RemoteAddr(), err)
			return
		}
		mu.Lock()
		online := len(sessions)
		mu.Unlock()
		fmt.Fprintf(c, "hi %s, you said %q; %d sessions open\n", c.RemoteAddr(), line, online)
	}
}

func runLoad(addr string, every time.Duration) {
	for {
		c, err := net.DialTimeout("tcp", addr, 2*time.Second)
		if err != nil {
			log.Printf("dial: %v", err)
		} else {
			fmt.Fprintln(c, "hello")
			c.SetReadDeadline(time.Now().Add(time.Second))
			bufio.NewReader(c).ReadString('\n')
			c.Close()
		}
		time.Sleep(every)
	}
}
