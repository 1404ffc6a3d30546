// scenario: a scriptable TCP program for the live socket tests. It reads one command per line on stdin,
// does it, and answers "OK ..." (or "ERR ...") on stdout. Everything is on 127.0.0.1.
//
//	listen NAME [noaccept|tiny]  -> OK <port>   accept loop; each conn's first byte picks a behaviour:
//	                                  E: block in Read forever (ESTABLISHED)
//	                                  C: read to EOF, then keep the conn without closing it (CLOSE_WAIT leak)
//	                                  T: write "bye" and close first (server-side TIME_WAIT)
//	                                  S: write 64 KiB every 100 ms to a peer that never reads (Send-Q grows)
//	                                noaccept: never Accept (accept queue backlog); tiny: raw listen(2) with backlog 0;
//	                                mapped: an AF_INET6 socket bound to ::ffff:127.0.0.1 (conns show up in tcp6)
//	dial GROUP N PORT MODE [async] -> OK      dial N conns to 127.0.0.1:PORT and send MODE; T conns read to EOF
//	                                          and then close; the rest are held. async: do not wait (SYN_SENT)
//	closewrite GROUP / close GROUP -> OK
//	reset GROUP                    -> OK      close with SO_LINGER 0: the peer gets a reset
//	udp N                          -> OK      open N UDP sockets on 127.0.0.1 and keep them
//	churn PORT RATE                -> OK      from now on dial RATE conns per second to PORT (mode E) and close
//	                                          each after a second (the peer closes first), until exit
//	rlimit N                       -> OK      lower the soft RLIMIT_NOFILE
//	pprof                          -> OK <port>  net/http/pprof on 127.0.0.1
//	exit
package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

var (
	mu     sync.Mutex
	groups = map[string][]net.Conn{}
	kept   []net.Conn
)

func keep(c net.Conn) {
	mu.Lock()
	kept = append(kept, c)
	mu.Unlock()
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		f := strings.Fields(in.Text())
		if len(f) == 0 {
			continue
		}
		reply, err := do(f)
		if err != nil {
			fmt.Println("ERR", err)
			continue
		}
		fmt.Println("OK", reply)
	}
	// stdin closed: the test is gone, so are we.
}

func do(f []string) (string, error) {
	switch f[0] {
	case "listen":
		mode := ""
		if len(f) > 2 {
			mode = f[2]
		}
		if mode == "tiny" {
			return tinyListener()
		}
		if mode == "mapped" {
			return mappedListener()
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return "", err
		}
		if mode != "noaccept" {
			go acceptLoop(ln)
		} else {
			mu.Lock()
			lns = append(lns, ln) // keep it referenced; never Accept
			mu.Unlock()
		}
		return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), nil
	case "dial":
		n, _ := strconv.Atoi(f[2])
		addr := "127.0.0.1:" + f[3]
		mode := f[4]
		async := len(f) > 5 && f[5] == "async"
		var wg sync.WaitGroup
		var firstErr error
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := net.Dial("tcp", addr)
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
				c.Write([]byte(mode))
				mu.Lock()
				groups[f[1]] = append(groups[f[1]], c)
				mu.Unlock()
				if mode == "T" {
					io.Copy(io.Discard, c) // until the server closes
					c.Close()
				}
			}()
		}
		if !async {
			wg.Wait()
		}
		if firstErr != nil {
			return "", firstErr
		}
		return "", nil
	case "closewrite", "close":
		mu.Lock()
		cs := groups[f[1]]
		if f[0] == "close" {
			delete(groups, f[1])
		}
		mu.Unlock()
		for _, c := range cs {
			if f[0] == "close" {
				c.Close()
			} else {
				c.(*net.TCPConn).CloseWrite()
			}
		}
		return strconv.Itoa(len(cs)), nil
	case "reset":
		mu.Lock()
		cs := groups[f[1]]
		delete(groups, f[1])
		mu.Unlock()
		for _, c := range cs {
			c.(*net.TCPConn).SetLinger(0)
			c.Close()
		}
		return strconv.Itoa(len(cs)), nil
	case "udp":
		n, _ := strconv.Atoi(f[1])
		for i := 0; i < n; i++ {
			pc, err := net.ListenPacket("udp", "127.0.0.1:0")
			if err != nil {
				return "", err
			}
			mu.Lock()
			udps = append(udps, pc)
			mu.Unlock()
		}
		return "", nil
	case "churn":
		addr := "127.0.0.1:" + f[1]
		rate, _ := strconv.Atoi(f[2])
		go func() {
			tick := time.NewTicker(10 * time.Millisecond)
			defer tick.Stop()
			owed := 0.0
			for range tick.C {
				for owed += float64(rate) / 100; owed >= 1; owed-- {
					go func() {
						c, err := net.Dial("tcp", addr)
						if err != nil {
							return
						}
						c.Write([]byte("E"))
						time.Sleep(time.Second)
						c.Close()
					}()
				}
			}
		}()
		return "", nil
	case "rlimit":
		n, _ := strconv.ParseUint(f[1], 10, 64)
		var r syscall.Rlimit
		syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r)
		r.Cur = n
		return "", syscall.Setrlimit(syscall.RLIMIT_NOFILE, &r)
	case "pprof":
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return "", err
		}
		go http.Serve(ln, nil)
		return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), nil
	case "exit":
		os.Exit(0)
	}
	return "", fmt.Errorf("unknown command %q", f[0])
}

var (
	lns  []net.Listener
	udps []net.PacketConn
)

func acceptLoop(ln net.Listener) {
	for {
		c, err := ln.Accept() // MARK-ACCEPT
		if err != nil {
			return
		}
		go handle(c)
	}
}

func handle(c net.Conn) {
	keep(c)
	mode := make([]byte, 1)
	if _, err := io.ReadFull(c, mode); err != nil {
		c.Close()
		return
	}
	switch mode[0] {
	case 'E':
		buf := make([]byte, 1024)
		for {
			if _, err := c.Read(buf); err != nil { // MARK-READ
				c.Close()
				return
			}
		}
	case 'C':
		io.Copy(io.Discard, c)
		select {} // MARK-LEAK: the peer hung up, and we never call c.Close()
	case 'T':
		c.Write([]byte("bye"))
		c.Close()
	case 'S':
		chunk := make([]byte, 64<<10)
		for {
			if _, err := c.Write(chunk); err != nil { // MARK-WRITE
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	default:
		select {}
	}
}

// tinyListener listens with backlog 0 and never accepts: once the accept queue holds one connection the
// kernel drops further SYNs, so new dials linger in SYN_SENT.
func tinyListener() (string, error) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		return "", err
	}
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		return "", err
	}
	if err := syscall.Listen(fd, 0); err != nil {
		return "", err
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		return "", err
	}
	return strconv.Itoa(sa.(*syscall.SockaddrInet4).Port), nil
}

// mappedListener: an IPv6 socket bound to the v4-mapped loopback address; 127.0.0.1 clients reach it and the
// kernel lists its sockets in /proc/net/tcp6 as ::ffff:127.0.0.1.
func mappedListener() (string, error) {
	fd, err := syscall.Socket(syscall.AF_INET6, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return "", err
	}
	syscall.SetsockoptInt(fd, syscall.IPPROTO_IPV6, syscall.IPV6_V6ONLY, 0)
	addr := [16]byte{10: 0xff, 11: 0xff, 12: 127, 15: 1}
	if err := syscall.Bind(fd, &syscall.SockaddrInet6{Addr: addr}); err != nil {
		return "", err
	}
	if err := syscall.Listen(fd, 128); err != nil {
		return "", err
	}
	ln, err := net.FileListener(os.NewFile(uintptr(fd), "mapped"))
	if err != nil {
		return "", err
	}
	syscall.Close(fd) // FileListener dup'ed it
	go acceptLoop(ln)
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), nil
}
