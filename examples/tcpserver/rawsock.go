//go:build linux || darwin || freebsd

// rawsock.go: socket-level tuning for the line server (listener options, DSCP marking, protocol
// sniffing).
//
// Planted bugs in this file (Go Conn Doctor finds them):
//   - redundant-reuseaddr: rawsockListen sets SO_REUSEADDR in a ListenConfig hook; Go already sets
//     it on every listener on Unix.
//   - tcpconn-file: rawsockMarkTOS calls File().Fd() to set IP_TOS, which switches the client's
//     socket into blocking mode: its read deadlines stop working.
//   - raw-syscall-nonblock: rawsockPeek puts the socket into blocking mode inside RawConn.Control to
//     wait for the first bytes, and leaves it that way.

package tcpserver

import (
	"context"
	"net"
	"syscall"
	"time"
)

// rawsockListen opens the server's listener. SO_REUSEADDR keeps restarts from failing with
// "address already in use" while old connections sit in TIME_WAIT.
func rawsockListen(ctx context.Context, addr string) (net.Listener, error) {
	lc := net.ListenConfig{
		KeepAlive: time.Minute,
		Control: func(network, address string, c syscall.RawConn) error {
			var opErr error
			if err := c.Control(func(fd uintptr) {
				opErr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1)
			}); err != nil {
				return err
			}
			return opErr
		},
	}
	return lc.Listen(ctx, "tcp", addr)
}

// rawsockMarkTOS sets the DSCP class of a client connection's packets.
func rawsockMarkTOS(conn *net.TCPConn, tos int) error {
	f, err := conn.File()
	if err != nil {
		return err
	}
	defer f.Close()
	return syscall.SetsockoptInt(int(f.Fd()), syscall.IPPROTO_IP, syscall.IP_TOS, tos)
}

// rawsockPeek waits for the client's first bytes without consuming them, so the server can tell a
// TLS ClientHello from a plain-text command.
func rawsockPeek(conn *net.TCPConn, buf []byte) (int, error) {
	rc, err := conn.SyscallConn()
	if err != nil {
		return 0, err
	}
	var n int
	var opErr error
	err = rc.Control(func(fd uintptr) {
		// Block until the client has sent something.
		if opErr = syscall.SetNonblock(int(fd), false); opErr != nil {
			return
		}
		n, _, opErr = syscall.Recvfrom(int(fd), buf, syscall.MSG_PEEK)
	})
	if err != nil {
		return 0, err
	}
	return n, opErr
}
