// Command loadgen plays the clients of leakyserver: short sessions that connect, read the welcome
// line, say hello, read the answer and hang up, -rate times a second. Each session the server does not close stays
// behind as a CLOSE_WAIT socket in the server.
//
//	go run ./loadgen [-addr 127.0.0.1:7070] [-rate 20]
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"net"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:7070", "server address")
	rate := flag.Int("rate", 20, "sessions per second")
	flag.Parse()
	tick := time.NewTicker(time.Second / time.Duration(max(1, *rate)))
	defer tick.Stop()
	n := 0
	for range tick.C {
		go func(id int) {
			if err := session(*addr, id); err != nil {
				log.Printf("session %d: %v", id, err)
			}
		}(n)
		n++
		if n%(10*max(1, *rate)) == 0 {
			log.Printf("%d sessions", n)
		}
	}
}

// session connects, reads the welcome line, says hello, reads the answer and hangs up.
func session(addr string, id int) error {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	r := bufio.NewReader(c)
	if _, err := r.ReadString('\n'); err != nil {
		return err
	}
	if _, err := fmt.Fprintf(c, "hello from %d\n", id); err != nil {
		return err
	}
	_, err = r.ReadString('\n')
	return err
}
