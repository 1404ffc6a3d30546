// The pitfall cards. Facts follow ../shared/research/sockets-and-go-facts.md and the Go sources
// and api/go1.N.txt files of the toolchain; test/unit/knowledge.test.ts pins the key facts and
// compiles every code block (gofmt + go vet).
import type { Card } from './model';

/**
 * Go source written with 4-space indentation in this file, turned into gofmt's tabs.
 * Only leading indentation is converted; alignment inside a line stays spaces, as gofmt does it.
 */
function go(strings: TemplateStringsArray): string {
  const raw = strings.raw.join('');
  const lines = raw
    .replace(/^\n/, '')
    .replace(/\n\s*$/, '')
    .split('\n');
  return lines.map((l) => l.replace(/^((?: {4})+)/, (m) => '\t'.repeat(m.length / 4))).join('\n') + '\n';
}

const PKG = 'https://pkg.go.dev';
const notes = (v: string) => ({ label: `Go ${v} release notes`, url: `https://go.dev/doc/go${v}` });

export const CARDS: Card[] = [
  {
    id: 'conn.Close',
    apis: ['net.Conn.Close', '(*net.TCPConn).Close', '(*crypto/tls.Conn).Close'],
    since: '1.7',
    docs: [
      { label: 'net.Conn', url: `${PKG}/net#Conn` },
      { label: 'net.ErrClosed', url: `${PKG}/net#ErrClosed` },
    ],
    rules: ['conn-not-closed', 'defer-before-errcheck'],
    code: go`
func send(ctx context.Context, addr string, msg []byte) error {
    d := net.Dialer{Timeout: 5 * time.Second}
    conn, err := d.DialContext(ctx, "tcp", addr)
    if err != nil {
        return err // conn is nil here: nothing to close
    }
    defer conn.Close() // runs on every return below
    if err := conn.SetWriteDeadline(time.Now().Add(10 * time.Second)); err != nil {
        return err
    }
    _, err = conn.Write(msg)
    return err
}
`,
    en: {
      title: 'Close every connection you open, on every path',
      pitfall:
        'A conn that is never closed keeps its file descriptor and its kernel socket. When the peer hangs up, the socket stays in CLOSE_WAIT until this side calls `Close`, and a busy process ends with `accept: too many open files`. The GC finalizer does not help while a goroutine, map or pool still references the conn. `Close` also unblocks goroutines blocked in `Read` or `Write` on the conn: they get an error that satisfies `errors.Is(err, net.ErrClosed)`.',
      pattern:
        'Defer `Close` right after the error check, in the function or goroutine that owns the conn. When ownership moves (returned, or given to a goroutine that closes it), make that explicit instead of closing in two places.',
      version:
        '`Close` behaves like this since Go 1. `net.ErrClosed` (to recognise "use of closed network connection" with `errors.Is`) needs Go 1.16; `Dialer.DialContext` needs Go 1.7.',
    },
    zh: {
      title: '打开的每个连接，都要在每条路径上关闭',
      pitfall:
        '从未关闭的连接会一直占用文件描述符和内核 socket。对端挂断后，本端 socket 会停留在 CLOSE_WAIT，直到本端调用 `Close`；繁忙的进程最终会报 `accept: too many open files`。只要还有 goroutine、map 或连接池引用这个 conn，GC 终结器就不会回收它。`Close` 还会唤醒阻塞在该连接 `Read`/`Write` 上的 goroutine，它们得到的错误满足 `errors.Is(err, net.ErrClosed)`。',
      pattern:
        '在拥有该连接的函数或 goroutine 中，检查完错误后立即 defer `Close`。所有权需要转移时（作为返回值交出，或交给负责关闭它的 goroutine）要写清楚，不要在两个地方关闭。',
      version:
        '`Close` 的这些行为自 Go 1 起就是如此。用 `errors.Is` 识别 "use of closed network connection" 所需的 `net.ErrClosed` 自 Go 1.16 起提供；`Dialer.DialContext` 需要 Go 1.7。',
    },
  },
  {
    id: 'listener.Close',
    apis: ['net.Listener.Close', '(*net.TCPListener).Close'],
    since: '1.21',
    docs: [
      { label: 'net.Listener', url: `${PKG}/net#Listener` },
      { label: 'context.AfterFunc', url: `${PKG}/context#AfterFunc` },
      notes('1.16'),
    ],
    rules: ['conn-not-closed', 'accept-error-spin'],
    code: go`
func serve(ctx context.Context, ln net.Listener, handle func(net.Conn)) error {
    stop := context.AfterFunc(ctx, func() { ln.Close() }) // unblocks Accept
    defer stop()
    for {
        conn, err := ln.Accept()
        if err != nil {
            if errors.Is(err, net.ErrClosed) {
                return ctx.Err() // closed on purpose: leave the loop
            }
            return err
        }
        go handle(conn) // handle owns conn and closes it
    }
}
`,
    en: {
      title: 'Closing a listener stops Accept, not the accepted conns',
      pitfall:
        '`Close` on a listener frees the port and makes a blocked `Accept` return an error that satisfies `errors.Is(err, net.ErrClosed)`, and every later `Accept` fails the same way at once. An accept loop that only logs and `continue`s then spins at 100% CPU. Connections already accepted stay open: each needs its own `Close` (or, for `http.Server`, `Shutdown`).',
      pattern: 'Close the listener to stop serving (for example when the context ends) and leave the accept loop on `net.ErrClosed`.',
      version: '`net.ErrClosed` since Go 1.16 (earlier code compared the error string). `context.AfterFunc` since Go 1.21.',
    },
    zh: {
      title: '关闭监听器只会停止 Accept，不会关闭已接受的连接',
      pitfall:
        '对监听器调用 `Close` 会释放端口，并让阻塞中的 `Accept` 返回满足 `errors.Is(err, net.ErrClosed)` 的错误，之后每次 `Accept` 都会立即以同样的错误失败。如果 accept 循环只是打日志再 `continue`，就会把 CPU 占满 100%。已经接受的连接仍然保持打开，每个都需要各自 `Close`（`http.Server` 则用 `Shutdown`）。',
      pattern: '需要停止服务时（例如 context 结束）关闭监听器，并在遇到 `net.ErrClosed` 时退出 accept 循环。',
      version: '`net.ErrClosed` 自 Go 1.16 起提供（之前只能比较错误字符串）。`context.AfterFunc` 自 Go 1.21 起提供。',
    },
  },
  {
    id: 'body.Close',
    apis: ['resp.Body.Close'],
    since: '1.16',
    docs: [
      { label: 'http.Response', url: `${PKG}/net/http#Response` },
      { label: 'http.Client', url: `${PKG}/net/http#Client` },
    ],
    rules: ['body-not-closed', 'defer-before-errcheck'],
    code: go`
func status(ctx context.Context, client *http.Client, url string) (int, error) {
    req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
    if err != nil {
        return 0, err
    }
    resp, err := client.Do(req)
    if err != nil {
        return 0, err // no body to close
    }
    defer resp.Body.Close()
    // Read a bounded amount to EOF so the connection can be reused.
    _, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
    return resp.StatusCode, nil
}
`,
    en: {
      title: 'Close the response body, also when you do not read it',
      pitfall:
        "Until `resp.Body` is closed, its HTTP/1.x connection cannot go back to the Transport's idle pool: the socket and the Transport's goroutines for it leak, one set per request. This applies to non-2xx responses and to bodies you never read. A body closed before it was read to EOF lets the Transport discard the connection instead of reusing it, which turns many short requests into new connections and TIME_WAIT sockets. When `err != nil` there is no body to close.",
      pattern:
        'Check `err` first, then `defer resp.Body.Close()`. If you stop reading early, drain a bounded amount so the connection can be reused.',
      version:
        'Closing is required since Go 1. `io.Discard` and `io.ReadAll` need Go 1.16 (`ioutil` before). Go 1.27 makes `Close` itself drain unread HTTP/1 bodies up to a conservative limit.',
    },
    zh: {
      title: '响应体一定要关闭，即使你不读它',
      pitfall:
        '在 `resp.Body` 关闭之前，它所在的 HTTP/1.x 连接无法回到 Transport 的空闲连接池：每个请求都会泄漏一个 socket 以及 Transport 为它开的 goroutine。非 2xx 响应和从不读取的响应体同样如此。没读到 EOF 就关闭的响应体会让 Transport 丢弃这条连接而不是复用，大量短请求因此不断新建连接并留下 TIME_WAIT socket。`err != nil` 时没有响应体需要关闭。',
      pattern: '先检查 `err`，再 `defer resp.Body.Close()`。如果提前停止读取，先读掉（有上限的）剩余数据，让连接可以复用。',
      version:
        '自 Go 1 起就必须关闭。`io.Discard` 和 `io.ReadAll` 需要 Go 1.16（之前在 `ioutil` 中）。Go 1.27 起，`Close` 会在一个保守的上限内自动读掉未读完的 HTTP/1 响应体。',
    },
  },
  {
    id: 'response.Body',
    apis: ['http.Response.Body'],
    since: '1.16',
    docs: [{ label: 'http.Response.Body', url: `${PKG}/net/http#Response` }],
    rules: ['body-not-closed', 'http-client-no-timeout'],
    code: go`
func fetch(ctx context.Context, client *http.Client, url string) ([]byte, error) {
    req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
    if err != nil {
        return nil, err
    }
    resp, err := client.Do(req)
    if err != nil {
        return nil, err
    }
    defer resp.Body.Close()
    if resp.StatusCode != http.StatusOK {
        return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
    }
    return io.ReadAll(io.LimitReader(resp.Body, 10<<20))
}
`,
    en: {
      title: 'resp.Body is a live stream you must close',
      pitfall:
        "When `err == nil`, `resp.Body` is always non-nil, even for an empty body or a non-2xx status, and closing it is the caller's job. It is streamed from the connection as you read: a server that stops sending stalls `Read` unless a `Client.Timeout` or the request context bounds it.",
      pattern:
        'Close it with `defer` after the error check, read with a size limit, and bound the request with a client timeout or a context.',
      version:
        '`io.ReadAll` since Go 1.16; `Client.Timeout` (which also covers reading the body) since Go 1.3; `NewRequestWithContext` since Go 1.13.',
    },
    zh: {
      title: 'resp.Body 是一条必须关闭的活动数据流',
      pitfall:
        '当 `err == nil` 时，`resp.Body` 一定非 nil，即使响应体为空或状态码不是 2xx，关闭它是调用方的责任。响应体是边读边从连接上接收的：服务器一旦停止发送，`Read` 就会卡住，除非有 `Client.Timeout` 或请求的 context 加以限制。',
      pattern: '检查完错误后用 `defer` 关闭，读取时限制大小，并用客户端超时或 context 约束整个请求。',
      version:
        '`io.ReadAll` 自 Go 1.16 起提供；`Client.Timeout`（也覆盖读取响应体）自 Go 1.3 起提供；`NewRequestWithContext` 自 Go 1.13 起提供。',
    },
  },
  {
    id: 'conn.CloseWrite',
    apis: ['(*net.TCPConn).CloseWrite', '(*net.UnixConn).CloseWrite', '(*crypto/tls.Conn).CloseWrite'],
    since: '1.16',
    docs: [
      { label: 'net.TCPConn.CloseWrite', url: `${PKG}/net#TCPConn.CloseWrite` },
      { label: 'tls.Conn.CloseWrite', url: `${PKG}/crypto/tls#Conn.CloseWrite` },
    ],
    rules: ['closewrite-without-close'],
    code: go`
func roundTrip(conn *net.TCPConn, req []byte) ([]byte, error) {
    defer conn.Close() // CloseWrite does not free the socket
    if err := conn.SetDeadline(time.Now().Add(30 * time.Second)); err != nil {
        return nil, err
    }
    if _, err := conn.Write(req); err != nil {
        return nil, err
    }
    if err := conn.CloseWrite(); err != nil { // the peer now reads EOF
        return nil, err
    }
    return io.ReadAll(conn) // the read side is still open
}
`,
    en: {
      title: 'CloseWrite half-closes; you still have to Close',
      pitfall:
        '`CloseWrite` is a TCP half-close: it sends FIN (`shutdown(SHUT_WR)`), so the peer reads EOF while this side can still read the reply. It releases nothing: the descriptor stays open until `Close`, so `CloseWrite` without a later `Close` leaks the socket. It also works on Windows (`shutdown(SD_SEND)`). On a `*tls.Conn` it only sends the close_notify alert, does not half-close the TCP connection underneath, and fails before the handshake has completed.',
      pattern: 'Write the request, `CloseWrite`, read to EOF, and `defer Close` from the start.',
      version: '`TCPConn.CloseWrite` and `UnixConn.CloseWrite` since Go 1; `tls.Conn.CloseWrite` since Go 1.8; `io.ReadAll` since Go 1.16.',
    },
    zh: {
      title: 'CloseWrite 只是半关闭，之后仍然要 Close',
      pitfall:
        '`CloseWrite` 是 TCP 半关闭：它发送 FIN（`shutdown(SHUT_WR)`），对端读到 EOF，而本端仍可以继续读取回复。它不释放任何资源：文件描述符要到 `Close` 才会关闭，所以只调用 `CloseWrite` 而不再 `Close` 会泄漏 socket。它在 Windows 上同样有效（`shutdown(SD_SEND)`）。对 `*tls.Conn` 调用时只会发送 close_notify 告警，不会对底层 TCP 连接做半关闭，并且在握手完成前调用会返回错误。',
      pattern: '写完请求后 `CloseWrite`，再读到 EOF；从一开始就 `defer Close`。',
      version:
        '`TCPConn.CloseWrite` 和 `UnixConn.CloseWrite` 自 Go 1 起提供；`tls.Conn.CloseWrite` 自 Go 1.8 起提供；`io.ReadAll` 自 Go 1.16 起提供。',
    },
  },
  {
    id: 'conn.CloseRead',
    apis: ['(*net.TCPConn).CloseRead', '(*net.UnixConn).CloseRead'],
    since: '1.15',
    docs: [
      { label: 'net.TCPConn.CloseRead', url: `${PKG}/net#TCPConn.CloseRead` },
      { label: 'golang/go#41002', url: 'https://go.dev/issue/41002' },
    ],
    rules: [],
    code: go`
// stopReading wakes a goroutine blocked in conn.Read without closing conn.
// The reader gets an error for which errors.Is(err, os.ErrDeadlineExceeded)
// is true; clear the deadline with conn.SetReadDeadline(time.Time{}).
func stopReading(conn net.Conn) error {
    return conn.SetReadDeadline(time.Unix(1, 0)) // any time in the past
}
`,
    en: {
      title: 'CloseRead is rarely what you want',
      pitfall:
        '`CloseRead` shuts down only the read side (`shutdown(SHUT_RD)`). It tells the peer nothing and frees nothing: the descriptor stays open until `Close`. It is not a portable way to wake a goroutine blocked in `Read`: on Windows it does not unblock a pending `Read` (golang/go#41002).',
      pattern: 'To wake a blocked `Read` and keep the conn, set a read deadline in the past; to release the conn, `Close` it.',
      version: 'Since Go 1. `os.ErrDeadlineExceeded` since Go 1.15.',
    },
    zh: {
      title: 'CloseRead 通常不是你想要的',
      pitfall:
        '`CloseRead` 只关闭读方向（`shutdown(SHUT_RD)`）。它不会通知对端，也不释放任何资源：文件描述符要到 `Close` 才会关闭。它也不能可移植地唤醒阻塞在 `Read` 上的 goroutine：在 Windows 上它不会解除挂起的 `Read`（golang/go#41002）。',
      pattern: '想唤醒阻塞的 `Read` 又保留连接，就把读截止时间设为过去的时间；想释放连接，就 `Close`。',
      version: '自 Go 1 起提供。`os.ErrDeadlineExceeded` 自 Go 1.15 起提供。',
    },
  },
  {
    id: 'conn.SetDeadline',
    apis: ['net.Conn.SetDeadline'],
    since: '1.15',
    docs: [
      { label: 'net.Conn', url: `${PKG}/net#Conn` },
      { label: 'os.ErrDeadlineExceeded', url: `${PKG}/os#ErrDeadlineExceeded` },
      notes('1.15'),
    ],
    rules: ['deadline-outside-loop', 'timeout-error-assertion', 'read-no-deadline'],
    code: go`
func exchange(conn net.Conn, req, resp []byte) (int, error) {
    // One absolute deadline per request/response pair, renewed every time.
    if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
        return 0, err
    }
    if _, err := conn.Write(req); err != nil {
        return 0, err
    }
    n, err := io.ReadFull(conn, resp)
    if errors.Is(err, os.ErrDeadlineExceeded) {
        return n, fmt.Errorf("peer too slow: %w", err)
    }
    return n, err
}
`,
    en: {
      title: 'A deadline is a point in time, not an idle timeout',
      pitfall:
        '`SetDeadline` sets the read and the write deadline to one absolute time. Successful I/O does not extend it, so a deadline set once before a loop eventually fails a healthy, busy connection. It applies to future calls and to calls already blocked; the zero `time.Time` clears it.',
      pattern: 'Renew it before each operation or exchange, and detect it with `errors.Is(err, os.ErrDeadlineExceeded)`.',
      version:
        'Deadlines exist since Go 1. Since Go 1.15 an expired deadline returns an error that is or wraps `os.ErrDeadlineExceeded`; the older `err.(net.Error).Timeout()` check can also be true for errors that are not an exceeded deadline.',
    },
    zh: {
      title: '截止时间是一个时间点，不是空闲超时',
      pitfall:
        '`SetDeadline` 把读、写截止时间设为同一个绝对时间。成功的读写不会顺延它，所以在循环之前只设一次的截止时间，迟早会让一条正常、繁忙的连接失败。它对之后的调用和已经阻塞中的调用都生效；零值 `time.Time` 表示清除。',
      pattern: '在每次操作或每轮请求/响应之前重新设置，并用 `errors.Is(err, os.ErrDeadlineExceeded)` 判断超时。',
      version:
        '截止时间自 Go 1 起提供。自 Go 1.15 起，截止时间到期返回的错误是（或包装了）`os.ErrDeadlineExceeded`；旧的 `err.(net.Error).Timeout()` 判断在并非截止时间到期的错误上也可能为 true。',
    },
  },
  {
    id: 'conn.SetReadDeadline',
    apis: ['net.Conn.SetReadDeadline'],
    since: '1.15',
    docs: [
      { label: 'net.Conn', url: `${PKG}/net#Conn` },
      { label: 'os.ErrDeadlineExceeded', url: `${PKG}/os#ErrDeadlineExceeded` },
      notes('1.15'),
    ],
    rules: ['read-no-deadline', 'deadline-outside-loop', 'deadline-now', 'timeout-error-assertion'],
    code: go`
func readLoop(conn net.Conn, idle time.Duration, handle func([]byte)) error {
    buf := make([]byte, 32<<10)
    for {
        // Renewed before every Read: an idle timeout, not a total one.
        if err := conn.SetReadDeadline(time.Now().Add(idle)); err != nil {
            return err
        }
        n, err := conn.Read(buf)
        if n > 0 {
            handle(buf[:n])
        }
        switch {
        case err == nil:
        case errors.Is(err, io.EOF):
            return nil
        case errors.Is(err, os.ErrDeadlineExceeded):
            return fmt.Errorf("no data for %v: %w", idle, err)
        default:
            return err
        }
    }
}
`,
    en: {
      title: 'Set the read deadline before every Read',
      pitfall:
        "Without a read deadline, `Read` on a peer that vanished (power loss, NAT drop) blocks until TCP keep-alive gives up (about 2.5 minutes with Go's defaults on Linux: 15 s idle + 9 probes × 15 s), or forever if keep-alive is off; the goroutine and the socket leak. The deadline is absolute: set once before the loop, it also fires on a busy connection. A deadline in the past, such as `time.Unix(1, 0)`, wakes a blocked `Read` at once and leaves the conn usable; `net/http` aborts pending reads this way.",
      pattern: 'Set it inside the loop before each `Read`, and treat `os.ErrDeadlineExceeded` as "peer idle for too long".',
      version: 'Since Go 1. `os.ErrDeadlineExceeded` since Go 1.15.',
    },
    zh: {
      title: '每次 Read 之前都要设置读截止时间',
      pitfall:
        '没有读截止时间时，对一个已经消失的对端（断电、NAT 表项被清除）调用 `Read` 会一直阻塞，直到 TCP keep-alive 放弃（Linux 上按 Go 的默认值约 2.5 分钟：空闲 15 秒 + 9 次探测 × 15 秒）；如果关闭了 keep-alive，则永远阻塞。goroutine 和 socket 随之泄漏。截止时间是绝对时间：在循环外只设一次，繁忙的连接也会到点失败。设为过去的时间（如 `time.Unix(1, 0)`）会立即唤醒阻塞中的 `Read`，且连接仍可继续使用；`net/http` 就是这样中止挂起的读操作的。',
      pattern: '在循环内、每次 `Read` 之前设置，并把 `os.ErrDeadlineExceeded` 当作“对端空闲太久”处理。',
      version: '自 Go 1 起提供。`os.ErrDeadlineExceeded` 自 Go 1.15 起提供。',
    },
  },
  {
    id: 'conn.SetWriteDeadline',
    apis: ['net.Conn.SetWriteDeadline'],
    since: '1.15',
    docs: [
      { label: 'net.Conn', url: `${PKG}/net#Conn` },
      { label: 'os.ErrDeadlineExceeded', url: `${PKG}/os#ErrDeadlineExceeded` },
    ],
    rules: ['deadline-outside-loop', 'deadline-now'],
    code: go`
// writeMsg bounds one write. After an error the caller must Close conn:
// part of msg may have been sent, so the stream is out of sync.
func writeMsg(conn net.Conn, msg []byte, timeout time.Duration) error {
    if err := conn.SetWriteDeadline(time.Now().Add(timeout)); err != nil {
        return err
    }
    _, err := conn.Write(msg)
    return err
}
`,
    en: {
      title: 'Writes block too: bound them',
      pitfall:
        'When the peer stops reading, the socket buffers fill and `Write` blocks. Keep-alive does not help: the peer still acknowledges and answers window probes, so without a write deadline the goroutine can hang as long as the peer stays connected. The deadline is absolute: renew it before each write. A write that timed out may have sent part of the data (`n > 0`).',
      pattern: 'Set a write deadline before each `Write` (or batch of writes) and close the conn when it expires.',
      version: 'Since Go 1. `os.ErrDeadlineExceeded` since Go 1.15.',
    },
    zh: {
      title: '写操作同样会阻塞：要加上限',
      pitfall:
        '对端不再读取时，socket 缓冲区会被填满，`Write` 随之阻塞。keep-alive 帮不上忙：对端仍然会确认并回应窗口探测，所以没有写截止时间的话，只要对端不断开，goroutine 就会一直挂着。截止时间是绝对时间：每次写之前都要重新设置。超时的写操作可能已经发出了部分数据（`n > 0`）。',
      pattern: '每次 `Write`（或每批写操作）之前设置写截止时间，到期后关闭连接。',
      version: '自 Go 1 起提供。`os.ErrDeadlineExceeded` 自 Go 1.15 起提供。',
    },
  },
  {
    id: 'conn.File',
    apis: ['(*net.TCPConn).File', '(*net.TCPListener).File', '(*net.UnixConn).File'],
    since: '1.11',
    docs: [
      { label: 'net.TCPConn.File', url: `${PKG}/net#TCPConn.File` },
      { label: 'net.TCPConn.SyscallConn', url: `${PKG}/net#TCPConn.SyscallConn` },
      notes('1.11'),
    ],
    rules: ['tcpconn-file', 'raw-syscall-nonblock'],
    code: go`
// Unix: read a socket option without File() and its side effects.
func recvBufSize(conn *net.TCPConn) (int, error) {
    rc, err := conn.SyscallConn()
    if err != nil {
        return 0, err
    }
    var size int
    var optErr error
    err = rc.Control(func(fd uintptr) {
        size, optErr = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF)
    })
    if err != nil {
        return 0, err
    }
    return size, optErr
}
`,
    en: {
      title: 'File() duplicates the socket; Fd() makes it blocking',
      pitfall:
        '`File` returns a duplicated descriptor (`dup`): closing the conn does not close the file and vice versa, so a forgotten `f.Close()` leaks a descriptor and keeps the socket open after `conn.Close()`. Since Go 1.11 `File` no longer puts the socket into blocking mode. Calling `Fd()` on the returned `*os.File` still does, and the flag is shared with the original conn: its reads and writes then block an OS thread and deadlines can no longer interrupt them.',
      pattern:
        'To read or set a socket option, use `SyscallConn().Control`: it runs your function on the original descriptor without duplicating it or changing its mode. If you really need an `*os.File` (to pass the socket to another process), close it as soon as it has been handed over.',
      version:
        'Go 1.11 stopped `File` from setting blocking mode (before, it also made the original conn blocking). `SyscallConn` since Go 1.9. On Windows, `File` works since Go 1.25.',
    },
    zh: {
      title: 'File() 会复制 socket，Fd() 会把它变成阻塞模式',
      pitfall:
        '`File` 返回的是复制出来的描述符（`dup`）：关闭连接不会关闭这个文件，反之亦然。忘记 `f.Close()` 会泄漏一个描述符，并让 socket 在 `conn.Close()` 之后依然保持打开。自 Go 1.11 起，`File` 不再把 socket 切换成阻塞模式；但对返回的 `*os.File` 调用 `Fd()` 仍然会，而这个标志与原连接共享：此后原连接的读写会占住一个系统线程阻塞，截止时间也无法再中断它们。',
      pattern:
        '要读取或设置 socket 选项，请用 `SyscallConn().Control`：它在原描述符上执行你的函数，既不复制描述符，也不改变其模式。如果确实需要 `*os.File`（例如把 socket 交给另一个进程），交接完成后立即关闭它。',
      version:
        'Go 1.11 起 `File` 不再设置阻塞模式（之前还会连带把原连接也变成阻塞的）。`SyscallConn` 自 Go 1.9 起提供。Windows 上的 `File` 自 Go 1.25 起可用。',
    },
  },
  {
    id: 'conn.SyscallConn',
    apis: ['(*net.TCPConn).SyscallConn', 'syscall.RawConn.Control'],
    since: '1.11',
    docs: [
      { label: 'net.TCPConn.SyscallConn', url: `${PKG}/net#TCPConn.SyscallConn` },
      { label: 'net.ListenConfig', url: `${PKG}/net#ListenConfig` },
      { label: 'syscall.RawConn', url: `${PKG}/syscall#RawConn` },
    ],
    rules: ['tcpconn-file', 'raw-syscall-nonblock', 'redundant-reuseaddr'],
    code: go`
// Unix: options that must be set before bind/listen go in ListenConfig.Control.
func listenBigRecvBuf(ctx context.Context, addr string, size int) (net.Listener, error) {
    lc := net.ListenConfig{
        Control: func(network, address string, c syscall.RawConn) error {
            var optErr error
            err := c.Control(func(fd uintptr) {
                optErr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, size)
            })
            if err != nil {
                return err
            }
            return optErr
        },
    }
    return lc.Listen(ctx, "tcp", addr)
}
`,
    en: {
      title: 'Use the raw descriptor only inside Control',
      pitfall:
        'The descriptor passed to `Control` is valid only during the callback: do not keep it after the callback returns (the conn may be closed and the number reused), do not close it, and do not switch it to blocking mode, because the Go poller relies on non-blocking sockets. Do not set `SO_REUSEADDR` for listeners on Unix either: Go already does.',
      pattern:
        "Do all raw work inside `Control` and return the option error separately from `Control`'s own error. Options needed before `bind` or `connect` belong in `ListenConfig.Control` or `Dialer.Control`.",
      version: '`SyscallConn` since Go 1.9; `ListenConfig` and `Dialer.Control` since Go 1.11.',
    },
    zh: {
      title: '原始描述符只能在 Control 回调内使用',
      pitfall:
        '传给 `Control` 的描述符只在回调执行期间有效：回调返回后不要保留它（连接可能已关闭，编号可能被复用），不要关闭它，也不要把它切换成阻塞模式，因为 Go 的网络轮询器依赖非阻塞 socket。在 Unix 上也不要为监听器设置 `SO_REUSEADDR`：Go 已经设置过了。',
      pattern:
        '所有原始操作都放在 `Control` 内完成，并把设置选项的错误与 `Control` 本身的错误分开返回。必须在 `bind` 或 `connect` 之前设置的选项，放到 `ListenConfig.Control` 或 `Dialer.Control` 中。',
      version: '`SyscallConn` 自 Go 1.9 起提供；`ListenConfig` 和 `Dialer.Control` 自 Go 1.11 起提供。',
    },
  },
  {
    id: 'net.Dial',
    apis: ['net.Dial', 'net.DialTCP'],
    since: '1.7',
    docs: [
      { label: 'net.Dial', url: `${PKG}/net#Dial` },
      { label: 'net.Dialer', url: `${PKG}/net#Dialer` },
    ],
    rules: ['dial-no-timeout', 'conn-not-closed'],
    code: go`
func dial(ctx context.Context, addr string) (net.Conn, error) {
    d := net.Dialer{Timeout: 5 * time.Second} // name resolution + connect
    return d.DialContext(ctx, "tcp", addr)
}
`,
    en: {
      title: 'net.Dial has no timeout',
      pitfall:
        '`net.Dial` uses a zero `Dialer`: no timeout and no context. Dialing a host that silently drops packets blocks until the OS gives up. The Go docs say TCP timeouts are "often around 3 minutes"; on Linux the default `tcp_syn_retries=6` ends it after about 127 s. Every caller waiting on that dial waits as long.',
      pattern:
        "Dial through a `net.Dialer` with a `Timeout`, and pass the caller's context to `DialContext` so cancellation stops the dial too.",
      version: '`Dialer.DialContext` since Go 1.7. Dialed TCP conns have keep-alive on by default (15 s) since Go 1.12.',
    },
    zh: {
      title: 'net.Dial 没有超时',
      pitfall:
        '`net.Dial` 使用零值 `Dialer`：没有超时，也没有 context。连接一个悄悄丢包的主机时，会一直阻塞到操作系统放弃为止。Go 文档说 TCP 超时“通常在 3 分钟左右”；Linux 默认 `tcp_syn_retries=6`，约 127 秒后才失败。所有等待这次拨号的调用方都要等这么久。',
      pattern: '通过设置了 `Timeout` 的 `net.Dialer` 拨号，并把调用方的 context 传给 `DialContext`，这样取消也能中止拨号。',
      version: '`Dialer.DialContext` 自 Go 1.7 起提供。自 Go 1.12 起，拨出的 TCP 连接默认开启 keep-alive（15 秒）。',
    },
  },
  {
    id: 'net.DialTimeout',
    apis: ['net.DialTimeout'],
    since: '1.7',
    docs: [
      { label: 'net.DialTimeout', url: `${PKG}/net#DialTimeout` },
      { label: 'net.Dialer.DialContext', url: `${PKG}/net#Dialer.DialContext` },
    ],
    rules: ['dial-no-timeout', 'read-no-deadline'],
    code: go`
func dialAndGreet(ctx context.Context, addr string) (net.Conn, error) {
    d := net.Dialer{Timeout: 5 * time.Second}
    conn, err := d.DialContext(ctx, "tcp", addr)
    if err != nil {
        return nil, err
    }
    // The dial timeout does not cover I/O: bound it with a deadline.
    if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
        conn.Close()
        return nil, err
    }
    if _, err := conn.Write([]byte("HELLO\n")); err != nil {
        conn.Close()
        return nil, err
    }
    return conn, nil
}
`,
    en: {
      title: 'The dial timeout ends when the conn is established',
      pitfall:
        '`DialTimeout` bounds only establishing the connection (name resolution included). The returned conn has no deadlines, so a `Read` on it can still block forever. It takes no context either: a cancelled request keeps dialing until the timeout.',
      pattern: 'Prefer `Dialer.DialContext` with a `Timeout`, then set deadlines on the conn for its reads and writes.',
      version: '`DialTimeout` since Go 1; `DialContext` since Go 1.7.',
    },
    zh: {
      title: '拨号超时在连接建立后就不再起作用',
      pitfall:
        '`DialTimeout` 只限制建立连接（包括域名解析）的时间。返回的连接没有任何截止时间，在它上面的 `Read` 仍可能永远阻塞。它也不接受 context：请求被取消后，拨号仍会持续到超时为止。',
      pattern: '优先使用带 `Timeout` 的 `Dialer.DialContext`，之后再为连接的读写设置截止时间。',
      version: '`DialTimeout` 自 Go 1 起提供；`DialContext` 自 Go 1.7 起提供。',
    },
  },
  {
    id: 'net.Dialer',
    apis: ['(*net.Dialer).Dial', '(*net.Dialer).DialContext', 'net.Dialer'],
    since: '1.7',
    docs: [
      { label: 'net.Dialer', url: `${PKG}/net#Dialer` },
      { label: 'net.Dialer.DialContext', url: `${PKG}/net#Dialer.DialContext` },
    ],
    rules: ['dial-no-timeout'],
    code: go`
var dialer = &net.Dialer{
    Timeout:   5 * time.Second,
    KeepAlive: 30 * time.Second, // idle time before the first probe; < 0 disables
}

func connect(ctx context.Context, addr string) (net.Conn, error) {
    return dialer.DialContext(ctx, "tcp", addr)
}
`,
    en: {
      title: 'A zero Dialer waits for the OS',
      pitfall:
        'A zero `Dialer` has no timeout, and `Dial` is `DialContext` with `context.Background()`. When both `Timeout` and a context deadline are set, the earlier one wins. `KeepAlive` is the keep-alive idle time (despite its doc speaking of an interval): zero means the 15 s default, a negative value disables keep-alive.',
      pattern: "Reuse one configured `Dialer` and call `DialContext` with the request's context.",
      version:
        '`DialContext` since Go 1.7; keep-alive on by default for dialed conns since Go 1.12. Since Go 1.23 `KeepAlive` sets only the idle time (interval 15 s and count 9 stay); Go 1.12–1.22 used it for idle and interval. `KeepAliveConfig` since Go 1.23.',
    },
    zh: {
      title: '零值 Dialer 会一直等到操作系统放弃',
      pitfall:
        '零值 `Dialer` 没有超时，`Dial` 等同于用 `context.Background()` 调用 `DialContext`。`Timeout` 与 context 截止时间同时存在时，以先到者为准。`KeepAlive` 实际是 keep-alive 的空闲时间（尽管文档称之为间隔）：零表示默认的 15 秒，负数表示关闭 keep-alive。',
      pattern: '复用一个配置好的 `Dialer`，并用请求的 context 调用 `DialContext`。',
      version:
        '`DialContext` 自 Go 1.7 起提供；自 Go 1.12 起拨出的连接默认开启 keep-alive。自 Go 1.23 起 `KeepAlive` 只设置空闲时间（间隔保持 15 秒、次数保持 9）；Go 1.12–1.22 同时用它设置空闲时间和间隔。`KeepAliveConfig` 自 Go 1.23 起提供。',
    },
  },
  {
    id: 'tls.Dial',
    apis: ['tls.Dial', 'tls.DialWithDialer', '(*tls.Dialer).DialContext'],
    since: '1.15',
    docs: [
      { label: 'tls.Dialer', url: `${PKG}/crypto/tls#Dialer` },
      { label: 'tls.Dial', url: `${PKG}/crypto/tls#Dial` },
    ],
    rules: ['dial-no-timeout'],
    code: go`
func dialTLS(ctx context.Context, addr string, cfg *tls.Config) (net.Conn, error) {
    d := tls.Dialer{
        NetDialer: &net.Dialer{Timeout: 10 * time.Second}, // connect + handshake
        Config:    cfg,
    }
    return d.DialContext(ctx, "tcp", addr)
}
`,
    en: {
      title: 'tls.Dial bounds neither the connect nor the handshake',
      pitfall:
        "`tls.Dial` connects with `net.Dial` and then runs the handshake, both without a timeout. A server that accepts the TCP connection but never answers the ClientHello hangs the caller forever: the peer acknowledges keep-alive probes, so they never end it. `DialWithDialer` applies the dialer's `Timeout` to connect and handshake together, but takes no context.",
      pattern:
        'Use `tls.Dialer` with a `NetDialer` that has a `Timeout`, and call `DialContext`: the timeout and the context cover the handshake too.',
      version: '`tls.Dialer` and its `DialContext` since Go 1.15; `DialWithDialer` since Go 1.3.',
    },
    zh: {
      title: 'tls.Dial 既不限制连接时间，也不限制握手时间',
      pitfall:
        '`tls.Dial` 先用 `net.Dial` 建立连接再执行握手，两步都没有超时。如果服务器接受了 TCP 连接却始终不回应 ClientHello，调用方会永远挂起：对端会应答 keep-alive 探测，所以 keep-alive 也结束不了它。`DialWithDialer` 会把 dialer 的 `Timeout` 同时用于连接和握手，但不接受 context。',
      pattern: '使用 `tls.Dialer`，给它的 `NetDialer` 设置 `Timeout`，并调用 `DialContext`：超时和 context 同样覆盖握手阶段。',
      version: '`tls.Dialer` 及其 `DialContext` 自 Go 1.15 起提供；`DialWithDialer` 自 Go 1.3 起提供。',
    },
  },
  {
    id: 'net.Listen',
    apis: ['net.Listen', 'net.ListenTCP'],
    since: '1.21',
    docs: [{ label: 'net.Listen', url: `${PKG}/net#Listen` }, { label: 'net.ListenConfig', url: `${PKG}/net#ListenConfig` }, notes('1.13')],
    rules: ['redundant-reuseaddr', 'conn-not-closed', 'accept-error-spin'],
    code: go`
func listenAndServe(ctx context.Context, addr string, handle func(net.Conn)) error {
    ln, err := net.Listen("tcp", addr) // SO_REUSEADDR is already set on Unix
    if err != nil {
        return err
    }
    defer ln.Close() // frees the port
    stop := context.AfterFunc(ctx, func() { ln.Close() })
    defer stop()
    for {
        conn, err := ln.Accept()
        if err != nil {
            if errors.Is(err, net.ErrClosed) {
                return ctx.Err()
            }
            return err
        }
        go handle(conn)
    }
}
`,
    en: {
      title: 'net.Listen already sets SO_REUSEADDR on Unix',
      pitfall:
        'Folklore, corrected: on Unix `net.Listen` sets `SO_REUSEADDR` on every listening socket, so a restarted server does not fail with "address already in use" because of old TIME_WAIT connections, and setting it yourself is redundant. Go does not set `SO_REUSEPORT`, and on Windows it deliberately does not set `SO_REUSEADDR`. Accepted TCP conns get keep-alive (15 s) by default since Go 1.13. `":8080"` listens on IPv4 and IPv6. The port is held until the listener is closed.',
      pattern: 'Close the listener when you stop serving; use `ListenConfig` when you need a context or socket options.',
      version:
        'The `SO_REUSEADDR` default is long-standing (`src/net/sockopt_linux.go`, `sockopt_bsd.go`, …; `sockopt_windows.go` explains why not on Windows). Keep-alive on accepted conns since Go 1.13. `ListenConfig` since Go 1.11. `net.ErrClosed` since Go 1.16. `context.AfterFunc` since Go 1.21.',
    },
    zh: {
      title: '在 Unix 上 net.Listen 已经设置了 SO_REUSEADDR',
      pitfall:
        '纠正一个流传很广的说法：在 Unix 上，`net.Listen` 会为每个监听 socket 设置 `SO_REUSEADDR`，所以服务重启时不会因为旧连接处于 TIME_WAIT 而报 "address already in use"，自己再设置一遍是多余的。Go 不会设置 `SO_REUSEPORT`；在 Windows 上则特意不设置 `SO_REUSEADDR`。自 Go 1.13 起，接受的 TCP 连接默认开启 keep-alive（15 秒）。`":8080"` 同时监听 IPv4 和 IPv6。在监听器关闭之前，端口一直被占用。',
      pattern: '停止服务时关闭监听器；需要 context 或 socket 选项时使用 `ListenConfig`。',
      version:
        '默认设置 `SO_REUSEADDR` 由来已久（`src/net/sockopt_linux.go`、`sockopt_bsd.go` 等；`sockopt_windows.go` 说明了 Windows 上不设置的原因）。接受的连接默认开启 keep-alive 自 Go 1.13 起。`ListenConfig` 自 Go 1.11 起提供。`net.ErrClosed` 自 Go 1.16 起提供。`context.AfterFunc` 自 Go 1.21 起提供。',
    },
  },
  {
    id: 'net.ListenConfig',
    apis: ['(*net.ListenConfig).Listen', 'net.ListenConfig'],
    since: '1.21',
    docs: [
      { label: 'net.ListenConfig', url: `${PKG}/net#ListenConfig` },
      { label: 'net.ListenConfig.Listen', url: `${PKG}/net#ListenConfig.Listen` },
    ],
    rules: ['redundant-reuseaddr'],
    code: go`
func listenUntilDone(ctx context.Context, addr string) (net.Listener, error) {
    lc := net.ListenConfig{KeepAlive: 30 * time.Second}
    ln, err := lc.Listen(ctx, "tcp", addr) // ctx bounds only this call
    if err != nil {
        return nil, err
    }
    context.AfterFunc(ctx, func() { ln.Close() }) // stop Accept when ctx ends
    return ln, nil
}
`,
    en: {
      title: 'The Listen context does not close the listener',
      pitfall:
        'The context given to `ListenConfig.Listen` is used only while the address is resolved; it does not affect the returned listener, so cancelling it later neither closes the listener nor stops `Accept`. `Control` runs before `bind`: do not set `SO_REUSEADDR` there on Unix (Go already does); it is the place for options such as `SO_REUSEPORT` or buffer sizes. `KeepAlive` applies to accepted conns: zero means the 15 s default, negative disables it.',
      pattern: 'Close the listener yourself when the context ends.',
      version:
        '`ListenConfig` since Go 1.11, its `KeepAlive` since Go 1.13, `KeepAliveConfig` since Go 1.23. `context.AfterFunc` since Go 1.21.',
    },
    zh: {
      title: 'Listen 的 context 不会关闭监听器',
      pitfall:
        '传给 `ListenConfig.Listen` 的 context 只在解析监听地址时使用，不影响返回的监听器：之后取消它既不会关闭监听器，也不会停止 `Accept`。`Control` 在 `bind` 之前执行：在 Unix 上不要在这里设置 `SO_REUSEADDR`（Go 已经设置了），它适合设置 `SO_REUSEPORT`、缓冲区大小等选项。`KeepAlive` 作用于接受的连接：零表示默认的 15 秒，负数表示关闭。',
      pattern: 'context 结束时自己关闭监听器。',
      version:
        '`ListenConfig` 自 Go 1.11 起提供，其 `KeepAlive` 自 Go 1.13 起，`KeepAliveConfig` 自 Go 1.23 起。`context.AfterFunc` 自 Go 1.21 起提供。',
    },
  },
  {
    id: 'tls.Listen',
    apis: ['tls.Listen', 'tls.NewListener'],
    since: '1.17',
    docs: [
      { label: 'tls.NewListener', url: `${PKG}/crypto/tls#NewListener` },
      { label: 'tls.Conn.HandshakeContext', url: `${PKG}/crypto/tls#Conn.HandshakeContext` },
    ],
    rules: ['read-no-deadline'],
    code: go`
func handleTLS(ctx context.Context, conn *tls.Conn) error {
    defer conn.Close()
    hctx, cancel := context.WithTimeout(ctx, 10*time.Second)
    defer cancel()
    if err := conn.HandshakeContext(hctx); err != nil {
        return err // client too slow or silent
    }
    if err := conn.SetReadDeadline(time.Now().Add(time.Minute)); err != nil {
        return err
    }
    _, err := io.Copy(io.Discard, conn) // serve the session here
    return err
}
`,
    en: {
      title: 'Accepted TLS conns handshake lazily, without a timeout',
      pitfall:
        'A TLS listener returns conns whose handshake has not run yet: it runs on the first `Read`, `Write` or `Handshake` call. A client that connects and sends nothing holds the goroutine and the socket forever unless a deadline or context covers the handshake. `tls.Listen` takes no `ListenConfig`; wrap your own listener with `tls.NewListener` when you need one.',
      pattern: 'Run `HandshakeContext` with a timeout, then set deadlines for the session.',
      version: '`HandshakeContext` since Go 1.17; `tls.Listen` and `tls.NewListener` since Go 1.',
    },
    zh: {
      title: '接受的 TLS 连接是惰性握手的，而且没有超时',
      pitfall:
        'TLS 监听器返回的连接还没有握手：握手在第一次 `Read`、`Write` 或 `Handshake` 调用时才进行。客户端连上后什么都不发，就会永远占住 goroutine 和 socket，除非有截止时间或 context 约束握手。`tls.Listen` 不接受 `ListenConfig`；需要时请用 `tls.NewListener` 包装你自己的监听器。',
      pattern: '用带超时的 context 调用 `HandshakeContext`，之后再为会话设置截止时间。',
      version: '`HandshakeContext` 自 Go 1.17 起提供；`tls.Listen` 和 `tls.NewListener` 自 Go 1 起提供。',
    },
  },
  {
    id: 'listener.Accept',
    apis: ['net.Listener.Accept', '(*net.TCPListener).AcceptTCP'],
    since: '1.21',
    docs: [{ label: 'net.Listener', url: `${PKG}/net#Listener` }, { label: 'net.ErrClosed', url: `${PKG}/net#ErrClosed` }, notes('1.16')],
    rules: ['accept-error-spin', 'conn-not-closed'],
    code: go`
func acceptLoop(ln net.Listener, handle func(net.Conn)) error {
    var delay time.Duration
    for {
        conn, err := ln.Accept()
        if err != nil {
            if errors.Is(err, net.ErrClosed) {
                return nil // listener closed: stop
            }
            // e.g. EMFILE: back off like net/http (5ms, doubling, max 1s)
            delay = min(max(2*delay, 5*time.Millisecond), time.Second)
            log.Printf("accept: %v; retrying in %v", err, delay)
            time.Sleep(delay)
            continue
        }
        delay = 0
        go func() {
            defer conn.Close()
            handle(conn)
        }()
    }
}
`,
    en: {
      title: 'An Accept loop must stop on ErrClosed and back off otherwise',
      pitfall:
        'After the listener is closed, `Accept` fails immediately, every time, with an error that satisfies `errors.Is(err, net.ErrClosed)`: a loop that logs and `continue`s spins at 100% CPU. When the process is out of file descriptors (`EMFILE`), retrying at once spins as well; `net/http` sleeps 5 ms, doubling up to 1 s. Every accepted conn must be closed by whoever handles it.',
      pattern: 'Return on `net.ErrClosed`, back off on other errors, and start a goroutine per conn that defers `Close`.',
      version:
        '`net.ErrClosed` since Go 1.16. `net.Error.Temporary` is deprecated since Go 1.18. The built-in `min`/`max` used here need Go 1.21.',
    },
    zh: {
      title: 'Accept 循环要在 ErrClosed 时退出，其他错误时退避',
      pitfall:
        '监听器关闭后，`Accept` 每次都会立即失败，错误满足 `errors.Is(err, net.ErrClosed)`：只打日志再 `continue` 的循环会把 CPU 占满 100%。进程的文件描述符耗尽（`EMFILE`）时，立即重试同样会空转；`net/http` 会先睡 5 毫秒，每次翻倍，最多 1 秒。每个接受的连接都必须由处理它的一方关闭。',
      pattern: '遇到 `net.ErrClosed` 就返回，其他错误则退避重试；每个连接开一个 goroutine，并在其中 defer `Close`。',
      version:
        '`net.ErrClosed` 自 Go 1.16 起提供。`net.Error.Temporary` 自 Go 1.18 起已弃用。这里用到的内置函数 `min`/`max` 需要 Go 1.21。',
    },
  },
  {
    id: 'conn.SetKeepAlive',
    apis: ['(*net.TCPConn).SetKeepAlive', '(*net.TCPConn).SetKeepAlivePeriod'],
    since: '1.23',
    docs: [
      { label: 'net.TCPConn.SetKeepAlivePeriod', url: `${PKG}/net#TCPConn.SetKeepAlivePeriod` },
      { label: 'net.KeepAliveConfig', url: `${PKG}/net#KeepAliveConfig` },
      notes('1.12'),
      notes('1.13'),
    ],
    rules: [],
    code: go`
// Usually nothing to do: Go already enables keep-alive (15 s).
// To tune it, configure the Dialer (Go 1.23+) instead of each conn.
var dialer = &net.Dialer{
    Timeout: 5 * time.Second,
    KeepAliveConfig: net.KeepAliveConfig{
        Enable:   true,
        Idle:     30 * time.Second,
        Interval: 10 * time.Second,
        Count:    3, // dead peer noticed after about 30s + 3*10s
    },
}
`,
    en: {
      title: 'Keep-alive is already on; it is not a read timeout',
      pitfall:
        'Go enables TCP keep-alive with a 15 s idle time on dialed conns since Go 1.12 and on accepted conns since Go 1.13. `SetKeepAlive(true)` is then a no-op, and the widely copied `SetKeepAlivePeriod(3 * time.Minute)` from pre-1.13 `net/http` makes dead-peer detection slower. Probes are only sent while no data is waiting to be acknowledged, so keep-alive is not a read timeout. Since Go 1.23 `SetKeepAlivePeriod` sets only the idle time; interval and count keep their values.',
      pattern:
        'Configure keep-alive where the conn is made (`Dialer`, `ListenConfig`) or with `SetKeepAliveConfig`, and use read deadlines for timeouts.',
      version:
        'On by default: dialed conns Go 1.12, accepted conns Go 1.13; idle = interval = 15 s, count 9 (set explicitly since Go 1.23, before that the OS default). `SetKeepAlivePeriod` since Go 1.2; `KeepAliveConfig` since Go 1.23.',
    },
    zh: {
      title: 'keep-alive 默认已开启，而且它不是读超时',
      pitfall:
        '自 Go 1.12 起拨出的连接、自 Go 1.13 起接受的连接，默认都开启了 TCP keep-alive，空闲时间 15 秒。因此 `SetKeepAlive(true)` 没有实际作用；而从 Go 1.13 之前的 `net/http` 广泛复制来的 `SetKeepAlivePeriod(3 * time.Minute)` 反而让发现对端失联变得更慢。只有在没有待确认数据时才会发送探测，所以 keep-alive 不能代替读超时。自 Go 1.23 起，`SetKeepAlivePeriod` 只设置空闲时间，间隔和次数保持不变。',
      pattern: '在创建连接的地方（`Dialer`、`ListenConfig`）或通过 `SetKeepAliveConfig` 配置 keep-alive；超时请用读截止时间。',
      version:
        '默认开启：拨出连接自 Go 1.12，接受连接自 Go 1.13；空闲时间 = 间隔 = 15 秒，次数 9（自 Go 1.23 起显式设置，之前沿用操作系统默认值）。`SetKeepAlivePeriod` 自 Go 1.2 起提供；`KeepAliveConfig` 自 Go 1.23 起提供。',
    },
  },
  {
    id: 'conn.SetKeepAliveConfig',
    apis: ['(*net.TCPConn).SetKeepAliveConfig'],
    since: '1.23',
    docs: [
      { label: 'net.TCPConn.SetKeepAliveConfig', url: `${PKG}/net#TCPConn.SetKeepAliveConfig` },
      { label: 'net.KeepAliveConfig', url: `${PKG}/net#KeepAliveConfig` },
      notes('1.23'),
    ],
    rules: [],
    code: go`
func tuneKeepAlive(conn *net.TCPConn) error {
    return conn.SetKeepAliveConfig(net.KeepAliveConfig{
        Enable:   true, // false turns keep-alive off
        Idle:     30 * time.Second,
        Interval: 10 * time.Second,
        Count:    3, // dead peer noticed after about 30s + 3*10s
    })
}
`,
    en: {
      title: 'Set idle, interval and count together',
      pitfall:
        '`SetKeepAliveConfig` sets all keep-alive options in one call. `Enable: false` turns keep-alive off. Zero `Idle`, `Interval` or `Count` mean the defaults (15 s, 15 s, 9); a negative value leaves the OS setting unchanged. A dead peer is noticed after about Idle + Interval × Count of silence, and only while no data is waiting to be acknowledged. Windows before 10 version 1709 cannot set Idle and Interval separately or change Count.',
      pattern: 'Prefer setting `KeepAliveConfig` on the `Dialer` or `ListenConfig`; call this for conns you did not create.',
      version: 'Since Go 1.23.',
    },
    zh: {
      title: '空闲时间、间隔和次数一起设置',
      pitfall:
        '`SetKeepAliveConfig` 一次设置全部 keep-alive 选项。`Enable: false` 表示关闭 keep-alive。`Idle`、`Interval`、`Count` 为零时使用默认值（15 秒、15 秒、9 次）；为负数时保留操作系统的设置不变。对端失联要在大约 Idle + Interval × Count 的静默之后才会被发现，而且只在没有待确认数据时才有效。Windows 10 1709 之前的版本不能分别设置 Idle 和 Interval，也不能修改 Count。',
      pattern: '优先在 `Dialer` 或 `ListenConfig` 上设置 `KeepAliveConfig`；对不是你创建的连接再调用此方法。',
      version: '自 Go 1.23 起提供。',
    },
  },
  {
    id: 'net.KeepAliveConfig',
    apis: [
      'net.KeepAliveConfig',
      'net.Dialer.KeepAliveConfig',
      'net.ListenConfig.KeepAliveConfig',
      'net.Dialer.KeepAlive',
      'net.ListenConfig.KeepAlive',
    ],
    since: '1.23',
    docs: [
      { label: 'net.KeepAliveConfig', url: `${PKG}/net#KeepAliveConfig` },
      { label: 'net.Dialer', url: `${PKG}/net#Dialer` },
      { label: 'net.ListenConfig', url: `${PKG}/net#ListenConfig` },
      notes('1.23'),
    ],
    rules: [],
    code: go`
func listenWithProbes(ctx context.Context, addr string) (net.Listener, error) {
    lc := net.ListenConfig{
        KeepAliveConfig: net.KeepAliveConfig{
            Enable:   true, // required, or the struct is ignored
            Idle:     time.Minute,
            Interval: 15 * time.Second,
            Count:    4,
        },
    }
    return lc.Listen(ctx, "tcp", addr)
}
`,
    en: {
      title: 'KeepAliveConfig is ignored unless Enable is true',
      pitfall:
        'In a `Dialer` or `ListenConfig`, `KeepAliveConfig` takes effect only when `Enable` is true, and then it overrides `KeepAlive`. Zero `Idle`/`Interval`/`Count` mean 15 s/15 s/9; negative values leave the OS setting. The older `KeepAlive` duration sets only the idle time: zero means the 15 s default, and a negative value disables keep-alive unless `KeepAliveConfig.Enable` is set.',
      pattern: 'Set `Enable: true` together with the values you want, on the `Dialer` or `ListenConfig` that creates the conns.',
      version:
        'Go 1.23 added `KeepAliveConfig`, `Dialer.KeepAliveConfig`, `ListenConfig.KeepAliveConfig` and `TCPConn.SetKeepAliveConfig`.',
    },
    zh: {
      title: '不设置 Enable: true，KeepAliveConfig 就会被忽略',
      pitfall:
        '在 `Dialer` 或 `ListenConfig` 中，只有 `Enable` 为 true 时 `KeepAliveConfig` 才生效，此时它会覆盖 `KeepAlive`。`Idle`/`Interval`/`Count` 为零分别表示 15 秒/15 秒/9 次；为负数则保留操作系统的设置。旧的 `KeepAlive` 时长字段只设置空闲时间：零表示默认 15 秒；负数表示关闭 keep-alive，除非设置了 `KeepAliveConfig.Enable`。',
      pattern: '在创建连接的 `Dialer` 或 `ListenConfig` 上，同时设置 `Enable: true` 和需要的数值。',
      version:
        'Go 1.23 新增了 `KeepAliveConfig`、`Dialer.KeepAliveConfig`、`ListenConfig.KeepAliveConfig` 和 `TCPConn.SetKeepAliveConfig`。',
    },
  },
  {
    id: 'server.Shutdown',
    apis: ['(*http.Server).Shutdown'],
    since: '1.16',
    docs: [
      { label: 'http.Server.Shutdown', url: `${PKG}/net/http#Server.Shutdown` },
      { label: 'signal.NotifyContext', url: `${PKG}/os/signal#NotifyContext` },
      notes('1.8'),
    ],
    rules: ['shutdown-without-timeout', 'server-close-not-shutdown', 'serve-error-unchecked'],
    code: go`
func serveUntilSignal(srv *http.Server) error {
    ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
    defer stop()
    errc := make(chan error, 1)
    go func() { errc <- srv.ListenAndServe() }()
    select {
    case err := <-errc:
        return err // could not start, e.g. address in use
    case <-ctx.Done():
    }
    sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
    defer cancel()
    if err := srv.Shutdown(sctx); err != nil {
        srv.Close() // grace period over: drop what is left
        return err
    }
    if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
        return err
    }
    return nil
}
`,
    en: {
      title: 'Shutdown waits forever unless its context has a deadline',
      pitfall:
        '`Shutdown` closes the listeners, then the idle connections, then waits indefinitely for active requests to finish; `Shutdown(context.Background())` can hang the process on one stuck handler. As soon as it is called, `ListenAndServe`/`Serve` return `http.ErrServerClosed`, so the program must wait for `Shutdown` to return instead of exiting. Hijacked connections (WebSockets) are neither closed nor waited for; use `RegisterOnShutdown` to notify them.',
      pattern: 'On SIGINT/SIGTERM call `Shutdown` with a timeout context; if it times out, `Close` what is left.',
      version: '`Shutdown` and `ErrServerClosed` since Go 1.8; `RegisterOnShutdown` since Go 1.9; `signal.NotifyContext` since Go 1.16.',
    },
    zh: {
      title: '不给 context 设截止时间，Shutdown 会一直等下去',
      pitfall:
        '`Shutdown` 先关闭监听器，再关闭空闲连接，然后无限期等待活跃请求结束；`Shutdown(context.Background())` 可能因为一个卡住的 handler 让进程永远挂起。一旦调用它，`ListenAndServe`/`Serve` 会立即返回 `http.ErrServerClosed`，所以程序必须等 `Shutdown` 返回后再退出。被劫持的连接（WebSocket）既不会被关闭也不会被等待；请用 `RegisterOnShutdown` 通知它们。',
      pattern: '收到 SIGINT/SIGTERM 时，用带超时的 context 调用 `Shutdown`；超时后再用 `Close` 关闭剩余连接。',
      version:
        '`Shutdown` 和 `ErrServerClosed` 自 Go 1.8 起提供；`RegisterOnShutdown` 自 Go 1.9 起；`signal.NotifyContext` 自 Go 1.16 起。',
    },
  },
  {
    id: 'server.Close',
    apis: ['(*http.Server).Close'],
    since: '1.20',
    docs: [
      { label: 'http.Server.Close', url: `${PKG}/net/http#Server.Close` },
      { label: 'http.Server.Shutdown', url: `${PKG}/net/http#Server.Shutdown` },
    ],
    rules: ['server-close-not-shutdown'],
    code: go`
func stopServer(srv *http.Server, grace time.Duration) error {
    ctx, cancel := context.WithTimeout(context.Background(), grace)
    defer cancel()
    if err := srv.Shutdown(ctx); err != nil {
        // Grace period over: force the remaining connections closed.
        return errors.Join(err, srv.Close())
    }
    return nil
}
`,
    en: {
      title: 'Server.Close drops requests in flight',
      pitfall:
        '`Close` immediately closes the listeners and every connection in state new, active or idle, including requests still being served: clients see resets and truncated responses. Like `Shutdown`, it does not touch hijacked connections (WebSockets). `ListenAndServe` returns `http.ErrServerClosed` after it.',
      pattern: 'Call `Shutdown` with a deadline first, and use `Close` only for what is left when the deadline passes.',
      version: '`Close` and `Shutdown` since Go 1.8; `errors.Join` since Go 1.20.',
    },
    zh: {
      title: 'Server.Close 会丢掉正在处理的请求',
      pitfall:
        '`Close` 会立即关闭监听器以及所有处于 new、active、idle 状态的连接，包括仍在处理中的请求：客户端会看到连接被重置或响应被截断。与 `Shutdown` 一样，它不会处理被劫持的连接（WebSocket）。调用后 `ListenAndServe` 返回 `http.ErrServerClosed`。',
      pattern: '先用带截止时间的 `Shutdown` 优雅关闭，截止时间到了再用 `Close` 处理剩下的连接。',
      version: '`Close` 和 `Shutdown` 自 Go 1.8 起提供；`errors.Join` 自 Go 1.20 起提供。',
    },
  },
  {
    id: 'http.ListenAndServe',
    apis: ['http.ListenAndServe', '(*http.Server).ListenAndServe', 'http.Serve', '(*http.Server).Serve'],
    since: '1.13',
    docs: [
      { label: 'http.Server', url: `${PKG}/net/http#Server` },
      { label: 'http.ErrServerClosed', url: `${PKG}/net/http#ErrServerClosed` },
    ],
    rules: ['http-server-no-timeouts', 'serve-error-unchecked'],
    code: go`
func run(addr string, h http.Handler) error {
    srv := &http.Server{
        Addr:              addr,
        Handler:           h,
        ReadHeaderTimeout: 10 * time.Second,
        ReadTimeout:       30 * time.Second,
        WriteTimeout:      30 * time.Second,
        IdleTimeout:       2 * time.Minute,
    }
    // srv.Shutdown (elsewhere) makes this return ErrServerClosed.
    if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
        return err
    }
    return nil
}
`,
    en: {
      title: 'ListenAndServe always returns an error; the default server has no timeouts',
      pitfall:
        'It always returns a non-nil error. After `Shutdown` or `Close` that error is `http.ErrServerClosed`, which is a normal exit; anything else (port in use, permission denied) is a real failure. The package-level `http.ListenAndServe(addr, h)` and `http.Serve` use a `Server` without timeouts: a client that sends its headers slowly (Slowloris) or never reads the response holds a goroutine and a socket indefinitely.',
      pattern:
        'Use an `http.Server` with `ReadHeaderTimeout` (and `ReadTimeout`, `WriteTimeout`, `IdleTimeout` that suit your handlers), and treat `ErrServerClosed` as a clean exit.',
      version: '`ErrServerClosed`, `ReadHeaderTimeout` and `IdleTimeout` since Go 1.8; `errors.Is` since Go 1.13.',
    },
    zh: {
      title: 'ListenAndServe 总会返回错误；默认的 Server 没有任何超时',
      pitfall:
        '它总是返回非 nil 的错误。在 `Shutdown` 或 `Close` 之后，这个错误是 `http.ErrServerClosed`，属于正常退出；其他错误（端口被占用、权限不足）才是真正的失败。包级函数 `http.ListenAndServe(addr, h)` 和 `http.Serve` 使用的 `Server` 没有任何超时：慢慢发送请求头（Slowloris）或从不读取响应的客户端，会无限期占用一个 goroutine 和一个 socket。',
      pattern:
        '使用设置了 `ReadHeaderTimeout`（以及适合你的 handler 的 `ReadTimeout`、`WriteTimeout`、`IdleTimeout`）的 `http.Server`，并把 `ErrServerClosed` 当作正常退出。',
      version: '`ErrServerClosed`、`ReadHeaderTimeout` 和 `IdleTimeout` 自 Go 1.8 起提供；`errors.Is` 自 Go 1.13 起提供。',
    },
  },
  {
    id: 'http.Get',
    apis: ['http.Get', 'http.Post', 'http.Head', 'http.PostForm', 'http.DefaultClient'],
    since: '1.16',
    docs: [
      { label: 'http.Get', url: `${PKG}/net/http#Get` },
      { label: 'http.Client', url: `${PKG}/net/http#Client` },
      { label: 'http.NewRequestWithContext', url: `${PKG}/net/http#NewRequestWithContext` },
    ],
    rules: ['http-client-no-timeout', 'body-not-closed'],
    code: go`
var client = &http.Client{Timeout: 30 * time.Second}

func get(ctx context.Context, url string) ([]byte, error) {
    req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
    if err != nil {
        return nil, err
    }
    resp, err := client.Do(req)
    if err != nil {
        return nil, err
    }
    defer resp.Body.Close()
    return io.ReadAll(resp.Body)
}
`,
    en: {
      title: 'http.Get uses DefaultClient, which has no timeout',
      pitfall:
        '`http.Get`, `Post`, `Head` and `PostForm` use `http.DefaultClient`, whose `Timeout` is zero, and take no context. `http.DefaultTransport` only bounds the dial (30 s) and the TLS handshake (10 s): a server that accepts the request and then stalls blocks the caller forever and holds the connection. On success the caller must still close `resp.Body`.',
      pattern:
        'Use your own `http.Client` with a `Timeout`, build requests with `http.NewRequestWithContext`, and `defer resp.Body.Close()` after the error check.',
      version: '`Client.Timeout` since Go 1.3; `NewRequestWithContext` since Go 1.13; `io.ReadAll` since Go 1.16.',
    },
    zh: {
      title: 'http.Get 使用 DefaultClient，而它没有超时',
      pitfall:
        '`http.Get`、`Post`、`Head` 和 `PostForm` 使用 `http.DefaultClient`，它的 `Timeout` 为零，而且这些函数不接受 context。`http.DefaultTransport` 只限制拨号（30 秒）和 TLS 握手（10 秒）：服务器接收请求后迟迟不响应，调用方就会永远阻塞并占着连接。即使成功，调用方仍须关闭 `resp.Body`。',
      pattern:
        '使用自己的、设置了 `Timeout` 的 `http.Client`，用 `http.NewRequestWithContext` 构造请求，并在检查错误后 `defer resp.Body.Close()`。',
      version: '`Client.Timeout` 自 Go 1.3 起提供；`NewRequestWithContext` 自 Go 1.13 起；`io.ReadAll` 自 Go 1.16 起。',
    },
  },
  {
    id: 'client.Timeout',
    apis: ['http.Client.Timeout', 'http.Client'],
    since: '1.13',
    docs: [
      { label: 'http.Client.Timeout', url: `${PKG}/net/http#Client` },
      { label: 'http.Transport', url: `${PKG}/net/http#Transport` },
    ],
    rules: ['http-client-no-timeout'],
    code: go`
var apiClient = &http.Client{Timeout: 30 * time.Second}

// For streams (SSE, long polling): no overall Timeout; bound the headers
// and use a per-request context instead.
func newStreamClient() *http.Client {
    t := http.DefaultTransport.(*http.Transport).Clone()
    t.ResponseHeaderTimeout = 10 * time.Second
    return &http.Client{Transport: t}
}
`,
    en: {
      title: 'Client.Timeout covers the whole exchange, body included',
      pitfall:
        '`Timeout` bounds connecting, redirects and reading the response body. Its timer keeps running after `Do`/`Get` return, so a large download or a streaming response is cut off mid-body when it fires. Zero means no timeout, which is what `http.DefaultClient` and `&http.Client{}` have.',
      pattern:
        'Set it on a shared client for ordinary request/response calls. For streams, leave it zero and bound the phases instead: `Transport.ResponseHeaderTimeout` plus a context per request.',
      version: '`Client.Timeout` since Go 1.3; `Transport.Clone` since Go 1.13.',
    },
    zh: {
      title: 'Client.Timeout 覆盖整个请求过程，包括读取响应体',
      pitfall:
        '`Timeout` 限制的是建立连接、重定向以及读取响应体的总时间。`Do`/`Get` 返回后计时器仍在运行，所以大文件下载或流式响应会在到期时被中途截断。零表示没有超时，`http.DefaultClient` 和 `&http.Client{}` 都是如此。',
      pattern:
        '普通的请求/响应调用，在共享的 client 上设置它。流式响应则保持为零，改为分阶段限制：`Transport.ResponseHeaderTimeout` 加上每个请求各自的 context。',
      version: '`Client.Timeout` 自 Go 1.3 起提供；`Transport.Clone` 自 Go 1.13 起提供。',
    },
  },
];

export const CARDS_BY_ID: ReadonlyMap<string, Card> = new Map(CARDS.map((c) => [c.id, c]));
